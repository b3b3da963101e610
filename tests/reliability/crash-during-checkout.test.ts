import { createTestContext, type TestContext } from '../helpers/test-context';
import { createBuyers, orderCode, orderProblems, Shopper } from './support/shopper';
import { killAllStores, startStoreProcess, waitFor, type StoreProcess } from './support/store-process';

/**
 * A store process killed with SIGKILL (no shutdown code at all) in the middle of many concurrent
 * checkouts: after a restart every order is whole, or absent with its stock and cart intact.
 */

const BUYERS = 80;

let ctx: TestContext;
let store: StoreProcess;
beforeAll(async () => {
  ctx = await createTestContext();
  store = await startStoreProcess({ databaseUrl: ctx.url, mediaDir: ctx.mediaDir });
}, 120_000);
afterAll(async () => {
  await killAllStores();
  await ctx?.close();
});

describe('SIGKILL in the middle of checkouts', () => {
  it('leaves every order complete or absent, stock and carts consistent, and the restarted store sells on', async () => {
    const sellers = [await ctx.factories.createSeller(), await ctx.factories.createSeller()];
    const products = [
      await ctx.factories.createProduct({ sellerId: sellers[0].id, stock: 1000 }),
      await ctx.factories.createProduct({ sellerId: sellers[0].id, stock: 1000 }),
      await ctx.factories.createProduct({ sellerId: sellers[1].id, stock: 1000 }),
    ];
    const initial = new Map(products.map((p) => [p.id, p.stock]));
    const buyers = await createBuyers(ctx.ds, BUYERS, 'crash');
    const shoppers = buyers.map(() => new Shopper(store.url));
    for (let i = 0; i < shoppers.length; i += 20) {
      await Promise.all(
        shoppers.slice(i, i + 20).map(async (s, j) => {
          expect((await s.signIn(buyers[i + j].email)).status).toBe(303);
          // Three lines from two cooperatives: each order is many rows in one transaction.
          for (const [k, p] of products.entries()) expect((await s.addToCart(p.id, 1 + ((i + j + k) % 3))).status).toBe(303);
        }),
      );
    }
    const tokens = await Promise.all(shoppers.map((s) => s.token('/account')));

    const answers = shoppers.map((s, i) =>
      s.checkout(undefined, tokens[i]).then(
        (r) => r.status,
        () => 0,
      ),
    );
    // Kill once some orders are committed and others are still on their way.
    await waitFor('the first orders to commit', async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM orders`))[0].n >= 5, 30_000, 5);
    await store.kill();
    const statuses = await Promise.all(answers);
    const [{ n: atKill }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM orders`);
    console.log(
      `crash: SIGKILL with ${BUYERS} concurrent checkouts in flight; ${statuses.filter((s) => s === 303).length} answered, ` +
        `${statuses.filter((s) => s === 0).length} cut off; ${atKill} orders in the database`,
    );
    expect(statuses.filter((s) => s !== 303 && s !== 0)).toEqual([]);
    expect(statuses.filter((s) => s === 0).length).toBeGreaterThan(0);

    // PostgreSQL rolled back what was in flight: whole orders or none.
    expect(await orderProblems(ctx.ds, initial)).toEqual([]);
    // A buyer with an order has an empty cart; a buyer without one still has all three lines.
    const carts = await ctx.ds.query(
      `SELECT u.id, (SELECT count(*) FROM orders o WHERE o.buyer_user_id = u.id)::int AS orders,
              (SELECT count(*) FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = u.id)::int AS lines
       FROM users u WHERE u.id = ANY($1)`,
      [buyers.map((b) => b.id)],
    );
    expect(carts.filter((c: { orders: number; lines: number }) => !((c.orders === 1 && c.lines === 0) || (c.orders === 0 && c.lines === 3)))).toEqual([]);
    // Every order the client was told about exists.
    const confirmed = statuses.filter((s) => s === 303).length;
    expect(atKill).toBeGreaterThanOrEqual(confirmed);

    // Restarted (same database, new process): the buyers left without an order check out now.
    store = await startStoreProcess({ databaseUrl: ctx.url, mediaDir: ctx.mediaDir });
    const left = carts.filter((c: { orders: number }) => c.orders === 0).map((c: { id: number }) => buyers.findIndex((b) => b.id === c.id));
    const retried = await Promise.all(
      left.map(async (i: number) => {
        const s = shoppers[i];
        s.base = store.url;
        return orderCode(await s.checkout());
      }),
    );
    expect(retried.filter((code: string | undefined) => !code)).toEqual([]);
    const [{ n: total }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM orders`);
    expect(total).toBe(BUYERS);
    expect(await orderProblems(ctx.ds, initial)).toEqual([]);
    console.log(
      `crash: faults injected 1 SIGKILL; after restart ${left.length} buyers checked out again; ${total} orders for ${BUYERS} buyers, orders lost: 0, half-written: 0`,
    );
  });
});
