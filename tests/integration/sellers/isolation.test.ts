import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { png } from '../../helpers/images';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('seller isolation', () => {
  it("seller B gets 404 on every route of seller A's product, and nothing of A changes", async () => {
    const a = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX A' });
    const b = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX B' });
    const product = await ctx.factories.createProduct({ sellerId: a.sellerId, status: 'draft', stock: 7, name: 'Sản phẩm của A', withImage: true });
    const [image] = await ctx.ds.query(`SELECT id FROM product_images WHERE product_id = $1`, [product.id]);
    const snapshot = async () => ({
      product: (await ctx.ds.query(`SELECT name, status, stock, price_vnd, version FROM products WHERE id = $1`, [product.id]))[0],
      images: await ctx.ds.query(`SELECT id, position FROM product_images WHERE product_id = $1`, [product.id]),
      ledger: (await ctx.ds.query(`SELECT count(*)::int AS n FROM stock_movements WHERE product_id = $1`, [product.id]))[0].n,
    });
    const before = await snapshot();
    const token = csrfFrom((await b.agent.get('/seller/products')).text);
    const base = `/seller/products/${product.id}`;

    for (const path of [base, `${base}/edit`, `${base}/stock.csv`]) {
      const res = await b.agent.get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.text).not.toContain('Sản phẩm của A');
    }
    const posts: [string, Record<string, string>][] = [
      [`${base}/edit`, { version: '1', name: 'Chiếm', categoryId: '1', priceVnd: '1000', unit: 'x', lowStockThreshold: '1' }],
      [`${base}/stock`, { delta: '-7', reason: 'other' }],
      [`${base}/publish`, {}],
      [`${base}/unpublish`, {}],
      [`${base}/images/${image.id}/delete`, {}],
      [`${base}/images/${image.id}/cover`, {}],
      [`${base}/images/${image.id}/move`, { direction: 'down' }],
    ];
    for (const [path, body] of posts) {
      const res = await b.agent
        .post(path)
        .type('form')
        .send({ _csrf: token, ...body });
      expect([path, res.status]).toEqual([path, 404]);
    }
    const upload = await b.agent
      .post(`${base}/images`)
      .field('_csrf', token)
      .attach('images', await png(200, 200), 'a.png');
    expect(upload.status).toBe(404);
    expect(await snapshot()).toEqual(before);

    // A still sees and manages it.
    expect((await a.agent.get(base)).status).toBe(200);
  });

  it('buyers and visitors never reach the seller area', async () => {
    const product = await ctx.factories.createProduct();
    expect((await request(ctx.app).get(`/seller/products/${product.id}`)).status).toBe(302);
  });
});
