import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom } from '../../helpers/auth';
import { databaseDigest } from '../../helpers/security';
import { decodeHtml } from '../../helpers/sales';

/**
 * Values a client forges by hand, where the form or link would never put them: each gets an
 * ordinary answer (page one, or a clear refusal), never a server error.
 */

let ctx: TestContext;
let sellerSlug: string;
beforeAll(async () => {
  ctx = await createTestContext();
  const seller = await ctx.factories.createSeller();
  sellerSlug = seller.slug;
  for (let i = 1; i <= 3; i++) {
    await ctx.factories.createProduct({ sellerId: seller.id, name: `Mật ong rừng số ${i}`, priceVnd: 100_000 * i, ocopStars: 3 + (i % 3) });
  }
});
afterAll(() => ctx.close());

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const cardNames = (html: string) => [...html.matchAll(/<span class="card-name">([^<]*)<\/span>/g)].map((m) => decodeHtml(m[1]));

const SORTS = ['newest', 'price_asc', 'price_desc', 'stars', 'relevance'] as const;
/** Keys no product can have: beyond PostgreSQL's integer, negative, fractional, too many or too few. */
const FORGED_KEYS: unknown[][] = [
  [9007199254740991],
  [9007199254740991, 9007199254740991],
  [2147483648, 1],
  [1, 2147483648],
  [-9007199254740991, -9007199254740991],
  [0, -2147483649],
  [1.5, 1],
  [1, 2, 3],
  [],
];

describe('a forged keyset cursor', () => {
  it('is page one on every sort, on the HTML listing, a storefront and the API, never a 500', async () => {
    const failures: string[] = [];
    for (const sort of SORTS) {
      const q = sort === 'relevance' ? { q: 'mật ong' } : {};
      const firstHtml = cardNames(
        (
          await request(ctx.app)
            .get('/products')
            .query({ ...q, sort })
        ).text,
      );
      const firstApi = (
        await request(ctx.app)
          .get('/api/v1/products')
          .query({ ...q, sort })
      ).body.items.map((i: { name: string }) => i.name);
      expect(firstHtml).toHaveLength(3);
      expect(firstApi).toEqual(firstHtml);
      for (const key of FORGED_KEYS) {
        const forged = cursor([sort, ...key]);
        const html = await request(ctx.app)
          .get('/products')
          .query({ ...q, sort, cursor: forged });
        const store = await request(ctx.app).get(`/sellers/${sellerSlug}`).query({ sort, cursor: forged });
        const api = await request(ctx.app)
          .get('/api/v1/products')
          .query({ ...q, sort, cursor: forged });
        const seen = { html: html.status, store: store.status, api: api.status };
        if (seen.html !== 200 || seen.store !== 200 || seen.api !== 200) failures.push(`${sort} ${JSON.stringify(key)} → ${JSON.stringify(seen)}`);
        else {
          if (JSON.stringify(cardNames(html.text)) !== JSON.stringify(firstHtml)) failures.push(`${sort} ${JSON.stringify(key)}: HTML is not page one`);
          if (cardNames(store.text).length !== 3) failures.push(`${sort} ${JSON.stringify(key)}: storefront is not page one`);
          if (JSON.stringify(api.body.items.map((i: { name: string }) => i.name)) !== JSON.stringify(firstApi))
            failures.push(`${sort} ${JSON.stringify(key)}: API is not page one`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('the one from the report: ["newest", 2^53 − 1] on /api/v1/products and /products', async () => {
    const api = await request(ctx.app).get('/api/v1/products?cursor=WyJuZXdlc3QiLDkwMDcxOTkyNTQ3NDA5OTFd');
    expect(api.status).toBe(200);
    expect(api.body.items).toHaveLength(3);
    const html = await request(ctx.app).get('/products?cursor=WyJuZXdlc3QiLDkwMDcxOTkyNTQ3NDA5OTFd');
    expect(html.status).toBe(200);
    expect(cardNames(html.text)).toHaveLength(3);
  });

  it('a cursor that is not an array, or is another sort’s, is page one too', async () => {
    for (const value of [{ newest: 1 }, 'newest', 12, null, ['price_asc', 1, 1]]) {
      const res = await request(ctx.app)
        .get('/api/v1/products')
        .query({ sort: 'newest', cursor: cursor(value) });
      expect({ value, status: res.status, items: res.body.items?.length }).toEqual({ value, status: 200, items: 3 });
    }
  });
});

describe('a malformed Referer', () => {
  it('on POST /cart/items is ignored: the refusal still answers with a link back to the cart, and nothing changes', async () => {
    const soldOut = await ctx.factories.createProduct({ stock: 0 });
    const inStock = await ctx.factories.createProduct({ stock: 5, name: 'Trà Shan tuyết thử' });
    const agent = request.agent(ctx.app);
    const token = csrfFrom((await agent.get('/login')).text);
    const before = await databaseDigest(ctx.ds);
    for (const referer of ['http://[', 'http://[::1', 'http://a b', 'http://%zz', 'http://x:99999/']) {
      const res = await agent
        .post('/cart/items')
        .set('Referer', referer)
        .type('form')
        .send({ _csrf: token, productId: String(soldOut.id), quantity: '1' });
      expect({ referer, status: res.status }).toEqual({ referer, status: 422 });
      expect(res.text).toContain('đã hết hàng');
      expect(res.text).toContain('href="/cart"');
    }
    expect(await databaseDigest(ctx.ds)).toEqual(before);
    // The same header on a successful add: the line is added, the buyer goes to the cart.
    const added = await agent
      .post('/cart/items')
      .set('Referer', 'http://[')
      .type('form')
      .send({ _csrf: token, productId: String(inStock.id), quantity: '2' });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/cart');
    expect(decodeHtml((await agent.get('/cart')).text)).toContain('Trà Shan tuyết thử');
  });
});
