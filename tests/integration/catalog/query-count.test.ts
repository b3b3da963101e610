import request from 'supertest';
import { countQueries } from '../../helpers/queries';
import { deliveredOrder, postReview } from '../../helpers/reviews';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  const seller = await ctx.factories.createSeller();
  for (let i = 0; i < 30; i++) await ctx.factories.createProduct({ sellerId: seller.id, name: `Đặc sản số ${i}`, ocopStars: 3 + (i % 3), withImage: true });
});
afterAll(() => ctx.close());

describe('public pages stay cheap', () => {
  it.each([
    // Three catalogue sections and the running or next market day (market_days_ends_at_idx).
    ['the home page', 4, () => '/'],
    ['the listing', 2, () => '/products'],
    ['a deep listing page', 2, () => '/products?page=2'],
    // The ranking, the page's rows, and the filter options that have matches (facets): with the cache on
    // (CATALOG_CACHE_SECONDS) the facets are shared by every page and every group/commune/stars choice of the words.
    ['a search', 3, () => '/products?q=dac san'],
    ['a product page', 1, () => `/products/${slug}`],
    ['the JSON API', 2, () => '/api/v1/products'],
  ])('%s: at most %d SQL statements, no write, no session', async (_label, max, path) => {
    await request(ctx.app).get(path()); // warm the per-process category cache
    const queries = await countQueries(ctx.ds, async () => {
      const res = await request(ctx.app).get(path());
      expect(res.status).toBe(200);
      expect(((res.headers['set-cookie'] as unknown as string[]) ?? []).some((c) => c.startsWith('cho.sid='))).toBe(false);
    });
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.length).toBeLessThanOrEqual(max);
    expect(queries.filter((q) => /^(INSERT|UPDATE|DELETE)\b/i.test(q))).toEqual([]);
  });
});

let slug = '';
beforeAll(async () => {
  [{ slug }] = await ctx.ds.query(`SELECT slug FROM products LIMIT 1`);
});

describe('visitors without a session', () => {
  it('browse without the session store, and every other page still gets the full stack', async () => {
    const queries = await countQueries(ctx.ds, () => request(ctx.app).get(`/products/${slug}`).expect(200));
    expect(queries.filter((q) => /\bsessions\b/.test(q))).toEqual([]);
    // The application form shares the /sellers/ prefix with storefronts: it is not a storefront named "apply".
    const apply = await request(ctx.app).get('/sellers/apply').expect(200);
    expect(apply.text).toContain('<title>Đăng ký bán hàng · Chợ OCOP</title>');
    // A guest's product page carries no form token (issue 23: its add-to-cart post is checked by origin), and no cookie.
    const page = await request(ctx.app).get(`/products/${slug}`).expect(200);
    expect(page.text).toContain('action="/cart/items"');
    expect(page.text).not.toContain('name="_csrf"');
    expect(page.headers['set-cookie']).toBeUndefined();
  });
});

describe('a product page with reviews', () => {
  it('reads its histogram and newest reviews in one more statement (the aggregate row by primary key and the partial index of visible reviews)', async () => {
    const [product] = await ctx.ds.query(`SELECT id, seller_id AS "sellerId", slug FROM products ORDER BY id DESC LIMIT 1`);
    const order = await deliveredOrder(ctx, product, { fast: true });
    expect((await postReview(order.agent, order.code, order.itemId, { rating: '5', comment: 'Ngon' })).status).toBe(303);
    await request(ctx.app).get(`/products/${product.slug}`);
    const queries = await countQueries(ctx.ds, async () => {
      const res = await request(ctx.app).get(`/products/${product.slug}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Đã mua hàng');
      expect(((res.headers['set-cookie'] as unknown as string[]) ?? []).some((c) => c.startsWith('cho.sid='))).toBe(false);
    });
    expect(queries.length).toBeLessThanOrEqual(2);
    expect(queries.filter((q) => /^(INSERT|UPDATE|DELETE)\b/i.test(q))).toEqual([]);
  });
});
