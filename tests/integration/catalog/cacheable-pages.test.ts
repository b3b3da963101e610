import request from 'supertest';
import { createAccount, csrfFrom, signIn, signInAsSeller } from '../../helpers/auth';
import { publicCacheControl } from '../../../server/http/public-cache';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import type { ProductRow, SellerRow } from '../../helpers/factories';

/**
 * Issue 23: a visitor without a session cookie gets catalogue pages a CDN may keep (public, an
 * ETag, no cookie written); the product page's add-to-cart form carries no per-visitor token and is
 * checked by Fetch Metadata / Origin instead.
 */

let ctx: TestContext;
let product: ProductRow;
let seller: SellerRow;
let marketDaySlug: string;
let traceCode: string;
beforeAll(async () => {
  ctx = await createTestContext({ env: { CATALOG_CACHE_SECONDS: '30' } });
  seller = await ctx.factories.createSeller({ name: 'HTX Chè Shan Tuyết' });
  product = await ctx.factories.createProduct({ sellerId: seller.id, stock: 20 });
  const starts = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  [{ slug: marketDaySlug }] = await ctx.ds.query(
    `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at) VALUES ('phien-cho-sa-pa', 'Phiên chợ Sa Pa', 'Phường Sa Pa', 'Quảng trường', $1, $2) RETURNING slug`,
    [starts, new Date(starts.getTime() + 4 * 3600 * 1000)],
  );
  // A batch through the seller's own form (the traceability module writes product_batches).
  const owner = await signInAsSeller(ctx.app, ctx.ds);
  const own = await ctx.factories.createProduct({ sellerId: owner.sellerId, stock: 5 });
  const form = await owner.agent.get(`/seller/products/${own.id}/batches`);
  await owner.agent
    .post(`/seller/products/${own.id}/batches`)
    .type('form')
    .send({ _csrf: csrfFrom(form.text), code: 'LO-1', producedOn: '2026-01-01', quantity: '5' })
    .expect(303);
  [{ traceCode }] = await ctx.ds.query(`SELECT trace_code AS "traceCode" FROM product_batches WHERE product_id = $1`, [own.id]);
});
afterAll(() => ctx.close());

const PUBLIC = 'public, max-age=0, s-maxage=30, stale-while-revalidate=60';
const counts = async () =>
  (
    await ctx.ds.query(
      `SELECT (SELECT count(*) FROM sessions)::int AS sessions, (SELECT count(*) FROM carts)::int AS carts, (SELECT count(*) FROM cart_items)::int AS items`,
    )
  )[0] as {
    sessions: number;
    carts: number;
    items: number;
  };

describe('public pages for a visitor without a session', () => {
  const paths = () => [
    '/',
    '/products',
    '/products?sort=price_asc&category=tea',
    `/products/${product.slug}`,
    `/sellers/${seller.slug}`,
    '/market-days',
    `/market-days/${marketDaySlug}`,
    `/trace/${traceCode}`,
    '/api/v1/products',
    `/api/v1/products/${product.slug}`,
    `/api/v1/shipping-quote?productId=${product.id}&quantity=1&province=96`,
    '/sitemap.xml',
    '/robots.txt',
  ];

  it('say public with s-maxage, carry a weak ETag, set no cookie, and answer 304 to a matching If-None-Match', async () => {
    for (const path of paths()) {
      const res = await request(ctx.app).get(path);
      expect({ path, status: res.status, cacheControl: res.headers['cache-control'], setCookie: res.headers['set-cookie'] }).toEqual({
        path,
        status: 200,
        cacheControl: PUBLIC,
        setCookie: undefined,
      });
      expect(res.headers.etag).toMatch(/^W\/"/);
      expect(res.headers.vary).toMatch(/Cookie/);
      const again = await request(ctx.app).get(path).set('If-None-Match', res.headers.etag);
      expect({ path, status: again.status, setCookie: again.headers['set-cookie'] }).toEqual({ path, status: 304, setCookie: undefined });
    }
    const head = await request(ctx.app).head(`/products/${product.slug}`);
    expect(head.status).toBe(200);
    expect(head.headers['cache-control']).toBe(PUBLIC);
  });

  it('with CATALOG_CACHE_SECONDS=0 (the test default) caches revalidate every time and serve nothing stale', () => {
    expect(publicCacheControl(0)).toBe('public, max-age=0, s-maxage=0');
    expect(publicCacheControl(30)).toBe(PUBLIC);
  });

  it('the product page form has no _csrf field; the ETag changes with the language', async () => {
    const vi = await request(ctx.app).get(`/products/${product.slug}`);
    expect(vi.text).toContain('action="/cart/items"');
    expect(vi.text).not.toContain('name="_csrf"');
    const en = await request(ctx.app).get(`/products/${product.slug}`).set('Cookie', 'lang=en');
    expect(en.headers['cache-control']).toBe(PUBLIC);
    expect(en.headers.etag).not.toBe(vi.headers.etag);
    const stale = await request(ctx.app).get(`/products/${product.slug}`).set('Cookie', 'lang=en').set('If-None-Match', vi.headers.etag);
    expect(stale.status).toBe(200);
  });

  it('a product page that shows the fee to the ship_to province is private; a missing product is not cached', async () => {
    const res = await request(ctx.app).get(`/products/${product.slug}`).set('Cookie', 'ship_to=96');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['set-cookie']).toBeUndefined();
    const missing = await request(ctx.app).get('/products/khong-co-san-pham-nay');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('after sign-in the same URLs are no-store, with the user header and a form token', async () => {
    const account = await createAccount(ctx.ds, { fullName: 'Lò Thị Hoa' });
    const agent = await signIn(ctx.app, account.email);
    for (const path of ['/', '/products', `/products/${product.slug}`, `/sellers/${seller.slug}`, '/market-days']) {
      const res = await agent.get(path);
      expect({ path, status: res.status, cacheControl: res.headers['cache-control'] }).toEqual({ path, status: 200, cacheControl: 'no-store' });
      expect(res.headers.etag).toBeUndefined();
      expect(res.text).toContain('action="/logout"');
    }
    expect((await agent.get(`/products/${product.slug}`)).text).toContain('name="_csrf"');
  });
});

describe('add to cart without a per-visitor token', () => {
  const post = () => request(ctx.app).post('/cart/items').type('form');
  const body = () => ({ productId: String(product.id), quantity: '2' });

  it('a same-origin form post (Sec-Fetch-Site) creates the session and the cart: 303 to /cart', async () => {
    const before = await counts();
    const res = await post().set('Sec-Fetch-Site', 'same-origin').send(body());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/cart');
    expect(await counts()).toEqual({ sessions: before.sessions + 1, carts: before.carts + 1, items: before.items + 1 });
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('cho.sid='))!;
    expect(cookie).toMatch(/SameSite=Lax/i);
    const cart = await request(ctx.app).get('/cart').set('Cookie', cookie.split(';')[0]);
    expect(cart.text).toContain(product.name);
  });

  it('without Fetch Metadata: an Origin (or, without one, a Referer) on PUBLIC_URL is enough', async () => {
    const before = await counts();
    expect((await post().set('Origin', ctx.config.publicUrl).send(body())).status).toBe(303);
    expect((await post().set('Referer', `${ctx.config.publicUrl}/products/${product.slug}`).send(body())).status).toBe(303);
    expect((await counts()).carts).toBe(before.carts + 2);
  });

  it('cross-site, same-site, a foreign Origin or Referer, or no signal at all: 403 and nothing written', async () => {
    const before = await counts();
    const refused = [
      post().set('Sec-Fetch-Site', 'cross-site'),
      post().set('Sec-Fetch-Site', 'same-site'),
      post().set('Origin', 'https://evil.example'),
      post().set('Origin', 'null'),
      post().set('Referer', 'https://evil.example/products'),
      post(),
    ];
    for (const req of refused) {
      const res = await req.send(body());
      expect(res.status).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await counts()).toEqual(before);
  });

  it('with a session: a post with _csrf is checked by the token, one without (a guest page from the back button) by origin', async () => {
    const first = await post().set('Sec-Fetch-Site', 'same-origin').send(body());
    const sid = (first.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('cho.sid='))!.split(';')[0];
    const [{ cartId }] = await ctx.ds.query(`SELECT id AS "cartId" FROM carts ORDER BY id DESC LIMIT 1`);
    const quantity = async () => (await ctx.ds.query(`SELECT quantity FROM cart_items WHERE cart_id = $1`, [cartId]))[0].quantity as number;
    expect(await quantity()).toBe(2);
    expect((await post().set('Cookie', sid).set('Sec-Fetch-Site', 'same-origin').send(body())).status).toBe(303);
    expect(await quantity()).toBe(4);
    expect((await post().set('Cookie', sid).set('Sec-Fetch-Site', 'cross-site').send(body())).status).toBe(403);
    expect(
      (
        await post()
          .set('Cookie', sid)
          .set('Sec-Fetch-Site', 'same-origin')
          .send({ ...body(), _csrf: 'forged' })
      ).status,
    ).toBe(403);
    expect(await quantity()).toBe(4);
  });
});
