import type { DataSource } from 'typeorm';
import { taxAmount } from '../../server/modules/tax';
import { placeOrder } from './sales';
import type { TestContext } from './test-context';

/** The rates of Decree 117/2025 as the TaxWithholding migration seeds them (basis points). */
export const RATES = { goods: { vat: 100, pit: 50 }, transport: { vat: 300, pit: 150 }, service: { vat: 500, pit: 200 } } as const;

/**
 * Withholding rows written straight into `tax_withholdings`, exactly as the schema defines them: one
 * row per kind and tax, amounts rounded half up. For pages that read them, without a payment.
 * A reversal takes the bases negative (pass positive bases; they are negated here).
 */
export async function insertWithholding(
  ds: DataSource,
  row: {
    sellerOrderId: number;
    sellerId: number;
    period: string;
    entry?: 'withheld' | 'reversal';
    goods?: number;
    transport?: number;
    service?: number;
    /** When it was withheld (default: the database's now). */
    createdAt?: string;
  },
): Promise<void> {
  const entry = row.entry ?? 'withheld';
  const sign = entry === 'reversal' ? -1 : 1;
  for (const kind of ['goods', 'transport', 'service'] as const) {
    const base = row[kind];
    if (!base) continue;
    for (const tax of ['vat', 'pit'] as const) {
      const rate = RATES[kind][tax];
      await ds.query(
        `INSERT INTO tax_withholdings (seller_order_id, seller_id, entry, kind, tax, base_vnd, rate_bp, amount_vnd, period, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()))`,
        [row.sellerOrderId, row.sellerId, entry, kind, tax, sign * base, rate, taxAmount(sign * base, rate), row.period, row.createdAt ?? null],
      );
    }
  }
}

/** A seller order of this seller (placed, unpaid: nothing withheld by the store itself). */
export async function sellerOrderOf(ctx: TestContext, sellerId: number): Promise<number> {
  const product = await ctx.factories.createProduct({ sellerId, stock: 5 });
  const order = await placeOrder(ctx, [{ productId: product.id, quantity: 1 }]);
  const [part] = await ctx.ds.query(`SELECT id FROM seller_orders WHERE order_id = $1 AND seller_id = $2`, [order.id, sellerId]);
  return part.id;
}
