import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money that is summed, or can pass 2^31 − 1 đồng (about 2,1 tỷ), in bigint: order, part and line
 * totals, what was paid and refunded, refunds, payouts and the cooperatives' ledger. A unit price
 * stays within integer, but times a quantity it may not, so order_items.unit_price_vnd moves too
 * (its CHECK multiplies the two). Product prices, shipping fees and cart prices stay integer: the
 * forms bound them far below. payments.amount_vnd was bigint from the start.
 */
const COLUMNS: Record<string, string[]> = {
  orders: ['items_total_vnd', 'shipping_total_vnd', 'total_vnd', 'paid_amount_vnd', 'refunded_amount_vnd'],
  seller_orders: ['items_total_vnd', 'shipping_fee_vnd', 'total_vnd'],
  order_items: ['unit_price_vnd', 'line_total_vnd'],
  refunds: ['amount_vnd'],
  payouts: ['amount_vnd'],
  seller_ledger: ['amount_vnd'],
};

export class MoneyAsBigint1764240000000 implements MigrationInterface {
  name = 'MoneyAsBigint1764240000000';

  public async up(q: QueryRunner): Promise<void> {
    // One ALTER per table: each table is rewritten once.
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE bigint`).join(', ')}`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    // Fails, as it should, while any amount is beyond integer.
    for (const [table, columns] of Object.entries(COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE integer`).join(', ')}`);
    }
  }
}
