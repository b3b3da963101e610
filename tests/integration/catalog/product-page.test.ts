import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import type { ProductRow, SellerRow } from '../../helpers/factories';

/** Product names on a listing page, in the order they are shown. */
function cardNames(html: string): string[] {
  return [...html.matchAll(/<span class="card-name">([^<]*)<\/span>/g)].map((m) => m[1]);
}

/** Text of the page with tags removed and whitespace collapsed, for reading labels next to values. */
function pageText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

const XSS = '<script>alert(1)</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

describe('product page', () => {
  let ctx: TestContext;
  // 1 June 2025, 10:00 in Vietnam.
  const now = new Date('2025-06-01T03:00:00Z');
  let seller: SellerRow;
  let honey: ProductRow;
  let soldOut: ProductRow;
  let claim: ProductRow;

  beforeAll(async () => {
    ctx = await createTestContext({ now });
    const { createSeller, createProduct } = ctx.factories;
    seller = await createSeller({ name: 'HTX Ong mật Thanh Xuân', commune: 'Xã Xuân Quang' });
    honey = await createProduct({
      sellerId: seller.id,
      name: 'Mật ong Thanh Xuân',
      description: 'Mật ong hoa rừng khai thác tự nhiên.',
      priceVnd: 125000,
      unit: 'chai 500ml',
      stock: 12,
      categoryCode: 'I.2.b',
      ocopStars: 4,
      ocopDecisionDate: '2023-01-10',
      ocopCertificateNo: 'QĐ 123/QĐ-UBND',
      withImage: true,
    });
    soldOut = await createProduct({ sellerId: seller.id, name: 'Sữa ong chúa Thanh Xuân', stock: 0 });
    claim = await createProduct({ sellerId: seller.id, name: 'Phấn hoa Thanh Xuân', ocopStars: 5, ocopVerified: false });
  });
  afterAll(() => ctx.close());

  afterEach(() => ctx.setNow(now));

  it('shows the name, the price with a non-breaking space, the unit and the stock', async () => {
    const res = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html; charset=utf-8/);
    expect(res.text).toContain('<title>Mật ong Thanh Xuân · Chợ OCOP</title>');
    expect(res.text).toContain('<h1>Mật ong Thanh Xuân</h1>');
    expect(res.text).toContain('125.000\u00a0₫');
    expect(res.text).toContain('/ chai 500ml');
    expect(res.text).toContain('Còn hàng · Còn 12 chai 500ml');
    expect(res.text).not.toContain('Hết hàng');
    expect(res.text).toContain('Mật ong hoa rừng khai thác tự nhiên.');
    expect(res.text).toContain('I.2.b — Mật ong, mật khác và nông sản thực phẩm khác');
  });

  it('shows the photo at the product-page width', async () => {
    const res = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(res.text).toMatch(/<img src="\/media\/products\/test-[a-z0-9]+-800\.webp"[^>]* alt="Mật ong Thanh Xuân"/);
    expect(res.text).toMatch(/<a href="\/media\/products\/test-[a-z0-9]+-1600\.webp">/);
  });

  it('says "Hết hàng" when the stock is 0', async () => {
    const res = await request(ctx.app).get(`/products/${soldOut.slug}`).expect(200);
    expect(res.text).toContain('Hết hàng');
    expect(res.text).not.toContain('Còn hàng');
  });

  it('shows a seller card linking to the storefront', async () => {
    const res = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(res.text).toContain('<strong>HTX Ong mật Thanh Xuân</strong>');
    expect(pageText(res.text)).toContain('Hợp tác xã · Xã Xuân Quang, Lào Cai');
    expect(res.text).toContain(`<a href="/sellers/${seller.slug}">Xem gian hàng</a>`);
  });

  it('shows the OCOP badge with stars, certificate number and validity as dd/mm/yyyy', async () => {
    const res = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(res.text).toContain('class="ocop-badge"');
    expect(res.text).toContain('aria-label="4 sao"');
    const text = pageText(res.text);
    expect(text).toContain('OCOP 4 sao');
    expect(text).toContain('Giấy chứng nhận QĐ 123/QĐ-UBND');
    expect(text).toContain('Ngày quyết định 10/01/2023');
    // 36 months after the decision.
    expect(text).toContain('Hiệu lực đến 10/01/2026');
    expect(text).not.toContain('hết hạn');
  });

  it('stops showing the badge once the certificate has expired', async () => {
    ctx.setNow(new Date('2026-01-10T16:00:00Z')); // 23:00 on 10/01/2026 in Vietnam: the last valid day
    let res = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(res.text).toContain('class="ocop-badge"');

    ctx.setNow(new Date('2026-02-01T03:00:00Z'));
    res = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(res.text).not.toContain('class="ocop-badge');
    expect(res.text).not.toContain('Hiệu lực đến');
    expect(pageText(res.text)).toContain('Chứng nhận OCOP 4 sao đã hết hạn ngày 10/01/2026');

    // The listing and the API agree.
    const listing = await request(ctx.app).get('/products').expect(200);
    expect(listing.text).not.toContain('class="ocop-badge');
    const api = await request(ctx.app).get(`/api/v1/products/${honey.slug}`).expect(200);
    expect(api.body.ocop).toMatchObject({ stars: 4, verified: true, badge: false, expired: true, validUntil: '2026-01-10' });
  });

  it('shows an unverified claim as "chờ xác minh" without a badge', async () => {
    const res = await request(ctx.app).get(`/products/${claim.slug}`).expect(200);
    expect(res.text).not.toContain('class="ocop-badge');
    expect(res.text).not.toContain('Hiệu lực đến');
    expect(pageText(res.text)).toContain('Hạng sao OCOP 5 sao (chờ xác minh)');
  });

  it('shows a product without any OCOP claim with neither badge nor notice', async () => {
    const res = await request(ctx.app).get(`/products/${soldOut.slug}`).expect(200);
    expect(res.text).not.toContain('class="ocop-badge');
    expect(res.text).not.toContain('chờ xác minh');
    expect(res.text).not.toContain('hết hạn');
  });
});

describe('not found', () => {
  let ctx: TestContext;
  let hidden: ProductRow;
  let draft: ProductRow;
  let ofSuspended: ProductRow;
  let ofPending: ProductRow;

  beforeAll(async () => {
    ctx = await createTestContext();
    const { createSeller, createProduct } = ctx.factories;
    hidden = await createProduct({ name: 'Sản phẩm bị ẩn', status: 'hidden' });
    draft = await createProduct({ name: 'Bản nháp', status: 'draft' });
    ofSuspended = await createProduct({ name: 'Hàng HTX bị đình chỉ', sellerId: (await createSeller({ status: 'suspended' })).id });
    ofPending = await createProduct({ name: 'Hàng HTX chờ duyệt', sellerId: (await createSeller({ status: 'pending' })).id });
  });
  afterAll(() => ctx.close());

  function expectFriendly404(html: string) {
    expect(html).toContain('<h1>Không tìm thấy trang</h1>');
    expect(html).toContain('<a class="button" href="/">Về trang chủ</a>');
  }

  it('answers an unknown slug with the friendly Vietnamese 404 page', async () => {
    const res = await request(ctx.app).get('/products/khong-co-san-pham-nay').expect(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expectFriendly404(res.text);
    expect(res.text).toContain('Không tìm thấy sản phẩm này');
  });

  it('answers 404 for a hidden product, a draft and the products of suspended or pending sellers', async () => {
    for (const product of [hidden, draft, ofSuspended, ofPending]) {
      const res = await request(ctx.app).get(`/products/${product.slug}`);
      expect({ slug: product.slug, status: res.status }).toEqual({ slug: product.slug, status: 404 });
      expectFriendly404(res.text);
      expect(res.text).not.toContain(product.name);
    }
  });

  it('answers 404, not a form error, for a slug no product can have', async () => {
    for (const path of ['/products/Mat-Ong', '/products/m%E1%BA%ADt-ong', '/products/%3Cscript%3E', `/products/${'a'.repeat(130)}`, '/sellers/HTX']) {
      const res = await request(ctx.app).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expectFriendly404(res.text);
      expect(res.text).not.toContain('<script>');
    }
    const api = await request(ctx.app).get('/api/v1/products/Mat-Ong').expect(404);
    expect(api.body.error.code).toBe('not_found');
  });

  it('answers unknown paths with the same page', async () => {
    const res = await request(ctx.app).get('/khong-co-trang-nay').expect(404);
    expectFriendly404(res.text);
  });
});

describe('storefront', () => {
  let ctx: TestContext;
  let seller: SellerRow;
  let other: SellerRow;

  beforeAll(async () => {
    ctx = await createTestContext();
    const { createSeller, createProduct } = ctx.factories;
    seller = await createSeller({ name: 'HTX Chè Bản Liền', commune: 'Xã Bản Liền' });
    other = await createSeller({ name: 'HTX Khác' });
    await createProduct({ sellerId: seller.id, name: 'Chè hữu cơ Bản Liền' });
    await createProduct({ sellerId: seller.id, name: 'Chè Shan tuyết Bản Liền', ocopStars: 4 });
    await createProduct({ sellerId: seller.id, name: 'Chè nháp', status: 'draft' });
    await createProduct({ sellerId: seller.id, name: 'Chè bị ẩn', status: 'hidden' });
    await createProduct({ sellerId: other.id, name: 'Hàng của HTX khác' });
  });
  afterAll(() => ctx.close());

  it("lists only this seller's active products", async () => {
    const res = await request(ctx.app).get(`/sellers/${seller.slug}`).expect(200);
    expect(res.text).toContain('<h1>HTX Chè Bản Liền</h1>');
    expect(pageText(res.text)).toContain('Hợp tác xã · Lào Cai → Xã Bản Liền');
    expect(res.text).toContain('Sản phẩm của HTX Chè Bản Liền');
    expect(cardNames(res.text)).toEqual(['Chè Shan tuyết Bản Liền', 'Chè hữu cơ Bản Liền']);
    expect(res.text).toContain('2 sản phẩm');
    expect(res.text).not.toContain('Hàng của HTX khác');
  });

  it('answers 404 for pending, suspended, rejected and unknown sellers', async () => {
    const { createSeller, createProduct } = ctx.factories;
    for (const status of ['pending', 'suspended', 'rejected'] as const) {
      const s = await createSeller({ name: `HTX trạng thái ${status}`, status });
      await createProduct({ sellerId: s.id, name: `Hàng ${status}` });
      const res = await request(ctx.app).get(`/sellers/${s.slug}`);
      expect({ status, code: res.status }).toEqual({ status, code: 404 });
      expect(res.text).toContain('Không tìm thấy');
      expect(res.text).not.toContain(`Hàng ${status}`);
    }
    const unknown = await request(ctx.app).get('/sellers/khong-co-htx-nay').expect(404);
    expect(unknown.text).toContain('Không tìm thấy gian hàng này.');
  });
});

describe('HTML escaping', () => {
  let ctx: TestContext;
  let product: ProductRow;
  let seller: SellerRow;

  beforeAll(async () => {
    ctx = await createTestContext();
    seller = await ctx.factories.createSeller({ name: `HTX ${XSS}` });
    product = await ctx.factories.createProduct({ sellerId: seller.id, name: XSS, description: `Mô tả ${XSS}`, unit: XSS, withImage: true });
  });
  afterAll(() => ctx.close());

  it.each([
    ['the home page', () => '/'],
    ['the listing', () => '/products'],
    ['a search', () => '/products?q=script+alert'],
    ['the product page', () => `/products/${product.slug}`],
    ['the storefront', () => `/sellers/${seller.slug}`],
  ])('escapes a product named <script> on %s', async (_label, path) => {
    const res = await request(ctx.app).get(path()).expect(200);
    expect(res.text).not.toContain(XSS);
    // Our own two scripts (the enhancement file and the JSON-LD data block, which never contains "<") aside, no script.
    const rest = res.text.replace('<script src="/js/app.js" defer></script>', '').replace(/<script type="application\/ld\+json">[^<]*<\/script>/, '');
    expect(rest).not.toMatch(/<script/i);
    expect(res.text).toContain(XSS_ESCAPED);
  });

  it('returns the raw name, as data, from the API', async () => {
    const res = await request(ctx.app).get(`/api/v1/products/${product.slug}`).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.name).toBe(XSS);
  });
});

describe('language switch', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.factories.createProduct({ name: 'Mật ong Thanh Xuân', stock: 0 });
    await ctx.factories.createProduct({ name: 'Trà Shan tuyết' });
  });
  afterAll(() => ctx.close());

  it('GET /lang/en?next=/products sets a lang cookie and returns to /products', async () => {
    const res = await request(ctx.app).get('/lang/en?next=/products').expect(303);
    expect(res.headers.location).toBe('/products');
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^lang=en;/);
    expect(cookies[0]).toMatch(/HttpOnly/i);
    expect(cookies[0]).toMatch(/SameSite=Lax/i);
  });

  it('shows the listing in English with the cookie, and in Vietnamese without it', async () => {
    const en = await request(ctx.app).get('/products').set('Cookie', 'lang=en').expect(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('<h1>OCOP products</h1>');
    expect(en.text).toContain('2 products');
    expect(en.text).toContain('Sold out');
    expect(en.text).toContain('>Tiếng Việt</a>');

    const vi = await request(ctx.app).get('/products').expect(200);
    expect(vi.text).toContain('<html lang="vi">');
    expect(vi.text).toContain('<h1>Sản phẩm OCOP</h1>');
    expect(vi.text).toContain('Hết hàng');
  });

  it('switches back to Vietnamese', async () => {
    const res = await request(ctx.app).get('/lang/vi?next=/products%3Fsort%3Dnewest').set('Cookie', 'lang=en').expect(303);
    expect(res.headers.location).toBe('/products?sort=newest');
    expect(res.headers['set-cookie']?.[0]).toMatch(/^lang=vi;/);
  });

  it('ignores an unknown language and an unknown cookie value', async () => {
    const res = await request(ctx.app).get('/lang/fr?next=/products').expect(303);
    expect(res.headers['set-cookie']).toBeUndefined();
    const page = await request(ctx.app).get('/products').set('Cookie', 'lang=fr').expect(200);
    expect(page.text).toContain('<h1>Sản phẩm OCOP</h1>');
  });

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)'])('never redirects off the site (next=%s)', async (next) => {
    const res = await request(ctx.app).get('/lang/en').query({ next }).expect(303);
    expect(res.headers.location).toBe('/');
  });
});
