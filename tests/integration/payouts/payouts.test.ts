import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

/** A paid order with one part for this cooperative, shipped and delivered through the seller's pages. */
async function deliveredPart(seller: Awaited<ReturnType<typeof signInAsSeller>>, priceVnd: number, quantity: number) {
  const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, priceVnd, stock: 50 });
  const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity }]);
  const code = orderCodeFrom(await checkout(buyer.agent));
  const [{ id }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
  await ctx.container.orders.markPaid(id);
  const page = await seller.agent.get(`/seller/orders/${code}`);
  await seller.agent
    .post(`/seller/orders/${code}/status`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), status: 'shipped', trackingNo: 'VN1' })
    .expect(303);
  await seller.agent
    .post(`/seller/orders/${code}/status`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), status: 'delivered' })
    .expect(303);
  return code;
}

const balanceRow = async (sellerId: number) =>
  (await ctx.ds.query(`SELECT coalesce(sum(amount_vnd), 0)::int AS sum, count(*)::int AS n FROM seller_ledger WHERE seller_id = $1`, [sellerId]))[0] as {
    sum: number;
    n: number;
  };

describe('seller balances and payouts', () => {
  it('a delivered part with 5 % commission adds the right amount; a payout reduces it; the ledger sums to the balance', async () => {
    const page = await admin.get('/admin/payouts');
    await admin
      .post('/admin/settings/commission')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), rate: '5' })
      .expect(303);
    const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Công nợ' });
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 30000 WHERE id = $1`, [seller.sellerId]);

    const code = await deliveredPart(seller, 100000, 2); // goods 200.000, shipping 30.000
    const entries = await ctx.ds.query(`SELECT kind, amount_vnd, rate_bp FROM seller_ledger WHERE seller_id = $1 ORDER BY id`, [seller.sellerId]);
    expect(entries).toEqual([
      { kind: 'sale', amount_vnd: 230000, rate_bp: null },
      { kind: 'commission', amount_vnd: -10000, rate_bp: 500 },
    ]);
    expect((await balanceRow(seller.sellerId)).sum).toBe(220000);

    const statement = await seller.agent.get('/seller/payouts');
    expect(statement.text).toContain('220.000\u00a0₫');
    expect(statement.text).toContain(code);
    expect(statement.text).toContain('Phí sàn');

    const adminPage = await admin.get(`/admin/payouts/${seller.sellerId}`);
    expect(adminPage.text).toContain('220.000\u00a0₫');
    const tooMuch = await admin
      .post(`/admin/payouts/${seller.sellerId}`)
      .type('form')
      .send({ _csrf: csrfFrom(adminPage.text), amountVnd: '300.000', bankReference: 'FT-1', paidOn: '2026-11-26' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.text).toContain('vượt quá số dư');
    await admin
      .post(`/admin/payouts/${seller.sellerId}`)
      .type('form')
      .send({ _csrf: csrfFrom(adminPage.text), amountVnd: '150.000', bankReference: 'FT-2611-01', paidOn: '2026-11-26' })
      .expect(303);
    const again = await admin
      .post(`/admin/payouts/${seller.sellerId}`)
      .type('form')
      .send({ _csrf: csrfFrom(adminPage.text), amountVnd: '10000', bankReference: 'FT-2611-01', paidOn: '2026-11-26' });
    expect(again.status).toBe(409);

    const { sum, n } = await balanceRow(seller.sellerId);
    expect(sum).toBe(70000);
    expect(n).toBe(3);
    const [{ paid }] = await ctx.ds.query(`SELECT sum(amount_vnd)::int AS paid FROM payouts WHERE seller_id = $1`, [seller.sellerId]);
    expect(paid).toBe(150000);
    // What the seller sees reconciles with its ledger lines.
    const shown = await seller.agent.get('/seller/payouts');
    expect(shown.text).toContain('70.000\u00a0₫');
    const amounts = [...shown.text.matchAll(/<td class="num">(-?[\d.]+)\u00a0₫<\/td>/g)].map((m) => Number(m[1].replace(/\./g, '')));
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(70000);
    expect((await ctx.ds.query(`SELECT 1 FROM audit_log WHERE action = 'seller.payout' AND reason = 'FT-2611-01'`)).length).toBe(1);
  });

  it('a per-seller rate overrides the platform rate; refunding a delivered order takes it back off the balance', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Phí riêng' });
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 0 WHERE id = $1`, [seller.sellerId]);
    const page = await admin.get(`/admin/payouts/${seller.sellerId}`);
    await admin
      .post(`/admin/payouts/${seller.sellerId}/commission`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), rate: '2,5' })
      .expect(303);
    const code = await deliveredPart(seller, 80000, 1);
    expect((await balanceRow(seller.sellerId)).sum).toBe(80000 - 2000);

    const detail = await admin.get(`/admin/orders/${code}`);
    await admin
      .post(`/admin/orders/${code}/refund`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), reason: 'Hàng hỏng' })
      .expect(303);
    const entries = await ctx.ds.query(`SELECT kind, amount_vnd FROM seller_ledger WHERE seller_id = $1 ORDER BY id`, [seller.sellerId]);
    expect(entries).toEqual([
      { kind: 'sale', amount_vnd: 80000 },
      { kind: 'commission', amount_vnd: -2000 },
      { kind: 'refund', amount_vnd: -80000 },
      { kind: 'commission_reversal', amount_vnd: 2000 },
    ]);
    expect((await balanceRow(seller.sellerId)).sum).toBe(0);
  });

  it('every seller balance equals the sum of its ledger', async () => {
    const rows = (await admin.get('/admin/payouts')).text;
    const sellers = await ctx.ds.query(
      `SELECT s.id, coalesce(sum(l.amount_vnd), 0)::int AS sum FROM sellers s LEFT JOIN seller_ledger l ON l.seller_id = s.id GROUP BY s.id`,
    );
    const balances = await ctx.container.payouts.balances({ id: 0, role: 'admin' });
    for (const s of sellers) {
      const shown = balances.find((b) => b.sellerId === s.id);
      if (shown) expect(shown.balanceVnd).toBe(s.sum);
    }
    expect(rows).toContain('Tổng đang nợ các hợp tác xã');
  });
});
