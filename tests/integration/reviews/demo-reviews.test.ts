import request from 'supertest';
import { seedDemoReviews } from '../../../server/seed/demo-reviews';
import { jsonLdOf, ratingsOf } from '../../helpers/reviews';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe("the demo's reviews", () => {
  it('come from demo buyers on delivered orders, through the real lifecycle, once', async () => {
    const cooperative = await ctx.factories.createSeller({ name: 'HTX Ong mật xã Lương Thịnh', commune: 'Xã Lương Thịnh' });
    const honey = await ctx.factories.createProduct({ sellerId: cooperative.id, name: 'Mật ong Lương Thịnh', stock: 50 });
    const other = await ctx.factories.createSeller();
    for (let i = 0; i < 3; i++) await ctx.factories.createProduct({ sellerId: other.id, stock: 50 });

    expect(await seedDemoReviews(ctx.container)).toBe(9);
    expect(await seedDemoReviews(ctx.container)).toBe(0);

    const rows = await ctx.ds.query(
      `SELECT r.product_id, so.status, o.status AS order_status FROM reviews r
       JOIN order_items i ON i.id = r.order_item_id JOIN seller_orders so ON so.id = i.seller_order_id JOIN orders o ON o.id = i.order_id`,
    );
    expect(rows).toHaveLength(9);
    expect(rows.every((r: { status: string }) => r.status === 'delivered')).toBe(true);
    const { aggregate, truth } = await ratingsOf(ctx, honey.id);
    expect(aggregate).toEqual(truth);
    expect(aggregate).toMatchObject({ count: 3, sum: 14 });

    const page = await request(ctx.app).get(`/products/${honey.slug}`).expect(200);
    expect(page.text).toContain('4,7 ★');
    expect(page.text).toContain('T. V. Hùng');
    expect(page.text).toContain('Phản hồi của HTX Ong mật xã Lương Thịnh');
    expect(jsonLdOf(page.text)[0].aggregateRating).toMatchObject({ ratingValue: 4.67, reviewCount: 3 });
  });
});
