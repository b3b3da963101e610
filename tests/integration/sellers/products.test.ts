import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { jpegWithExif } from '../../helpers/images';
import { verifyOcopForm } from '../../helpers/moderation';

let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
let categoryId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Mật ong Bảo Hà' });
  [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
});
afterAll(() => ctx.close());

const tokenOf = async (agent: request.Agent, path: string) => csrfFrom((await agent.get(path)).text);

async function createProduct(overrides: Record<string, string> = {}) {
  const token = await tokenOf(seller.agent, '/seller/products/new');
  const res = await seller.agent
    .post('/seller/products/new')
    .type('form')
    .send({
      _csrf: token,
      name: 'Mật ong rừng Bảo Hà',
      categoryId: String(categoryId),
      description: 'Mật ong hoa rừng nguyên chất.',
      priceVnd: '125.000',
      unit: 'chai 500ml',
      weightGrams: '700',
      stock: '12',
      lowStockThreshold: '3',
      ...overrides,
    });
  return res;
}

const idFrom = (location: string) => Number(/\/seller\/products\/(\d+)/.exec(location)![1]);

describe('seller listings', () => {
  it('create → add a photo → publish → the product is in the catalogue with its cover', async () => {
    const created = await createProduct();
    expect(created.status).toBe(303);
    const id = idFrom(created.headers.location);
    const [row] = await ctx.ds.query(`SELECT name, price_vnd, stock, status, seller_id, slug FROM products WHERE id = $1`, [id]);
    expect(row).toMatchObject({ name: 'Mật ong rừng Bảo Hà', price_vnd: 125000, stock: 12, status: 'draft', seller_id: seller.sellerId });
    const ledger = await ctx.ds.query(`SELECT delta, reason, balance_after, actor_user_id FROM stock_movements WHERE product_id = $1`, [id]);
    expect(ledger).toEqual([{ delta: 12, reason: 'initial', balance_after: 12, actor_user_id: seller.userId }]);

    // A draft is not in the catalogue.
    expect((await request(ctx.app).get(`/products/${row.slug}`)).status).toBe(404);

    const page = await seller.agent.get(`/seller/products/${id}`);
    expect(page.text).toContain('Bản nháp');
    const upload = await seller.agent
      .post(`/seller/products/${id}/images`)
      .field('_csrf', csrfFrom(page.text))
      .attach('images', await jpegWithExif(), 'mat-ong.jpg');
    expect(upload.status).toBe(303);
    const [image] = await ctx.ds.query(`SELECT storage_key, sizes FROM product_images WHERE product_id = $1`, [id]);
    expect(image.sizes).toEqual([400, 800, 1600]);

    const publish = await seller.agent
      .post(`/seller/products/${id}/publish`)
      .type('form')
      .send({ _csrf: await tokenOf(seller.agent, `/seller/products/${id}`) });
    expect(publish.status).toBe(303);
    expect((await ctx.ds.query(`SELECT status FROM products WHERE id = $1`, [id]))[0].status).toBe('active');

    const listing = await request(ctx.app).get('/products?q=mat ong rung bao ha');
    expect(listing.text).toContain('Mật ong rừng Bảo Hà');
    expect(listing.text).toContain(`/media/${image.storage_key}-400.webp`);
    const media = await request(ctx.app).get(`/media/${image.storage_key}-400.webp`).expect(200);
    expect(media.headers['content-type']).toBe('image/webp');
    expect(media.headers['cache-control']).toContain('immutable');
    expect(media.headers['x-content-type-options']).toBe('nosniff');
    const productPage = await request(ctx.app).get(`/products/${row.slug}`).expect(200);
    expect(productPage.text).toContain('125.000\u00a0₫');
    expect(productPage.text).toContain(`/media/${image.storage_key}-800.webp`);

    // Unpublish takes it down again.
    await seller.agent
      .post(`/seller/products/${id}/unpublish`)
      .type('form')
      .send({ _csrf: await tokenOf(seller.agent, `/seller/products/${id}`) })
      .expect(303);
    expect((await request(ctx.app).get(`/products/${row.slug}`)).status).toBe(404);
  });

  it('will not publish without a photo', async () => {
    const id = idFrom((await createProduct({ name: 'Phấn hoa không ảnh' })).headers.location);
    const res = await seller.agent
      .post(`/seller/products/${id}/publish`)
      .type('form')
      .send({ _csrf: await tokenOf(seller.agent, `/seller/products/${id}`) });
    expect(res.status).toBe(409);
    expect(res.text).toContain('hãy thêm ít nhất một ảnh sản phẩm');
    expect((await ctx.ds.query(`SELECT status FROM products WHERE id = $1`, [id]))[0].status).toBe('draft');
  });

  it('a cooperative that is not approved cannot manage or publish products', async () => {
    const pending = await signInAsSeller(ctx.app, ctx.ds, { status: 'pending' });
    const res = await pending.agent.get('/seller/products/new');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Gian hàng chưa được duyệt');
    const product = await ctx.factories.createProduct({ sellerId: pending.sellerId, status: 'draft', withImage: true });
    const token = csrfFrom((await pending.agent.get('/seller')).text);
    expect((await pending.agent.post(`/seller/products/${product.id}/publish`).type('form').send({ _csrf: token })).status).toBe(403);
    expect((await ctx.ds.query(`SELECT status FROM products WHERE id = $1`, [product.id]))[0].status).toBe('draft');
  });

  it('validates the form with Vietnamese messages and creates nothing', async () => {
    const before = (await ctx.ds.query(`SELECT count(*)::int AS n FROM products`))[0].n;
    const res = await createProduct({ name: '', priceVnd: '1.5', unit: '', ocopStars: '4', categoryId: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Tên sản phẩm cần ít nhất 2 ký tự.');
    expect(res.text).toContain('Giá phải là số đồng nguyên');
    expect(res.text).toContain('Vui lòng nhập đơn vị bán');
    expect(res.text).toContain('Vui lòng chọn nhóm OCOP.');
    const zero = await createProduct({ priceVnd: '0' });
    expect(zero.status).toBe(422);
    expect(zero.text).toContain('Giá phải lớn hơn 0 đồng.');
    const claim = await createProduct({ ocopStars: '4' });
    expect(claim.status).toBe(422);
    expect(claim.text).toContain('thiếu số giấy chứng nhận');
    const forged = await createProduct({ sellerId: '1' });
    expect(forged.status).toBe(422);
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM products`))[0].n).toBe(before);
  });

  it('accepts 125000 and 125.000 alike', async () => {
    const id = idFrom((await createProduct({ name: 'Gạo Séng Cù', priceVnd: '250000' })).headers.location);
    expect((await ctx.ds.query(`SELECT price_vnd FROM products WHERE id = $1`, [id]))[0].price_vnd).toBe(250000);
  });

  it('an OCOP claim waits for an admin; verifying shows the badge; editing the claim clears it', async () => {
    const created = await createProduct({
      name: 'Trà Shan tuyết Suối Giàng',
      ocopStars: '4',
      ocopCertificateNo: '1234/QĐ-UBND',
      ocopDecisionDate: '2025-03-15',
    });
    const id = idFrom(created.headers.location);
    const detail = await seller.agent.get(`/seller/products/${id}`);
    expect(detail.text).toContain('chờ xác minh');
    await ctx.ds.query(`INSERT INTO product_images (product_id, storage_key, sizes, width, height) VALUES ($1, 'products/x/abc', '{400}', 400, 400)`, [id]);
    await seller.agent
      .post(`/seller/products/${id}/publish`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text) })
      .expect(303);
    const [{ slug }] = await ctx.ds.query(`SELECT slug FROM products WHERE id = $1`, [id]);
    const before = await request(ctx.app).get(`/products/${slug}`);
    expect(before.text).toContain('chờ xác minh');
    expect(before.text).not.toContain('class="ocop-badge');

    const { agent: admin, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds);
    const queue = await admin.get('/admin/products?ocop=pending');
    expect(queue.text).toContain('Trà Shan tuyết Suối Giàng');
    expect(queue.text).toContain('1234/QĐ-UBND');
    await admin
      .post(`/admin/products/${id}/verify-ocop`)
      .type('form')
      .send({ ...verifyOcopForm(queue.text, id), reason: 'Đã đối chiếu quyết định' })
      .expect(303);
    const [verified] = await ctx.ds.query(`SELECT ocop_verified, ocop_verified_by FROM products WHERE id = $1`, [id]);
    expect(verified).toEqual({ ocop_verified: true, ocop_verified_by: adminId });
    const after = await request(ctx.app).get(`/products/${slug}`);
    expect(after.text).toContain('class="ocop-badge');
    expect(after.text).toContain('1234/QĐ-UBND');
    expect((await ctx.ds.query(`SELECT reason FROM audit_log WHERE action = 'product.verify-ocop' AND target_id = $1`, [String(id)]))[0].reason).toBe(
      'Đã đối chiếu quyết định',
    );

    // Editing only the description keeps the verification; changing the stars clears it.
    const edit = async (overrides: Record<string, string>) => {
      const form = await seller.agent.get(`/seller/products/${id}/edit`);
      const version = /name="version" value="(\d+)"/.exec(form.text)![1];
      return seller.agent
        .post(`/seller/products/${id}/edit`)
        .type('form')
        .send({
          _csrf: csrfFrom(form.text),
          version,
          name: 'Trà Shan tuyết Suối Giàng',
          categoryId: String(categoryId),
          description: 'Mới',
          priceVnd: '300000',
          unit: 'hộp 200g',
          lowStockThreshold: '2',
          ocopStars: '4',
          ocopCertificateNo: '1234/QĐ-UBND',
          ocopDecisionDate: '2025-03-15',
          ...overrides,
        });
    };
    expect((await edit({})).status).toBe(303);
    expect((await ctx.ds.query(`SELECT ocop_verified FROM products WHERE id = $1`, [id]))[0].ocop_verified).toBe(true);
    expect((await edit({ ocopStars: '5' })).status).toBe(303);
    expect((await ctx.ds.query(`SELECT ocop_verified, ocop_verified_at, ocop_stars FROM products WHERE id = $1`, [id]))[0]).toEqual({
      ocop_verified: false,
      ocop_verified_at: null,
      ocop_stars: 5,
    });
    expect((await request(ctx.app).get(`/products/${slug}`)).text).not.toContain('class="ocop-badge');
  });

  it('reports a stale edit from a second tab instead of overwriting', async () => {
    const id = idFrom((await createProduct({ name: 'Chè Bát tiên' })).headers.location);
    const tabA = await seller.agent.get(`/seller/products/${id}/edit`);
    const tabB = await seller.agent.get(`/seller/products/${id}/edit`);
    const body = (text: string, price: string) => ({
      _csrf: csrfFrom(text),
      version: /name="version" value="(\d+)"/.exec(text)![1],
      name: 'Chè Bát tiên',
      categoryId: String(categoryId),
      description: '',
      priceVnd: price,
      unit: 'gói 200g',
      lowStockThreshold: '5',
    });
    expect((await seller.agent.post(`/seller/products/${id}/edit`).type('form').send(body(tabA.text, '100000'))).status).toBe(303);
    const stale = await seller.agent.post(`/seller/products/${id}/edit`).type('form').send(body(tabB.text, '90000'));
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Sản phẩm vừa được lưu ở một nơi khác');
    expect((await ctx.ds.query(`SELECT price_vnd, version FROM products WHERE id = $1`, [id]))[0]).toEqual({ price_vnd: 100000, version: 2 });
  });

  it("lists the seller's products with status, price, stock and a low-stock marker; the dashboard counts them", async () => {
    await createProduct({ name: 'Tinh dầu quế sắp hết', stock: '2', lowStockThreshold: '5' });
    const list = await seller.agent.get('/seller/products');
    expect(list.text).toContain('Tinh dầu quế sắp hết');
    expect(list.text).toContain('Sắp hết');
    expect(list.text).toContain('Bản nháp');
    expect(list.text).toContain('125.000\u00a0₫');
    const dashboard = await seller.agent.get('/seller');
    expect(dashboard.text).toMatch(/<strong>\d+<\/strong> bản nháp/);
    expect(dashboard.text).toContain('Tinh dầu quế sắp hết');
  });
});
