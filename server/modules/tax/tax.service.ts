import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../lib/clock';
import { todayInVietnam } from '../../lib/dates';
import type { PayoutsService } from '../payouts';
import type { SellerType } from '../sellers';
import { isWithheld, periodOf, REVENUE_KINDS, TAXES, taxAmount, type RevenueKind, type Tax, type TaxWithholdingMode } from './withholding-rules';

/**
 * The advisory lock between writing tax rows and declaring a month: withholdings take it shared,
 * a declaration exclusively, so no row lands in a month declared while it was being written.
 */
export const TAX_DECLARATION_LOCK = 17_117_2025;

/** The rates in force on a day: one per kind of revenue and tax. */
export type RatesOn = Record<RevenueKind, Record<Tax, number>>;

interface WithheldRow {
  seller_id: number;
  kind: RevenueKind;
  tax: Tax;
  base_vnd: number;
  rate_bp: number;
  amount_vnd: number;
  reversed_vnd: number;
}

/** a × num / den, rounded half up (a, num, den ≥ 0), in bigint so nothing is lost on the way. */
function shareOf(a: number, num: number, den: number): number {
  const twice = 2n * BigInt(a) * BigInt(num);
  return Number((twice + BigInt(den)) / (2n * BigInt(den)));
}

/**
 * The tax withheld for household sellers (Decree 117/2025/NĐ-CP): at the moment a part is paid, in
 * the paying transaction, one `tax_withholdings` row per kind of revenue and tax plus the payout
 * ledger's debit lines; a refund reverses it in proportion, in the month it happens. A declared
 * month never changes: what would fall in it goes to the next undeclared month.
 *
 * Time: the payment's moment is the injected clock's (the month it falls in, in Vietnam's time).
 */
export class TaxService {
  constructor(
    private readonly dataSource: DataSource,
    /** The writer of `seller_ledger`: the tax lines go through it so the balance stays the ledger's sum. */
    private readonly payouts: PayoutsService,
    private readonly clock: Clock,
  ) {}

  /** The rates in force on `day` (YYYY-MM-DD): for each kind and tax, the latest row effective on or before it. */
  async ratesOn(day: string, manager: EntityManager = this.dataSource.manager): Promise<RatesOn> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (kind, tax) kind, tax, rate_bp FROM tax_rates WHERE effective_from <= $1::date ORDER BY kind, tax, effective_from DESC`,
      [day],
    )) as { kind: RevenueKind; tax: Tax; rate_bp: number }[];
    const rates = Object.fromEntries(REVENUE_KINDS.map((k) => [k, { vat: 0, pit: 0 }])) as RatesOn;
    for (const r of rows) rates[r.kind][r.tax] = r.rate_bp;
    return rates;
  }

  /** A kind's rate; when the kind cannot be told, the highest rate of that tax (the law's rule). */
  static rateFor(rates: RatesOn, kind: RevenueKind | null, tax: Tax): number {
    if (kind) return rates[kind][tax];
    return Math.max(...REVENUE_KINDS.map((k) => rates[k][tax]));
  }

  /**
   * The declaration month for a moment: its own month, or the first undeclared month after it. The
   * shared lock (held to the end of the caller's transaction) lets withholdings run side by side but
   * not while a month is being declared, which takes it exclusively (TAX_DECLARATION_LOCK).
   */
  async periodFor(manager: EntityManager, moment: Date): Promise<string> {
    await manager.query(`SELECT pg_advisory_xact_lock_shared($1)`, [TAX_DECLARATION_LOCK]);
    const [row] = (await manager.query(
      `SELECT to_char(m, 'YYYY-MM-DD') AS period
       FROM generate_series($1::date, $1::date + interval '20 years', interval '1 month') m
       WHERE NOT EXISTS (SELECT 1 FROM tax_declarations d WHERE d.period = m::date) ORDER BY m LIMIT 1`,
      [periodOf(moment)],
    )) as { period: string }[];
    return row.period;
  }

  /**
   * OrderLifecycle's paid hook, in the transaction that marks the order paid: every part whose seller
   * is withheld now (an admin's override counts from here on) gets its rows and ledger lines. The
   * unique indexes make a second call a no-op, so two webhooks for one payment withhold once.
   */
  async orderPaid(manager: EntityManager, orderId: number): Promise<void> {
    const parts = (await manager.query(
      `SELECT so.id, so.seller_id, so.items_total_vnd, so.shipping_fee_vnd, s.type, s.tax_withholding
       FROM seller_orders so JOIN sellers s ON s.id = so.seller_id
       WHERE so.order_id = $1 AND so.status = 'to_ship' ORDER BY so.id`,
      [orderId],
    )) as { id: number; seller_id: number; items_total_vnd: number; shipping_fee_vnd: number; type: SellerType; tax_withholding: TaxWithholdingMode }[];
    const withheld = parts.filter((p) => isWithheld({ type: p.type, taxWithholding: p.tax_withholding }));
    if (withheld.length === 0) return;
    const now = this.clock.now();
    const [rates, period] = await Promise.all([this.ratesOn(todayInVietnam(now), manager), this.periodFor(manager, now)]);
    for (const part of withheld) {
      const bases: [RevenueKind, number][] = [
        ['goods', Number(part.items_total_vnd)],
        ['transport', Number(part.shipping_fee_vnd)],
      ];
      const rows = bases
        .filter(([, base]) => base > 0)
        .flatMap(([kind, base]) =>
          TAXES.map((tax) => {
            const rateBp = TaxService.rateFor(rates, kind, tax);
            return { kind, tax, base, rateBp, amount: taxAmount(base, rateBp) };
          }),
        );
      await this.insertRows(manager, part.id, part.seller_id, 'withheld', period, rows);
    }
  }

  /**
   * A refund after payment (a whole part today; any amount works): reverses the part's withholding in
   * the refunded share of the part, rounded half up, never more than is left to reverse, as
   * negative rows in the month of the refund (or the next undeclared one) and ledger credits.
   */
  async partRefunded(manager: EntityManager, sellerOrderId: number, refundedVnd: number): Promise<void> {
    if (refundedVnd <= 0) return;
    const [part] = (await manager.query(`SELECT total_vnd FROM seller_orders WHERE id = $1`, [sellerOrderId])) as { total_vnd: number }[];
    if (!part) return;
    const withheld = (await manager.query(
      `SELECT w.seller_id, w.kind, w.tax, w.base_vnd, w.rate_bp, w.amount_vnd,
              coalesce((SELECT -sum(r.amount_vnd) FROM tax_withholdings r
                        WHERE r.seller_order_id = w.seller_order_id AND r.kind = w.kind AND r.tax = w.tax AND r.entry = 'reversal'), 0)::bigint AS reversed_vnd
       FROM tax_withholdings w WHERE w.seller_order_id = $1 AND w.entry = 'withheld' ORDER BY w.kind, w.tax`,
      [sellerOrderId],
    )) as WithheldRow[];
    if (withheld.length === 0) return;
    const total = Number(part.total_vnd);
    const refunded = Math.min(refundedVnd, total);
    const rows = withheld
      .map((w) => {
        const base = Number(w.base_vnd);
        const amount = Number(w.amount_vnd);
        const share = refunded === total ? amount : shareOf(amount, refunded, total);
        return {
          kind: w.kind,
          tax: w.tax,
          base: -(refunded === total ? base : shareOf(base, refunded, total)),
          rateBp: w.rate_bp,
          amount: -Math.min(share, amount - Number(w.reversed_vnd)),
        };
      })
      .filter((r) => r.base < 0 || r.amount < 0);
    if (rows.length === 0) return;
    await this.insertRows(manager, sellerOrderId, withheld[0].seller_id, 'reversal', await this.periodFor(manager, this.clock.now()), rows);
  }

  /** The rows (each once: ON CONFLICT DO NOTHING) and, for what was actually written, one ledger line per tax. */
  private async insertRows(
    manager: EntityManager,
    sellerOrderId: number,
    sellerId: number,
    entry: 'withheld' | 'reversal',
    period: string,
    rows: { kind: RevenueKind; tax: Tax; base: number; rateBp: number; amount: number }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const inserted = (await manager.query(
      `INSERT INTO tax_withholdings (seller_order_id, seller_id, entry, kind, tax, base_vnd, rate_bp, amount_vnd, period)
       SELECT $1, $2, $3, r.kind, r.tax, r.base, r.rate_bp, r.amount, $4::date
       FROM unnest($5::text[], $6::text[], $7::bigint[], $8::int[], $9::bigint[]) AS r(kind, tax, base, rate_bp, amount)
       ON CONFLICT DO NOTHING RETURNING tax, amount_vnd`,
      [
        sellerOrderId,
        sellerId,
        entry,
        period,
        rows.map((r) => r.kind),
        rows.map((r) => r.tax),
        rows.map((r) => r.base),
        rows.map((r) => r.rateBp),
        rows.map((r) => r.amount),
      ],
    )) as { tax: Tax; amount_vnd: number }[];
    const sum = (tax: Tax) => inserted.filter((r) => r.tax === tax).reduce((a, r) => a + Number(r.amount_vnd), 0);
    await this.payouts.recordTax(manager, { sellerId, sellerOrderId, entry, vatVnd: sum('vat'), pitVnd: sum('pit') });
  }
}
