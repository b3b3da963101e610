import request from 'supertest';
import { withFakeStripe } from '../../helpers/fake-stripe';
import { ADDRESS, buyerWithCart, pageToken } from '../../helpers/shopping';

const shop = withFakeStripe();

async function cardOrder() {
  const p = await shop.ctx.factories.createProduct({ stock: 5, priceVnd: 150000 });
  const buyer = await buyerWithCart(shop.ctx, [{ productId: p.id, quantity: 2 }]);
  await buyer.agent
    .post('/checkout')
    .type('form')
    .send({ _csrf: await pageToken(buyer.agent), ...ADDRESS, paymentMethod: 'stripe' })
    .expect(303);
  const session = shop.stripe.lastSession();
  const orderId = Number(session.metadata.orderId);
  return { p, buyer, session, orderId };
}

async function deliver(type: string, object: unknown) {
  const payload = shop.stripe.event(type, object);
  const res = await request(shop.ctx.app)
    .post('/webhooks/stripe')
    .set('content-type', 'application/json')
    .set('stripe-signature', shop.stripe.sign(payload))
    .send(payload);
  expect(res.status).toBe(200);
  return { outcome: res.body.outcome as string, eventId: JSON.parse(payload).id as string };
}

const order = async (id: number) =>
  (await shop.ctx.ds.query(`SELECT status, paid_amount_vnd::int AS paid_amount_vnd, paid_at FROM orders WHERE id = $1`, [id]))[0];
const payments = (id: number) => shop.ctx.ds.query(`SELECT provider, provider_ref, amount_vnd::int AS amount, outcome FROM payments WHERE order_id = $1`, [id]);
const events = (id: number) => shop.ctx.ds.query(`SELECT type, outcome FROM webhook_events WHERE order_id = $1 ORDER BY received_at, type`, [id]);

describe('Stripe webhooks in the order a delayed payment produces', () => {
  it('checkout.session.completed with payment_status "unpaid" is recorded but marks nothing paid; the later async success pays', async () => {
    const { p, buyer, session, orderId } = await cardOrder();
    // A delayed method: the buyer finished the form, the money has not arrived yet.
    const unpaid = { ...session, status: 'complete', payment_status: 'unpaid' };
    expect((await deliver('checkout.session.completed', unpaid)).outcome).toBe('unpaid');

    expect(await order(orderId)).toMatchObject({ status: 'pending_payment', paid_amount_vnd: 0, paid_at: null });
    expect(await payments(orderId)).toEqual([]);
    expect(await events(orderId)).toEqual([{ type: 'checkout.session.completed', outcome: 'unpaid' }]);
    expect((await shop.ctx.ds.query(`SELECT status FROM seller_orders WHERE order_id = $1`, [orderId]))[0].status).toBe('awaiting_payment');
    expect((await shop.ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [p.id]))[0].stock).toBe(3);
    expect(await shop.ctx.ds.query(`SELECT 1 FROM outbox_emails WHERE dedupe_key = $1`, [`order:${orderId}:paid:buyer`])).toEqual([]);
    const code = (await shop.ctx.ds.query(`SELECT code FROM orders WHERE id = $1`, [orderId]))[0].code;
    expect((await buyer.agent.get(`/orders/${code}`)).text).toContain('Chờ thanh toán');

    const paid = shop.stripe.complete(session.id);
    expect((await deliver('checkout.session.async_payment_succeeded', paid)).outcome).toBe('applied');
    expect(await order(orderId)).toMatchObject({ status: 'paid', paid_amount_vnd: paid.amount_total });
    expect(await payments(orderId)).toEqual([{ provider: 'stripe', provider_ref: session.id, amount: paid.amount_total, outcome: 'applied' }]);
  });

  it('async_payment_succeeded arriving before completed pays once; the later completed (paid or unpaid snapshot) is a no-op', async () => {
    const { session, orderId } = await cardOrder();
    const snapshotAtCompletion = { ...session, status: 'complete', payment_status: 'unpaid' };
    const paid = { ...shop.stripe.complete(session.id) };

    expect((await deliver('checkout.session.async_payment_succeeded', paid)).outcome).toBe('applied');
    const afterFirst = await order(orderId);
    expect(afterFirst).toMatchObject({ status: 'paid', paid_amount_vnd: paid.amount_total });

    // Stripe does not promise order: the completed event, with the session as it was then, comes last.
    expect((await deliver('checkout.session.completed', snapshotAtCompletion)).outcome).toBe('unpaid');
    // And a completed carrying the paid session is a duplicate of the payment already applied.
    expect((await deliver('checkout.session.completed', paid)).outcome).toBe('duplicate');

    expect(await order(orderId)).toEqual(afterFirst);
    expect(await payments(orderId)).toEqual([{ provider: 'stripe', provider_ref: session.id, amount: paid.amount_total, outcome: 'applied' }]);
    expect(await shop.ctx.ds.query(`SELECT 1 FROM order_events WHERE order_id = $1 AND to_status = 'paid'`, [orderId])).toHaveLength(1);
    expect(await shop.ctx.ds.query(`SELECT 1 FROM outbox_emails WHERE dedupe_key LIKE $1`, [`order:${orderId}:paid:%`])).toHaveLength(2);
    expect((await events(orderId)).map((e: { outcome: string }) => e.outcome).sort()).toEqual(['applied', 'duplicate', 'unpaid']);
  });
});
