import request from 'supertest';
import { withFakeStripe } from '../../helpers/fake-stripe';
import { ADDRESS, buyerWithCart, pageToken } from '../../helpers/shopping';

const shop = withFakeStripe();

function postWebhook(payload: string, signature: string) {
  return request(shop.ctx.app).post('/webhooks/stripe').set('content-type', 'application/json').set('stripe-signature', signature).send(payload);
}

describe('tax withheld on a card payment', () => {
  it("a Stripe event delivered twice in parallel (and a second event for the session) withholds the household's part once", async () => {
    const seller = await shop.ctx.factories.createSeller({ type: 'ho_san_xuat' });
    await shop.ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 30000, free_shipping_threshold_vnd = NULL WHERE id = $1`, [seller.id]);
    const p = await shop.ctx.factories.createProduct({ sellerId: seller.id, priceVnd: 200000, stock: 10 });
    const buyer = await buyerWithCart(shop.ctx, [{ productId: p.id, quantity: 3 }]);
    await buyer.agent
      .post('/checkout')
      .type('form')
      .send({ _csrf: await pageToken(buyer.agent), ...ADDRESS, paymentMethod: 'stripe' })
      .expect(303);
    const session = shop.stripe.lastSession();
    const payload = shop.stripe.event('checkout.session.completed', shop.stripe.complete(session.id));
    const signature = shop.stripe.sign(payload);
    const results = await Promise.all([postWebhook(payload, signature), postWebhook(payload, signature)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const again = shop.stripe.event('checkout.session.async_payment_succeeded', session);
    expect((await postWebhook(again, shop.stripe.sign(again))).status).toBe(200);

    const orderId = Number(session.metadata.orderId);
    const rows = await shop.ctx.ds.query(
      `SELECT w.kind, w.tax, w.amount_vnd::int AS amount FROM tax_withholdings w JOIN seller_orders so ON so.id = w.seller_order_id
       WHERE so.order_id = $1 ORDER BY w.id`,
      [orderId],
    );
    expect(rows).toEqual([
      { kind: 'goods', tax: 'vat', amount: 6000 },
      { kind: 'goods', tax: 'pit', amount: 3000 },
      { kind: 'transport', tax: 'vat', amount: 900 },
      { kind: 'transport', tax: 'pit', amount: 450 },
    ]);
    expect(await shop.ctx.ds.query(`SELECT kind, amount_vnd::int AS amount FROM seller_ledger WHERE seller_id = $1 ORDER BY id`, [seller.id])).toEqual([
      { kind: 'tax_vat', amount: -6900 },
      { kind: 'tax_pit', amount: -3450 },
    ]);
  });
});
