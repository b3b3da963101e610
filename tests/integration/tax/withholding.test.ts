import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { signInAsAdmin } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { placeOrder, tableRows } from '../../helpers/sales';
import { formatVnd } from '../../../server/lib/money';
import type { SellerType } from '../../../server/modules/sellers/seller.entity';

const SECRET = 'bank-feed-secret-tax';
let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET }, now: new Date('2026-11-20T03:00:00Z') });
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

/** A seller of this type, its shipping fee, and a product of this price. */
async function sellerWithProduct(type: SellerType, priceVnd: number, shippingFeeVnd = 30000) {
  const seller = await ctx.factories.createSeller({ type });
  await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = $2, free_shipping_threshold_vnd = NULL WHERE id = $1`, [seller.id, shippingFeeVnd]);
  const product = await ctx.factories.createProduct({ sellerId: seller.id, priceVnd, stock: 100 });
  return { sellerId: seller.id, ownerUserId: seller.ownerUserId, productId: product.id };
}

/** An order placed through checkout and paid by a bank transfer through the webhook. */
async function paidByBank(lines: { productId: number; quantity: number }[]) {
  const order = await placeOrder(ctx, lines);
  const [{ total_vnd }] = await ctx.ds.query(`SELECT total_vnd FROM orders WHERE id = $1`, [order.id]);
  await sendBankTransfer(ctx.app, SECRET, bankTransfer(`${order.code} thanh toan`, Number(total_vnd))).expect(200);
  const [{ status }] = await ctx.ds.query(`SELECT status FROM orders WHERE id = $1`, [order.id]);
  expect(status).toBe('paid');
  return order;
}

const withholdings = (orderId: number) =>
  ctx.ds.query(
    `SELECT w.entry, w.kind, w.tax, w.base_vnd::int AS base, w.rate_bp AS rate, w.amount_vnd::int AS amount, to_char(w.period, 'YYYY-MM-DD') AS period
     FROM tax_withholdings w JOIN seller_orders so ON so.id = w.seller_order_id WHERE so.order_id = $1 ORDER BY w.id`,
    [orderId],
  ) as Promise<{ entry: string; kind: string; tax: string; base: number; rate: number; amount: number; period: string }[]>;

const taxLedger = (sellerId: number) =>
  ctx.ds.query(`SELECT kind, amount_vnd::int AS amount FROM seller_ledger WHERE seller_id = $1 AND kind LIKE 'tax_%' ORDER BY id`, [sellerId]) as Promise<
    { kind: string; amount: number }[]
  >;

const ledgerSum = async (sellerId: number) =>
  Number((await ctx.ds.query(`SELECT coalesce(sum(amount_vnd), 0)::bigint AS s FROM seller_ledger WHERE seller_id = $1`, [sellerId]))[0].s);

/** The balance the admin's statement page shows, which must be the ledger's sum. */
async function balanceShown(sellerId: number) {
  const page = await admin.get(`/admin/payouts/${sellerId}`).expect(200);
  expect(page.text).toContain(formatVnd(await ledgerSum(sellerId)));
  return page;
}

describe('tax withheld at payment (Decree 117/2025)', () => {
  it('a household part of 3 × 200.000 ₫ goods + 30.000 ₫ shipping paid by bank transfer: VAT 6.000 + 900, PIT 3.000 + 450, and the ledger debits', async () => {
    const s = await sellerWithProduct('ho_san_xuat', 200000);
    const order = await paidByBank([{ productId: s.productId, quantity: 3 }]);
    expect(await withholdings(order.id)).toEqual([
      { entry: 'withheld', kind: 'goods', tax: 'vat', base: 600000, rate: 100, amount: 6000, period: '2026-11-01' },
      { entry: 'withheld', kind: 'goods', tax: 'pit', base: 600000, rate: 50, amount: 3000, period: '2026-11-01' },
      { entry: 'withheld', kind: 'transport', tax: 'vat', base: 30000, rate: 300, amount: 900, period: '2026-11-01' },
      { entry: 'withheld', kind: 'transport', tax: 'pit', base: 30000, rate: 150, amount: 450, period: '2026-11-01' },
    ]);
    expect(await taxLedger(s.sellerId)).toEqual([
      { kind: 'tax_vat', amount: -6900 },
      { kind: 'tax_pit', amount: -3450 },
    ]);
    expect(await ledgerSum(s.sellerId)).toBe(-10350);
    const page = await balanceShown(s.sellerId);
    expect(tableRows(page.text, 'ledger')).toEqual(
      expect.arrayContaining([
        [expect.any(String), 'Thuế GTGT khấu trừ', order.code, formatVnd(-6900)],
        [expect.any(String), 'Thuế TNCN khấu trừ', order.code, formatVnd(-3450)],
      ]),
    );
  });

  it('a part of 1.234.567 ₫ goods: VAT 12.346, PIT 6.173 (half up)', async () => {
    const s = await sellerWithProduct('to_hop_tac', 1234567, 0);
    const order = await paidByBank([{ productId: s.productId, quantity: 1 }]);
    expect((await withholdings(order.id)).map((w) => [w.kind, w.tax, w.base, w.amount])).toEqual([
      ['goods', 'vat', 1234567, 12346],
      ['goods', 'pit', 1234567, 6173],
    ]);
    expect(await taxLedger(s.sellerId)).toEqual([
      { kind: 'tax_vat', amount: -12346 },
      { kind: 'tax_pit', amount: -6173 },
    ]);
  });

  it("a cooperative's part has nothing withheld; in a multi-seller order only the household's part is", async () => {
    const coop = await sellerWithProduct('htx', 200000);
    const household = await sellerWithProduct('ho_san_xuat', 100000);
    const order = await paidByBank([
      { productId: coop.productId, quantity: 2 },
      { productId: household.productId, quantity: 1 },
    ]);
    const rows = await ctx.ds.query(
      `SELECT DISTINCT w.seller_id FROM tax_withholdings w JOIN seller_orders so ON so.id = w.seller_order_id WHERE so.order_id = $1`,
      [order.id],
    );
    expect(rows).toEqual([{ seller_id: household.sellerId }]);
    expect((await withholdings(order.id)).map((w) => w.amount)).toEqual([1000, 500, 900, 450]);
    expect(await taxLedger(coop.sellerId)).toEqual([]);
    await balanceShown(coop.sellerId);
    await balanceShown(household.sellerId);
  });
});
