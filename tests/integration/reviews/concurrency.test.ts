import { csrfFrom, signInAsAdmin } from '../../helpers/auth';
import { deliveredOrder, ratingsOf, type DeliveredOrder } from '../../helpers/reviews';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** Each buyer's form token first, then every post at once. */
async function postAll(orders: DeliveredOrder[], body: (i: number) => Record<string, string>) {
  const tokens = await Promise.all(orders.map(async (o) => csrfFrom((await o.agent.get(`/orders/${o.code}`)).text)));
  return Promise.all(
    orders.map((o, i) =>
      o.agent
        .post(`/orders/${o.code}/items/${o.itemId}/review`)
        .type('form')
        .send({ _csrf: tokens[i], ...body(i) }),
    ),
  );
}

describe('the aggregate under concurrent writes', () => {
  it('20 buyers reviewing one product at once: the aggregate equals the reviews table exactly', async () => {
    const product = await ctx.factories.createProduct({ name: 'Mật ong Bắc Hà', stock: 100 });
    const orders: DeliveredOrder[] = [];
    for (let i = 0; i < 20; i++) orders.push(await deliveredOrder(ctx, product, { fast: true }));
    const ratings = orders.map((_, i) => String((i % 5) + 1));
    const answers = await postAll(orders, (i) => ({ rating: ratings[i], comment: `Người mua ${i}` }));
    expect(answers.map((r) => r.status)).toEqual(orders.map(() => 303));

    const { aggregate, truth } = await ratingsOf(ctx, product.id);
    expect(aggregate).toEqual(truth);
    expect(aggregate).toEqual({ count: 20, sum: 60, s1: 4, s2: 4, s3: 4, s4: 4, s5: 4, average: '3.00' });

    // Then all 20 change their stars at once (each moves one histogram column to another).
    const edits = await postAll(orders, (i) => ({ rating: String(5 - (i % 5)) }));
    expect(edits.map((r) => r.status)).toEqual(orders.map(() => 303));
    const after = await ratingsOf(ctx, product.id);
    expect(after.aggregate).toEqual(after.truth);
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM reviews WHERE product_id = $1`, [product.id]))[0].n).toBe(20);
  });

  it('the same form posted twice at once is one review; hiding twice at once subtracts once', async () => {
    const product = await ctx.factories.createProduct({ name: 'Gạo nếp Tú Lệ', stock: 20 });
    const order = await deliveredOrder(ctx, product);
    const token = csrfFrom((await order.agent.get(`/orders/${order.code}`)).text);
    const post = () => order.agent.post(`/orders/${order.code}/items/${order.itemId}/review`).type('form').send({ _csrf: token, rating: '4' });
    const twice = await Promise.all([post(), post(), post()]);
    expect(twice.map((r) => r.status)).toEqual([303, 303, 303]);
    expect((await ratingsOf(ctx, product.id)).aggregate).toMatchObject({ count: 1, sum: 4, s4: 1 });

    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const adminToken = csrfFrom((await admin.get('/admin/reviews')).text);
    const [{ id }] = await ctx.ds.query(`SELECT id FROM reviews WHERE order_item_id = $1`, [order.itemId]);
    const hides = await Promise.all(
      [1, 2, 3].map((n) =>
        admin
          .post(`/admin/reviews/${id}/hide`)
          .type('form')
          .send({ _csrf: adminToken, reason: `Lý do ${n}` }),
      ),
    );
    expect(hides.map((r) => r.status)).toEqual([303, 303, 303]);
    const { aggregate, truth } = await ratingsOf(ctx, product.id);
    expect(aggregate).toMatchObject({ count: 0, sum: 0, s4: 0, average: null });
    expect(truth).toMatchObject({ count: 0, sum: 0 });
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'review.hidden'`))[0].n).toBe(1);
  });
});
