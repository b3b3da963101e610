import type request from 'supertest';
import { csrfFrom } from './auth';
import { buyerWithCart, checkout, orderCodeFrom } from './shopping';
import type { TestContext } from './test-context';

export interface DeliveredOrder {
  agent: request.Agent;
  userId: number;
  orderId: number;
  code: string;
  itemId: number;
}

/** A buyer's order of one product through the real cart and checkout, paid, then shipped and delivered by its cooperative. */
export async function deliveredOrder(
  ctx: TestContext,
  product: { id: number; sellerId: number },
  options: { fast?: boolean; deliver?: boolean } = {},
): Promise<DeliveredOrder> {
  const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }], { fast: options.fast });
  const code = orderCodeFrom(await checkout(buyer.agent));
  const [{ id: orderId }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
  if (!(await ctx.container.orders.markPaid(orderId))) throw new Error(`order ${code} was not marked paid`);
  if (options.deliver !== false) {
    const [{ owner }] = await ctx.ds.query(`SELECT owner_user_id AS owner FROM sellers WHERE id = $1`, [product.sellerId]);
    const seller = { id: owner as number, role: 'seller' as const };
    await ctx.container.orders.updateSellerOrder(seller, code, { status: 'shipped', trackingNo: 'VN123' });
    await ctx.container.orders.updateSellerOrder(seller, code, { status: 'delivered' });
  }
  const [{ id: itemId }] = await ctx.ds.query(`SELECT id FROM order_items WHERE order_id = $1 AND product_id = $2`, [orderId, product.id]);
  return { agent: buyer.agent, userId: buyer.userId, orderId, code, itemId };
}

/** Posts a review from the order page (its form token), as the buyer's browser would. */
export async function postReview(agent: request.Agent, code: string, itemId: number, body: Record<string, string>, tokenPage = `/orders/${code}`) {
  const token = csrfFrom((await agent.get(tokenPage)).text);
  return agent
    .post(`/orders/${code}/items/${itemId}/review`)
    .type('form')
    .send({ _csrf: token, ...body });
}

/** The product's aggregate row, and the truth recomputed from the reviews table (visible reviews only). */
export async function ratingsOf(ctx: TestContext, productId: number) {
  const [row] = await ctx.ds.query(
    `SELECT review_count AS count, rating_sum AS sum, stars_1 AS s1, stars_2 AS s2, stars_3 AS s3, stars_4 AS s4, stars_5 AS s5, average::text AS average
     FROM product_ratings WHERE product_id = $1`,
    [productId],
  );
  const [truth] = await ctx.ds.query(
    `SELECT count(*)::int AS count, coalesce(sum(rating), 0)::int AS sum,
            count(*) FILTER (WHERE rating = 1)::int AS s1, count(*) FILTER (WHERE rating = 2)::int AS s2, count(*) FILTER (WHERE rating = 3)::int AS s3,
            count(*) FILTER (WHERE rating = 4)::int AS s4, count(*) FILTER (WHERE rating = 5)::int AS s5,
            CASE WHEN count(*) > 0 THEN round(avg(rating), 2)::text END AS average
     FROM reviews WHERE product_id = $1 AND hidden_at IS NULL`,
    [productId],
  );
  return { aggregate: row ?? null, truth };
}

/** The parsed JSON-LD blocks of a page. */
export function jsonLdOf(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
}
