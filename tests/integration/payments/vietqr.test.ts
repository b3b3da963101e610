import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer, TEST_BANK_ACCOUNT } from '../../helpers/bank-feed';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { formatVnd } from '../../../server/lib/money';

const SECRET = 'bank-feed-secret-123';
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET } });
});
afterAll(() => ctx.close());

const sendBank = (body: object, key = SECRET) => sendBankTransfer(ctx.app, key, body);
const orderRow = async (code: string) => (await ctx.ds.query(`SELECT * FROM orders WHERE code = $1`, [code]))[0];

async function vietqrOrder() {
  const p = await ctx.factories.createProduct({ stock: 10, priceVnd: 185000 });
  const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }]);
  const res = await checkout(buyer.agent);
  expect(res.headers.location).toMatch(/\/pay$/);
  const code = orderCodeFrom(res);
  return { buyer, code, order: await orderRow(code) };
}

describe('VietQR bank transfer', () => {
  it('the pay page shows the QR code and writes out bank, account, amount and content', async () => {
    const { buyer, code, order } = await vietqrOrder();
    const page = await buyer.agent.get(`/orders/${code}/pay`);
    expect(page.status).toBe(200);
    // Handlebars escapes the base64 padding "=" as &#x3D;, which the browser decodes back.
    expect(page.text).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/]+(=|&#x3D;)*"/);
    expect(page.text).toContain('Agribank');
    expect(page.text).toContain(TEST_BANK_ACCOUNT);
    expect(page.text).toContain('CHO OCOP TEST');
    expect(page.text).toContain(formatVnd(order.total_vnd));
    expect(page.text).toContain(`>${code}</strong>`);
    // Not the demo: no simulation button.
    expect(page.text).not.toContain('Mô phỏng chuyển khoản');
    expect(
      (
        await buyer.agent
          .post(`/orders/${code}/pay/simulate`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text) })
      ).status,
    ).toBe(404);
  });

  it('a wrong key gets 401 and changes nothing', async () => {
    const { code, order } = await vietqrOrder();
    const res = await sendBank(bankTransfer(`${code} thanh toan`, order.total_vnd), 'wrong');
    expect(res.status).toBe(401);
    expect((await request(ctx.app).post('/webhooks/bank').send(bankTransfer(code, order.total_vnd))).status).toBe(401);
    expect((await orderRow(code)).status).toBe('pending_payment');
  });

  it('the right one pays the order exactly once, even sent twice at the same moment', async () => {
    const { code, order } = await vietqrOrder();
    const body = bankTransfer(`CT DEN:0123 ${code.replace('-', '')} thanh toan don hang`, order.total_vnd);
    const results = await Promise.all([sendBank(body), sendBank(body), sendBank(body)]);
    expect(results.map((r) => [r.status, r.body.success])).toEqual([
      [200, true],
      [200, true],
      [200, true],
    ]);
    const after = await orderRow(code);
    expect(after.status).toBe('paid');
    expect(after.paid_amount_vnd).toBe(order.total_vnd);
    expect(await ctx.ds.query(`SELECT 1 FROM payments WHERE order_id = $1`, [order.id])).toHaveLength(1);
    expect(await ctx.ds.query(`SELECT 1 FROM webhook_events WHERE provider = 'bank' AND event_id = $1`, [String(body.id)])).toHaveLength(1);
    expect(await ctx.ds.query(`SELECT 1 FROM order_events WHERE order_id = $1 AND to_status = 'paid'`, [order.id])).toHaveLength(1);
  });

  it('flags an under-payment, an over-payment and an unknown code; ignores money out and other accounts', async () => {
    const under = await vietqrOrder();
    await sendBank(bankTransfer(under.code, under.order.total_vnd - 1000)).expect(200);
    expect(await orderRow(under.code)).toMatchObject({ status: 'pending_payment', needs_review: true });
    const over = await vietqrOrder();
    await sendBank(bankTransfer(over.code, over.order.total_vnd + 50000)).expect(200);
    expect((await orderRow(over.code)).review_reason).toContain('thừa tiền');

    const unknown = bankTransfer('OCP-ZZZZZZ ung ho', 100000);
    await sendBank(unknown).expect(200);
    const [stray] = await ctx.ds.query(`SELECT order_id, outcome FROM payments WHERE provider_ref = $1`, [String(unknown.id)]);
    expect(stray).toEqual({ order_id: null, outcome: 'flagged' });

    const out = await vietqrOrder();
    await sendBank(bankTransfer(out.code, out.order.total_vnd, { transferType: 'out' })).expect(200);
    await sendBank(bankTransfer(out.code, out.order.total_vnd, { accountNumber: '999' })).expect(200);
    expect((await orderRow(out.code)).status).toBe('pending_payment');

    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const list = await admin.get('/admin/orders?flagged=1');
    expect(list.text).toContain(under.code);
    expect(list.text).toContain(over.code);
    expect(list.text).toContain('Khoản tiền chưa khớp đơn nào');
    expect((await sendBank({ nonsense: true })).status).toBe(400);
  });

  it('an admin marks an order paid with a bank reference (audited), and a refund of a transfer is recorded as owed', async () => {
    const { code, order } = await vietqrOrder();
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const page = await admin.get(`/admin/orders/${code}`);
    expect(
      (
        await admin
          .post(`/admin/orders/${code}/mark-paid`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), reference: '' })
      ).status,
    ).toBe(422);
    await admin
      .post(`/admin/orders/${code}/mark-paid`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reference: 'FT2611ABC' })
      .expect(303);
    expect((await orderRow(code)).status).toBe('paid');
    expect((await ctx.ds.query(`SELECT reason FROM audit_log WHERE action = 'order.mark-paid' AND target_id = $1`, [code]))[0].reason).toBe('FT2611ABC');
    expect(
      (
        await admin
          .post(`/admin/orders/${code}/mark-paid`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), reference: 'FT2611ABC' })
      ).status,
    ).toBe(409);

    await admin
      .post(`/admin/orders/${code}/refund`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reason: 'Hết hàng' })
      .expect(303);
    const [refund] = await ctx.ds.query(`SELECT provider, status, amount_vnd FROM refunds WHERE order_id = $1`, [order.id]);
    expect(refund).toEqual({ provider: 'manual', status: 'owed', amount_vnd: order.total_vnd });
    expect(await orderRow(code)).toMatchObject({ status: 'refunded', refunded_amount_vnd: order.total_vnd });
    // Its stock went back too.
    const [{ stock }] = await ctx.ds.query(`SELECT stock FROM products WHERE id = (SELECT product_id FROM order_items WHERE order_id = $1)`, [order.id]);
    expect(stock).toBe(10);
  });
});

describe('VietQR demo', () => {
  it('the demo pay page has a simulate button that goes through the signed bank webhook', async () => {
    const demo = await createTestContext({ env: { SEED_DEMO: '1', BANK_WEBHOOK_SECRET: SECRET } });
    try {
      const p = await demo.factories.createProduct({ stock: 3 });
      const buyer = await buyerWithCart(demo, [{ productId: p.id, quantity: 1 }]);
      const code = orderCodeFrom(await checkout(buyer.agent));
      const page = await buyer.agent.get(`/orders/${code}/pay`);
      expect(page.text).toContain('Mô phỏng chuyển khoản thành công');
      await buyer.agent
        .post(`/orders/${code}/pay/simulate`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
        .expect(303);
      const order = await buyer.agent.get(`/orders/${code}`);
      expect(order.text).toContain('Đã thanh toán');
      const [event] = await demo.ds.query(`SELECT provider, outcome FROM webhook_events WHERE order_id = (SELECT id FROM orders WHERE code = $1)`, [code]);
      expect(event).toEqual({ provider: 'bank', outcome: 'applied' });
    } finally {
      await demo.close();
    }
  });
});
