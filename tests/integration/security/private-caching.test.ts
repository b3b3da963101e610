import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { placeOrder } from '../../helpers/sales';

/**
 * Pages with a person's data (names, phones, orders, exports) must never be kept by a browser's
 * back/forward cache on a shared phone or by a proxy in between: every signed-in or private answer
 * says `Cache-Control: no-store`. Public catalogue pages for an anonymous visitor keep their caching.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** 'no-store' when the answer forbids every cache (also 'private, no-store'), else what it said. */
const noStore = (res: request.Response) => {
  const value = String(res.headers['cache-control'] ?? '');
  return /(^|,)\s*no-store\s*(,|$)/.test(value) ? 'no-store' : value;
};

describe('Cache-Control on private answers', () => {
  it('buyer pages: account, order, cart and checkout say no-store', async () => {
    const product = await ctx.factories.createProduct({ stock: 5 });
    const order = await placeOrder(ctx, [{ productId: product.id, quantity: 1 }]);
    const [buyer] = await ctx.ds.query(`SELECT u.email FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE o.id = $1`, [order.id]);
    await ctx.ds.query(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE password_hash IS NOT NULL LIMIT 1) WHERE email = $1`, [
      buyer.email,
    ]);
    const agent = await signIn(ctx.app, buyer.email);
    for (const path of ['/account', `/orders/${order.code}`, `/orders/${order.code}/pay`, '/cart', '/checkout', '/products']) {
      const res = await agent.get(path);
      expect({ path, status: res.status < 500, cacheControl: noStore(res) }).toEqual({ path, status: true, cacheControl: 'no-store' });
    }
  });

  it('seller area and its stock CSV say no-store', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId });
    for (const path of ['/seller', '/seller/products', '/seller/orders', `/seller/products/${product.id}/stock.csv`, '/seller/payouts']) {
      const res = await seller.agent.get(path);
      expect({ path, status: res.status, cacheControl: noStore(res) }).toEqual({ path, status: 200, cacheControl: 'no-store' });
    }
  });

  it('back office and every CSV export (buyer names, phones, emails) say no-store', async () => {
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    for (const path of [
      '/admin',
      '/admin/orders',
      '/admin/orders.csv',
      '/admin/reports',
      '/admin/reports.csv?table=products-by-commune',
      '/admin/payouts',
      '/admin/audit',
      '/admin/sellers',
    ]) {
      const res = await agent.get(path);
      expect({ path, status: res.status, cacheControl: noStore(res) }).toEqual({ path, status: 200, cacheControl: 'no-store' });
    }
  });

  it('a signed-out visitor sent to the login page gets no-store too; public pages keep no private marking', async () => {
    const login = await request(ctx.app).get('/account');
    expect(login.status).toBe(302);
    expect(noStore(login)).toBe('no-store');
    const product = await ctx.factories.createProduct();
    for (const path of ['/', '/products', `/products/${product.slug}`, '/api/v1/products']) {
      const res = await request(ctx.app).get(path);
      expect(res.status).toBe(200);
      expect({ path, cacheControl: noStore(res) }).not.toEqual({ path, cacheControl: 'no-store' });
    }
  });
});
