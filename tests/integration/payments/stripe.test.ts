import request from 'supertest';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { withFakeStripe } from '../../helpers/fake-stripe';
import { ADDRESS, buyerWithCart, pageToken } from '../../helpers/shopping';

const shop = withFakeStripe();

const orderRow = async (code: string) => (await shop.ctx.ds.query(`SELECT * FROM orders WHERE code = $1`, [code]))[0];

/** A buyer pays by card: checkout answers with a 303 to the (fake) Stripe page. */
async function cardCheckout(lines: { productId: number; quantity: number }[]) {
  const buyer = await buyerWithCart(shop.ctx, lines);
  const res = await buyer.agent
    .post('/checkout')
    .type('form')
    .send({ _csrf: await pageToken(buyer.agent), ...ADDRESS, paymentMethod: 'stripe' });
  expect(res.status).toBe(303);
  const session = shop.stripe.lastSession();
  expect(res.headers.location).toBe(session.url);
  const [{ code }] = await shop.ctx.ds.query(`SELECT code FROM orders WHERE id = $1`, [Number(session.metadata.orderId)]);
  return { buyer, session, code: code as string };
}

function postWebhook(payload: string, signature: string) {
  return request(shop.ctx.app).post('/webhooks/stripe').set('content-type', 'application/json').set('stripe-signature', signature).send(payload);
}

describe('Stripe Checkout', () => {
  it('creates a VND session for the order, and a signed checkout.session.completed marks it paid', async () => {
    const seller = await shop.ctx.factories.createSeller();
    await shop.ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 30000 WHERE id = $1`, [seller.id]);
    const p = await shop.ctx.factories.createProduct({ sellerId: seller.id, name: 'Cao actiso', priceVnd: 125000, stock: 5 });
    const { session, code } = await cardCheckout([{ productId: p.id, quantity: 2 }]);
    const order = await orderRow(code);
    // The reservation was stretched to Stripe's 30-minute minimum, and the session ends with it.
    expect(new Date(order.reserved_until).getTime() - Date.now()).toBeGreaterThanOrEqual(29 * 60_000);

    const create = shop.stripe.requests.find((r) => r.path === '/v1/checkout/sessions' && r.params.get('metadata[orderId]') === String(order.id))!;
    expect(create.params.get('currency')).toBe('vnd');
    expect(create.params.get('line_items[0][price_data][unit_amount]')).toBe('125000');
    expect(create.params.get('line_items[0][quantity]')).toBe('2');
    expect(create.params.get('line_items[1][price_data][product_data][name]')).toBe('Phí giao hàng');
    expect(create.params.get('line_items[1][price_data][unit_amount]')).toBe('30000');
    expect(create.idempotencyKey).toBe(`checkout-${order.id}-1`);
    expect(Number(create.params.get('expires_at'))).toBe(Math.floor(new Date(order.reserved_until).getTime() / 1000));
    expect(create.params.get('success_url')).toBe(`http://shop.test/orders/${code}/pay/success?session_id={CHECKOUT_SESSION_ID}`);
    expect(session.amount_total).toBe(order.total_vnd);

    const paid = shop.stripe.complete(session.id);
    const payload = shop.stripe.event('checkout.session.completed', paid);
    const res = await postWebhook(payload, shop.stripe.sign(payload));
    expect(res.status).toBe(200);
    const after = await orderRow(code);
    expect(after.status).toBe('paid');
    expect(after.paid_amount_vnd).toBe(280000);
    expect((await shop.ctx.ds.query(`SELECT status FROM seller_orders WHERE order_id = $1`, [order.id]))[0].status).toBe('to_ship');
    expect(await shop.ctx.ds.query(`SELECT 1 FROM outbox_emails WHERE dedupe_key = $1`, [`order:${order.id}:paid:buyer`])).toHaveLength(1);
  });

  it('names the delivery line in the buyer’s language', async () => {
    const seller = await shop.ctx.factories.createSeller();
    await shop.ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 30000 WHERE id = $1`, [seller.id]);
    const p = await shop.ctx.factories.createProduct({ sellerId: seller.id, name: 'Trà hoa vàng', priceVnd: 90000, stock: 5 });
    const buyer = await buyerWithCart(shop.ctx, [{ productId: p.id, quantity: 1 }]);
    await shop.ctx.ds.query(`UPDATE users SET language = 'en' WHERE id = $1`, [buyer.userId]);
    const res = await buyer.agent
      .post('/checkout')
      .type('form')
      .send({ _csrf: await pageToken(buyer.agent), ...ADDRESS, paymentMethod: 'stripe' });
    expect(res.status).toBe(303);
    const create = shop.stripe.requests.find(
      (r) => r.path === '/v1/checkout/sessions' && r.params.get('metadata[orderId]') === shop.stripe.lastSession().metadata.orderId,
    )!;
    expect(create.params.get('line_items[0][price_data][product_data][name]')).toBe('Trà hoa vàng');
    expect(create.params.get('line_items[1][price_data][product_data][name]')).toBe('Delivery');
  });

  it('the same event delivered twice and in parallel changes the order once', async () => {
    const p = await shop.ctx.factories.createProduct({ stock: 5 });
    const { session, code } = await cardCheckout([{ productId: p.id, quantity: 1 }]);
    const payload = shop.stripe.event('checkout.session.completed', shop.stripe.complete(session.id));
    const signature = shop.stripe.sign(payload);
    const results = await Promise.all([postWebhook(payload, signature), postWebhook(payload, signature), postWebhook(payload, signature)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await postWebhook(payload, signature)).status).toBe(200);
    const order = await orderRow(code);
    expect(order.status).toBe('paid');
    expect(await shop.ctx.ds.query(`SELECT 1 FROM payments WHERE order_id = $1`, [order.id])).toHaveLength(1);
    expect(await shop.ctx.ds.query(`SELECT 1 FROM order_events WHERE order_id = $1 AND to_status = 'paid'`, [order.id])).toHaveLength(1);
    // A second, different event for the same session (e.g. async_payment_succeeded) applies nothing new.
    const again = shop.stripe.event('checkout.session.async_payment_succeeded', session);
    expect((await postWebhook(again, shop.stripe.sign(again))).status).toBe(200);
    expect(await shop.ctx.ds.query(`SELECT 1 FROM payments WHERE order_id = $1`, [order.id])).toHaveLength(1);
  });

  it('refuses a tampered body, a wrong secret and an old timestamp with 400, and changes nothing', async () => {
    const p = await shop.ctx.factories.createProduct({ stock: 5 });
    const { session, code } = await cardCheckout([{ productId: p.id, quantity: 1 }]);
    const paid = shop.stripe.complete(session.id);
    const payload = shop.stripe.event('checkout.session.completed', paid);
    const tampered = payload.replace(`"amount_total":${paid.amount_total}`, '"amount_total":1');
    expect((await postWebhook(tampered, shop.stripe.sign(payload))).status).toBe(400);
    expect((await postWebhook(payload, shop.stripe.sign(payload, { secret: 'whsec_wrong' }))).status).toBe(400);
    expect((await postWebhook(payload, shop.stripe.sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 3600 }))).status).toBe(400);
    expect((await postWebhook(payload, '')).status).toBe(400);
    expect((await orderRow(code)).status).toBe('pending_payment');
    expect(await shop.ctx.ds.query(`SELECT 1 FROM webhook_events WHERE payload->'data'->'object'->>'id' = $1`, [session.id])).toEqual([]);
  });

  it('a late "expired" after "paid" changes nothing; "expired" on an unpaid order returns its stock', async () => {
    const p = await shop.ctx.factories.createProduct({ stock: 5 });
    const first = await cardCheckout([{ productId: p.id, quantity: 1 }]);
    const done = shop.stripe.event('checkout.session.completed', shop.stripe.complete(first.session.id));
    await postWebhook(done, shop.stripe.sign(done)).expect(200);
    const late = shop.stripe.event('checkout.session.expired', { ...first.session, status: 'expired' });
    await postWebhook(late, shop.stripe.sign(late)).expect(200);
    expect((await orderRow(first.code)).status).toBe('paid');

    const second = await cardCheckout([{ productId: p.id, quantity: 2 }]);
    expect((await shop.ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [p.id]))[0].stock).toBe(2);
    const expired = shop.stripe.event('checkout.session.expired', { ...second.session, status: 'expired' });
    await postWebhook(expired, shop.stripe.sign(expired)).expect(200);
    expect((await orderRow(second.code)).status).toBe('expired');
    expect((await shop.ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [p.id]))[0].stock).toBe(4);
  });

  it('flags an amount or currency mismatch for an admin instead of fulfilling', async () => {
    const p = await shop.ctx.factories.createProduct({ stock: 5 });
    const { session, code } = await cardCheckout([{ productId: p.id, quantity: 1 }]);
    const wrong = { ...shop.stripe.complete(session.id), amount_total: 1000 };
    const payload = shop.stripe.event('checkout.session.completed', wrong);
    await postWebhook(payload, shop.stripe.sign(payload)).expect(200);
    const order = await orderRow(code);
    expect(order.status).toBe('pending_payment');
    expect(order.needs_review).toBe(true);
    expect(order.review_reason).toContain('Số tiền không khớp');
    const { agent: admin } = await signInAsAdmin(shop.ctx.app, shop.ctx.ds);
    const list = await admin.get('/admin/orders?flagged=1');
    expect(list.text).toContain(code);
    expect(list.text).toContain('Cần xem xét');
  });

  it('a payment after the reservation expired re-reserves the stock if it is there, and is refunded if not', async () => {
    const p = await shop.ctx.factories.createProduct({ stock: 1, name: 'Hàng hiếm' });
    const lost = await cardCheckout([{ productId: p.id, quantity: 1 }]);
    shop.ctx.setNow(new Date(Date.now() + 31 * 60_000));
    try {
      await shop.ctx.container.orders.expireOverdue();
    } finally {
      shop.ctx.setNow(new Date());
    }
    expect((await orderRow(lost.code)).status).toBe('expired');
    // Someone else buys the last unit.
    const other = await buyerWithCart(shop.ctx, [{ productId: p.id, quantity: 1 }]);
    await other.agent
      .post('/checkout')
      .type('form')
      .send({ _csrf: await pageToken(other.agent), ...ADDRESS })
      .expect(303);

    const refundsBefore = shop.stripe.refunds.length;
    const paid = shop.stripe.complete(lost.session.id);
    const payload = shop.stripe.event('checkout.session.completed', paid);
    await postWebhook(payload, shop.stripe.sign(payload)).expect(200);
    expect((await orderRow(lost.code)).status).toBe('expired');
    expect(shop.stripe.refunds.length).toBe(refundsBefore + 1);
    expect(shop.stripe.refunds[shop.stripe.refunds.length - 1]).toMatchObject({ amount: paid.amount_total, payment_intent: paid.payment_intent });
    const [refund] = await shop.ctx.ds.query(`SELECT status, amount_vnd FROM refunds WHERE order_id = (SELECT id FROM orders WHERE code = $1)`, [lost.code]);
    expect(refund).toEqual({ status: 'succeeded', amount_vnd: paid.amount_total });

    // Stock still there: the late payment revives the order.
    const q = await shop.ctx.factories.createProduct({ stock: 3 });
    const late = await cardCheckout([{ productId: q.id, quantity: 2 }]);
    shop.ctx.setNow(new Date(Date.now() + 31 * 60_000));
    try {
      await shop.ctx.container.orders.expireOverdue();
    } finally {
      shop.ctx.setNow(new Date());
    }
    const latePaid = shop.stripe.event('checkout.session.completed', shop.stripe.complete(late.session.id));
    await postWebhook(latePaid, shop.stripe.sign(latePaid)).expect(200);
    expect((await orderRow(late.code)).status).toBe('paid');
    expect((await shop.ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [q.id]))[0].stock).toBe(1);
  });

  it('the success page reads the session itself, so a buyer back before the webhook sees "paid"', async () => {
    const p = await shop.ctx.factories.createProduct({ stock: 5 });
    const { buyer, session, code } = await cardCheckout([{ productId: p.id, quantity: 1 }]);
    shop.stripe.complete(session.id);
    const res = await buyer.agent.get(`/orders/${code}/pay/success?session_id=${session.id}`);
    expect(res.status).toBe(303);
    const page = await buyer.agent.get(`/orders/${code}`);
    expect(page.text).toContain('Đã nhận thanh toán');
    expect(page.text).toContain('Đã thanh toán');
    // The webhook arriving afterwards is a no-op.
    const payload = shop.stripe.event('checkout.session.completed', shop.stripe.sessions.get(session.id));
    await postWebhook(payload, shop.stripe.sign(payload)).expect(200);
    expect(await shop.ctx.ds.query(`SELECT 1 FROM payments WHERE order_id = (SELECT id FROM orders WHERE code = $1)`, [code])).toHaveLength(1);
  });

  it('a cooperative cancelling its paid part refunds exactly that part through Stripe, once', async () => {
    const s1 = await signInAsSeller(shop.ctx.app, shop.ctx.ds, { name: 'HTX Một' });
    const s2 = await signInAsSeller(shop.ctx.app, shop.ctx.ds, { name: 'HTX Hai' });
    await shop.ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 20000 WHERE id = ANY($1)`, [[s1.sellerId, s2.sellerId]]);
    const a = await shop.ctx.factories.createProduct({ sellerId: s1.sellerId, priceVnd: 100000, stock: 5 });
    const b = await shop.ctx.factories.createProduct({ sellerId: s2.sellerId, priceVnd: 50000, stock: 5 });
    const { session, code } = await cardCheckout([
      { productId: a.id, quantity: 1 },
      { productId: b.id, quantity: 2 },
    ]);
    const paid = shop.stripe.complete(session.id);
    const payload = shop.stripe.event('checkout.session.completed', paid);
    await postWebhook(payload, shop.stripe.sign(payload)).expect(200);

    const before = shop.stripe.refunds.length;
    const page = await s2.agent.get(`/seller/orders/${code}`);
    await s2.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), status: 'cancelled', note: 'Hết hàng' })
      .expect(303);
    expect(shop.stripe.refunds.length).toBe(before + 1);
    expect(shop.stripe.refunds[shop.stripe.refunds.length - 1]).toMatchObject({ amount: 120000, payment_intent: paid.payment_intent });
    const order = await orderRow(code);
    expect(order).toMatchObject({ status: 'paid', paid_amount_vnd: 240000, refunded_amount_vnd: 120000 });
    expect(
      (
        await s2.agent
          .post(`/seller/orders/${code}/status`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), status: 'cancelled' })
      ).status,
    ).toBe(422);
    expect(shop.stripe.refunds.length).toBe(before + 1);

    // The admin's full refund returns only what is left, never more than was paid.
    const { agent: admin } = await signInAsAdmin(shop.ctx.app, shop.ctx.ds);
    const detail = await admin.get(`/admin/orders/${code}`);
    await admin
      .post(`/admin/orders/${code}/refund`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), reason: 'Khách đổi ý' })
      .expect(303);
    expect(shop.stripe.refunds[shop.stripe.refunds.length - 1]).toMatchObject({ amount: 120000 });
    expect(await orderRow(code)).toMatchObject({ status: 'refunded', refunded_amount_vnd: 240000 });
    expect(
      (
        await admin
          .post(`/admin/orders/${code}/refund`)
          .type('form')
          .send({ _csrf: csrfFrom(detail.text) })
      ).status,
    ).toBe(409);
    expect(shop.stripe.refunds.length).toBe(before + 2);
    expect((await shop.ctx.ds.query(`SELECT reason FROM audit_log WHERE action = 'order.refund' AND target_id = $1`, [code]))[0].reason).toBe('Khách đổi ý');
  });
});
