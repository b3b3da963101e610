import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { signInAsAdmin } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { decodeHtml } from '../../helpers/sales';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { formatVnd } from '../../../server/lib/money';

/**
 * Whatever amount a bank feed reports, it is answered 200 and recorded for an admin (flagged when
 * it does not pay an order), or refused with 400 and the reason when it is not a whole number of
 * đồng at all. Never a 500, which the bank would retry forever.
 */

const SECRET = 'bank-feed-secret-amounts';
const INT4_MAX = 2_147_483_647;

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET } });
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

const sendBank = (body: object) => sendBankTransfer(ctx.app, SECRET, body);
const orderRow = async (code: string) =>
  (await ctx.ds.query(`SELECT id, status, total_vnd, paid_amount_vnd, needs_review, review_reason FROM orders WHERE code = $1`, [code]))[0];

async function smallOrder() {
  const p = await ctx.factories.createProduct({ stock: 10, priceVnd: 185_000 });
  const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }]);
  const code = orderCodeFrom(await checkout(buyer.agent));
  return { code, order: await orderRow(code) };
}

describe('bank transfers above 2^31 − 1 đồng', () => {
  it('a first transfer far above the order is recorded, flagged for an admin and answered 200; the order is not paid', async () => {
    const { code, order } = await smallOrder();
    const amount = 3_000_000_000;
    const res = await sendBank(bankTransfer(`${code} thanh toan`, amount));
    expect(res.status).toBe(200);
    expect(await orderRow(code)).toMatchObject({ status: 'pending_payment', needs_review: true });
    expect((await orderRow(code)).review_reason).toContain('thừa tiền');
    expect(await ctx.ds.query(`SELECT amount_vnd, outcome FROM payments WHERE order_id = $1`, [order.id])).toEqual([
      { amount_vnd: amount, outcome: 'flagged' },
    ]);
    const page = await admin.get(`/admin/orders/${code}`);
    expect(page.status).toBe(200);
    expect(decodeHtml(page.text)).toContain(formatVnd(amount));
  });

  it('a duplicate transfer larger than a paid order: each delivery answered 200, recorded once, flagged', async () => {
    const { code, order } = await smallOrder();
    await sendBank(bankTransfer(`${code} thanh toan`, order.total_vnd)).expect(200);
    expect((await orderRow(code)).status).toBe('paid');
    const again = bankTransfer(`${code} thanh toan lan 2`, 2_500_000_000);
    for (let i = 0; i < 3; i++) expect((await sendBank(again)).status).toBe(200);
    const payments = await ctx.ds.query(`SELECT amount_vnd, outcome FROM payments WHERE order_id = $1 ORDER BY id`, [order.id]);
    expect(payments).toEqual([
      { amount_vnd: order.total_vnd, outcome: 'applied' },
      { amount_vnd: 2_500_000_000, outcome: 'flagged' },
    ]);
    expect(await orderRow(code)).toMatchObject({ status: 'paid', paid_amount_vnd: order.total_vnd, needs_review: true });
    const flagged = decodeHtml((await admin.get('/admin/orders?flagged=1')).text);
    expect(flagged).toContain(code);
    expect(decodeHtml((await admin.get(`/admin/orders/${code}`)).text)).toContain(formatVnd(2_500_000_000));
  });

  it('an order above 2^31 paid twice in full: the second transfer becomes a refund owed to the buyer', async () => {
    const p = await ctx.factories.createProduct({ stock: 30, priceVnd: 99_000_000 });
    const q = await ctx.factories.createProduct({ stock: 3, priceVnd: 70_000_000 });
    const buyer = await buyerWithCart(ctx, [
      { productId: p.id, quantity: 21 },
      { productId: q.id, quantity: 1 },
    ]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const order = await orderRow(code);
    expect(order.total_vnd).toBeGreaterThan(INT4_MAX);
    await sendBank(bankTransfer(code, order.total_vnd)).expect(200);
    await sendBank(bankTransfer(`${code} chuyen lai`, order.total_vnd)).expect(200);
    expect(await orderRow(code)).toMatchObject({ status: 'paid', paid_amount_vnd: order.total_vnd });
    expect(await ctx.ds.query(`SELECT amount_vnd, status FROM refunds WHERE order_id = $1`, [order.id])).toEqual([
      { amount_vnd: order.total_vnd, status: 'owed' },
    ]);
    expect(decodeHtml((await admin.get(`/admin/orders/${code}`)).text)).toContain(formatVnd(order.total_vnd));
  });

  it('a transfer above 2^31, or above any order’s limit, to no order is kept for an admin to place or return', async () => {
    for (const amount of [2_147_483_648, 5_000_000_000_000]) {
      const body = bankTransfer('ung ho hop tac xa', amount);
      expect((await sendBank(body)).status).toBe(200);
      const [payment] = await ctx.ds.query(`SELECT order_id, amount_vnd, outcome FROM payments WHERE provider_ref = $1`, [String(body.id)]);
      expect(payment).toEqual({ order_id: null, amount_vnd: amount, outcome: 'flagged' });
    }
    const list = await admin.get('/admin/orders?flagged=1');
    expect(list.status).toBe(200);
    expect(decodeHtml(list.text)).toContain(formatVnd(5_000_000_000_000));
  });
});

describe('a transfer amount that is not whole đồng', () => {
  it('1e20, 2^53, negative, fractional or text: 400 naming transferAmount, nothing recorded', async () => {
    const { code, order } = await smallOrder();
    for (const amount of [1e20, 2 ** 53, -185_000, -1, 185_000.5, '185000', null]) {
      const body = bankTransfer(code, amount);
      const res = await sendBank(body);
      expect({ amount, status: res.status }).toEqual({ amount, status: 400 });
      expect(res.body.error.message).toMatch(/transferAmount/);
      expect(await ctx.ds.query(`SELECT 1 FROM webhook_events WHERE provider = 'bank' AND event_id = $1`, [String(body.id)])).toEqual([]);
    }
    expect(await orderRow(code)).toMatchObject({ status: 'pending_payment', needs_review: false, paid_amount_vnd: 0 });
    expect(await ctx.ds.query(`SELECT 1 FROM payments WHERE order_id = $1`, [order.id])).toEqual([]);
  });
});
