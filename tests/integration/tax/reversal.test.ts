import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { placeOrder, tableRows, type PlacedOrder } from '../../helpers/sales';
import { formatVnd } from '../../../server/lib/money';

const SECRET = 'bank-feed-secret-tax-reversal';
const NOV = new Date('2026-11-20T03:00:00Z');
const DEC = new Date('2026-12-05T03:00:00Z');
let ctx: TestContext;
let admin: request.Agent;
let adminId: number;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET }, now: NOV });
  ({ agent: admin, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds));
});
afterAll(() => ctx.close());

type Seller = Awaited<ReturnType<typeof signInAsSeller>> & { productId: number };

/** A signed-in seller of this type (30.000 ₫ shipping) with a product of this price. */
async function seller(type: string, priceVnd = 200000): Promise<Seller> {
  const s = await signInAsSeller(ctx.app, ctx.ds);
  await ctx.ds.query(`UPDATE sellers SET type = $2, shipping_fee_vnd = 30000, free_shipping_threshold_vnd = NULL WHERE id = $1`, [s.sellerId, type]);
  const product = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd, stock: 100 });
  return { ...s, productId: product.id };
}

const bankPayment = async (order: PlacedOrder) => {
  const [{ total_vnd }] = await ctx.ds.query(`SELECT total_vnd FROM orders WHERE id = $1`, [order.id]);
  return bankTransfer(`${order.code} thanh toan`, Number(total_vnd));
};

async function paidByBank(lines: { productId: number; quantity: number }[]) {
  const order = await placeOrder(ctx, lines);
  await sendBankTransfer(ctx.app, SECRET, await bankPayment(order)).expect(200);
  return order;
}

async function refundByAdmin(code: string) {
  const page = await admin.get(`/admin/orders/${code}`).expect(200);
  await admin
    .post(`/admin/orders/${code}/refund`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), reason: 'Khách trả hàng' })
    .expect(303);
}

async function sellerMoves(s: Seller, code: string, status: 'shipped' | 'delivered' | 'cancelled') {
  const page = await s.agent.get(`/seller/orders/${code}`).expect(200);
  await s.agent
    .post(`/seller/orders/${code}/status`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), status, ...(status === 'shipped' ? { trackingNo: 'VN123' } : {}) })
    .expect(303);
}

/** Tax per month for one order: { 'YYYY-MM-DD': { vat, pit } }. */
async function byMonth(orderId: number) {
  const rows = (await ctx.ds.query(
    `SELECT to_char(w.period, 'YYYY-MM-DD') AS period, w.tax, sum(w.amount_vnd)::int AS amount
     FROM tax_withholdings w JOIN seller_orders so ON so.id = w.seller_order_id WHERE so.order_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [orderId],
  )) as { period: string; tax: string; amount: number }[];
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.period] ??= {})[r.tax] = r.amount;
  return out;
}

const rowsOf = (orderId: number) =>
  ctx.ds.query(
    `SELECT w.entry, w.kind, w.tax, w.base_vnd::int AS base, w.rate_bp AS rate, w.amount_vnd::int AS amount, to_char(w.period, 'YYYY-MM-DD') AS period
     FROM tax_withholdings w JOIN seller_orders so ON so.id = w.seller_order_id WHERE so.order_id = $1 ORDER BY w.id`,
    [orderId],
  ) as Promise<{ entry: string; kind: string; tax: string; base: number; rate: number; amount: number; period: string }[]>;

const ledgerSum = async (sellerId: number) =>
  Number((await ctx.ds.query(`SELECT coalesce(sum(amount_vnd), 0)::bigint AS s FROM seller_ledger WHERE seller_id = $1`, [sellerId]))[0].s);

const taxLedger = (sellerId: number) =>
  ctx.ds.query(`SELECT kind, amount_vnd::int AS amount FROM seller_ledger WHERE seller_id = $1 AND kind LIKE 'tax_%' ORDER BY id`, [sellerId]) as Promise<
    { kind: string; amount: number }[]
  >;

/** The balance both payouts pages show is the ledger's sum. */
async function balancesAgree(s: Seller) {
  const sum = await ledgerSum(s.sellerId);
  expect((await admin.get(`/admin/payouts/${s.sellerId}`).expect(200)).text).toContain(`Đang nợ: ${formatVnd(sum)}`);
  expect((await s.agent.get('/seller/payouts').expect(200)).text).toContain(`Chợ OCOP đang nợ hợp tác xã: ${formatVnd(sum)}`);
  return sum;
}

beforeEach(() => ctx.setNow(NOV));

describe('reversal of tax withheld', () => {
  it('a full refund in the same month leaves the month at zero for that part, with the reversal lines in the ledger', async () => {
    const s = await seller('ho_san_xuat');
    await ctx.ds.query(`UPDATE sellers SET citizen_id = '001234567890' WHERE id = $1`, [s.sellerId]);
    const order = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    expect(await balancesAgree(s)).toBe(-10350);
    await refundByAdmin(order.code);
    expect(await byMonth(order.id)).toEqual({ '2026-11-01': { vat: 0, pit: 0 } });
    expect((await rowsOf(order.id)).filter((r) => r.entry === 'reversal')).toEqual([
      { entry: 'reversal', kind: 'goods', tax: 'pit', base: -600000, rate: 50, amount: -3000, period: '2026-11-01' },
      { entry: 'reversal', kind: 'goods', tax: 'vat', base: -600000, rate: 100, amount: -6000, period: '2026-11-01' },
      { entry: 'reversal', kind: 'transport', tax: 'pit', base: -30000, rate: 150, amount: -450, period: '2026-11-01' },
      { entry: 'reversal', kind: 'transport', tax: 'vat', base: -30000, rate: 300, amount: -900, period: '2026-11-01' },
    ]);
    expect(await taxLedger(s.sellerId)).toEqual([
      { kind: 'tax_vat', amount: -6900 },
      { kind: 'tax_pit', amount: -3450 },
      { kind: 'tax_vat_reversal', amount: 6900 },
      { kind: 'tax_pit_reversal', amount: 3450 },
    ]);
    expect(await balancesAgree(s)).toBe(0);
    const page = await s.agent.get('/seller/payouts');
    expect(tableRows(page.text, 'ledger')).toEqual(
      expect.arrayContaining([
        [expect.any(String), 'Hoàn thuế GTGT khấu trừ', order.code, formatVnd(6900)],
        [expect.any(String), 'Hoàn thuế TNCN khấu trừ', order.code, formatVnd(3450)],
        [expect.any(String), 'Thuế GTGT khấu trừ', order.code, formatVnd(-6900)],
        [expect.any(String), 'Thuế TNCN khấu trừ', order.code, formatVnd(-3450)],
      ]),
    );
  });

  it('a delivered part refunded next month: a negative adjustment in December, November unchanged; the ledger nets to zero', async () => {
    const s = await seller('ho_san_xuat');
    await ctx.ds.query(`UPDATE sellers SET tax_code = '0101234567' WHERE id = $1`, [s.sellerId]);
    const order = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    await sellerMoves(s, order.code, 'shipped');
    await sellerMoves(s, order.code, 'delivered');
    expect(await balancesAgree(s)).toBe(630000 - 10350);
    ctx.setNow(DEC);
    await refundByAdmin(order.code);
    expect(await byMonth(order.id)).toEqual({ '2026-11-01': { vat: 6900, pit: 3450 }, '2026-12-01': { vat: -6900, pit: -3450 } });
    expect(await balancesAgree(s)).toBe(0);
  });

  it('a declared month never changes: a later reversal (and a payment) falling in it go to the next undeclared month', async () => {
    const s = await seller('ho_san_xuat');
    const order = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    await ctx.ds.query(`INSERT INTO tax_declarations (period, declared_by) VALUES ('2026-11-01', $1)`, [adminId]);
    await refundByAdmin(order.code);
    expect(await byMonth(order.id)).toEqual({ '2026-11-01': { vat: 6900, pit: 3450 }, '2026-12-01': { vat: -6900, pit: -3450 } });
    // Paid on 20/11 while November is declared: withheld in December.
    const later = await paidByBank([{ productId: s.productId, quantity: 1 }]);
    expect(await byMonth(later.id)).toEqual({ '2026-12-01': { vat: 2900, pit: 1450 } });
    expect(await balancesAgree(s)).toBe(-4350);
    await ctx.ds.query(`DELETE FROM tax_declarations WHERE period = '2026-11-01'`);
  });

  it('a household cancels its paid part of a multi-seller order: only that part is reversed; the cooperative part had nothing', async () => {
    const household = await seller('ho_san_xuat', 100000);
    const coop = await seller('htx', 100000);
    const order = await paidByBank([
      { productId: household.productId, quantity: 2 },
      { productId: coop.productId, quantity: 2 },
    ]);
    expect(await taxLedger(coop.sellerId)).toEqual([]);
    await sellerMoves(household, order.code, 'cancelled');
    expect(await byMonth(order.id)).toEqual({ '2026-11-01': { vat: 0, pit: 0 } });
    expect(await taxLedger(household.sellerId)).toEqual([
      { kind: 'tax_vat', amount: -2900 },
      { kind: 'tax_pit', amount: -1450 },
      { kind: 'tax_vat_reversal', amount: 2900 },
      { kind: 'tax_pit_reversal', amount: 1450 },
    ]);
    // The admin then refunds the rest: nothing more to reverse for the household's part.
    await refundByAdmin(order.code);
    expect((await rowsOf(order.id)).length).toBe(8);
    expect(await balancesAgree(household)).toBe(0);
    expect(await balancesAgree(coop)).toBe(0);
  });

  it('a partial refund reverses the refunded share of the part, rounded half up, never more than withheld', async () => {
    const s = await seller('ho_san_xuat');
    const order = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    const [part] = await ctx.ds.query(`SELECT id FROM seller_orders WHERE order_id = $1`, [order.id]);
    // Half of 630.000 ₫: today's routes refund whole parts, so the service is called directly.
    await ctx.ds.transaction((m) => ctx.container.tax.partRefunded(m, part.id, 315000));
    expect((await rowsOf(order.id)).filter((r) => r.entry === 'reversal').map((r) => [r.kind, r.tax, r.base, r.amount])).toEqual([
      ['goods', 'pit', -300000, -1500],
      ['goods', 'vat', -300000, -3000],
      ['transport', 'pit', -15000, -225],
      ['transport', 'vat', -15000, -450],
    ]);
    expect(await taxLedger(s.sellerId)).toEqual([
      { kind: 'tax_vat', amount: -6900 },
      { kind: 'tax_pit', amount: -3450 },
      { kind: 'tax_vat_reversal', amount: 3450 },
      { kind: 'tax_pit_reversal', amount: 1725 },
    ]);
    expect(await balancesAgree(s)).toBe(-5175);
  });
});

describe('who is withheld, when', () => {
  it('an override is withheld from then on, not retroactively; a refund of the earlier order reverses nothing', async () => {
    const s = await seller('htx');
    const before = await paidByBank([{ productId: s.productId, quantity: 1 }]);
    await ctx.ds.query(`UPDATE sellers SET tax_withholding = 'withhold', tax_withholding_reason = 'Đăng ký là hộ kinh doanh' WHERE id = $1`, [s.sellerId]);
    const after = await paidByBank([{ productId: s.productId, quantity: 1 }]);
    expect(await rowsOf(before.id)).toEqual([]);
    expect(await byMonth(after.id)).toEqual({ '2026-11-01': { vat: 2900, pit: 1450 } });
    await refundByAdmin(before.code);
    expect(await rowsOf(before.id)).toEqual([]);
    expect(await balancesAgree(s)).toBe(-4350);
  });

  it('concurrent webhooks for one payment withhold once: the same delivery twice and a second transfer, in parallel', async () => {
    const s = await seller('ho_san_xuat');
    const order = await placeOrder(ctx, [{ productId: s.productId, quantity: 3 }]);
    const first = await bankPayment(order);
    const second = await bankPayment(order);
    const answers = await Promise.all([
      sendBankTransfer(ctx.app, SECRET, first),
      sendBankTransfer(ctx.app, SECRET, first),
      sendBankTransfer(ctx.app, SECRET, second),
    ]);
    for (const a of answers) expect(a.status).toBe(200);
    expect((await rowsOf(order.id)).length).toBe(4);
    expect(await byMonth(order.id)).toEqual({ '2026-11-01': { vat: 6900, pit: 3450 } });
    expect(await taxLedger(s.sellerId)).toEqual([
      { kind: 'tax_vat', amount: -6900 },
      { kind: 'tax_pit', amount: -3450 },
    ]);
    expect(await balancesAgree(s)).toBe(-10350);
  });

  it('rates come from the table by date: a sale before a new rate keeps the old one, a sale after uses the new', async () => {
    await ctx.ds.query(
      `INSERT INTO tax_rates (effective_from, kind, tax, rate_bp, legal_basis) VALUES ('2027-01-01', 'goods', 'vat', 200, 'Nghị định thử nghiệm')`,
    );
    const s = await seller('ho_san_xuat');
    ctx.setNow(new Date('2026-12-31T16:30:00Z')); // 23:30 on 31/12 in Vietnam
    const old = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    ctx.setNow(new Date('2026-12-31T17:30:00Z')); // 00:30 on 01/01/2027 in Vietnam
    const fresh = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    const goodsVat = async (orderId: number) => (await rowsOf(orderId)).find((r) => r.kind === 'goods' && r.tax === 'vat');
    expect(await goodsVat(old.id)).toMatchObject({ rate: 100, amount: 6000, period: '2026-12-01' });
    expect(await goodsVat(fresh.id)).toMatchObject({ rate: 200, amount: 12000, period: '2027-01-01' });
    expect((await rowsOf(fresh.id)).find((r) => r.kind === 'goods' && r.tax === 'pit')).toMatchObject({ rate: 50, amount: 3000 });
    await ctx.ds.query(`DELETE FROM tax_rates WHERE effective_from = '2027-01-01'`);
  });
});

describe('payouts wait for identification', () => {
  it('a withheld seller without tax code or CCCD: the payout is refused with the reason (nothing written), both pages say why; once given, it goes', async () => {
    const s = await seller('ho_san_xuat');
    const order = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    await sellerMoves(s, order.code, 'shipped');
    await sellerMoves(s, order.code, 'delivered');
    const statement = await admin.get(`/admin/payouts/${s.sellerId}`).expect(200);
    expect(statement.text).toContain('id="payouts-wait"');
    expect((await s.agent.get('/seller/payouts')).text).toContain('chưa khai mã số thuế hoặc số CCCD');
    const waiting = (rows: string[][]) => rows.find((r) => r[0].startsWith(`HTX Kiểm thử ${s.userId}`))?.[0];
    expect(waiting(tableRows((await admin.get('/admin/payouts').expect(200)).text, 'balances'))).toBe(`HTX Kiểm thử ${s.userId} Chờ mã số thuế/CCCD`);
    const refused = await admin
      .post(`/admin/payouts/${s.sellerId}`)
      .type('form')
      .send({ _csrf: csrfFrom(statement.text), amountVnd: '100000', bankReference: 'FT-TAX-1', paidOn: '2026-11-20' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Chưa thể chuyển tiền: người bán thuộc diện được sàn khấu trừ thuế nhưng chưa khai mã số thuế hoặc số CCCD.');
    expect(await ctx.ds.query(`SELECT id FROM payouts WHERE seller_id = $1`, [s.sellerId])).toEqual([]);
    expect(await balancesAgree(s)).toBe(630000 - 10350);

    await ctx.ds.query(`UPDATE sellers SET citizen_id = '001234567891' WHERE id = $1`, [s.sellerId]);
    const again = await admin.get(`/admin/payouts/${s.sellerId}`).expect(200);
    expect(again.text).not.toContain('id="payouts-wait"');
    await admin
      .post(`/admin/payouts/${s.sellerId}`)
      .type('form')
      .send({ _csrf: csrfFrom(again.text), amountVnd: '100000', bankReference: 'FT-TAX-1', paidOn: '2026-11-20' })
      .expect(303);
    expect(await balancesAgree(s)).toBe(630000 - 10350 - 100000);
    expect((await s.agent.get('/seller/payouts')).text).not.toContain('id="payouts-wait"');
    expect(waiting(tableRows((await admin.get('/admin/payouts').expect(200)).text, 'balances'))).toBe(`HTX Kiểm thử ${s.userId}`);
  });

  it('a cooperative without identification is paid out as before', async () => {
    const s = await seller('htx');
    const order = await paidByBank([{ productId: s.productId, quantity: 1 }]);
    await sellerMoves(s, order.code, 'shipped');
    await sellerMoves(s, order.code, 'delivered');
    const page = await admin.get(`/admin/payouts/${s.sellerId}`).expect(200);
    expect(page.text).not.toContain('id="payouts-wait"');
    await admin
      .post(`/admin/payouts/${s.sellerId}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), amountVnd: '50000', bankReference: 'FT-COOP-1', paidOn: '2026-11-20' })
      .expect(303);
    expect(await balancesAgree(s)).toBe(230000 - 50000);
  });
});
