import type request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { buyerWithCart, checkout } from '../../helpers/shopping';

/**
 * The last units of a product, wanted at once by online buyers and by its cooperative's till: the
 * conditional stock statement lets exactly as many sales through as there are units, whatever the channel.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

async function postSale(agent: request.Agent, token: string, productId: number) {
  return agent
    .post('/seller/pos/sales')
    .type('form')
    .send(`_csrf=${encodeURIComponent(token)}&intent=sell&productId=${productId}&quantity=1`);
}

it('20 online checkouts and 20 stall sales for 10 units: exactly 10 succeed, stock 0, the ledger agrees', async () => {
  const s = await signInAsSeller(ctx.app, ctx.ds);
  const p = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 10, priceVnd: 70_000 });
  const buyers = await Promise.all(Array.from({ length: 20 }, () => buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }], { fast: true })));
  const token = csrfFrom((await s.agent.get('/seller/pos')).text);
  const results = await Promise.all([...buyers.map((b) => checkout(b.agent)), ...Array.from({ length: 20 }, () => postSale(s.agent, token, p.id))]);
  const online = results.slice(0, 20);
  const stall = results.slice(20);
  const ok = (r: request.Response) => r.status === 303;
  expect(results.every((r) => r.status === 303 || r.status === 409)).toBe(true);
  expect(online.filter(ok).length + stall.filter(ok).length).toBe(10);

  const [{ stock }] = await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [p.id]);
  expect(stock).toBe(0);
  const [ledger] = await ctx.ds.query(
    `SELECT sum(delta)::int AS total, count(*) FILTER (WHERE reason = 'sale')::int AS online, count(*) FILTER (WHERE reason = 'stall_sale')::int AS stall,
            min(balance_after)::int AS lowest
     FROM stock_movements WHERE product_id = $1`,
    [p.id],
  );
  expect(ledger).toEqual({ total: 0, online: online.filter(ok).length, stall: stall.filter(ok).length, lowest: 0 });
  const [orders] = await ctx.ds.query(
    `SELECT count(*) FILTER (WHERE o.channel = 'online')::int AS online, count(*) FILTER (WHERE o.channel = 'stall')::int AS stall
     FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.product_id = $1`,
    [p.id],
  );
  expect(orders).toEqual({ online: online.filter(ok).length, stall: stall.filter(ok).length });
});
