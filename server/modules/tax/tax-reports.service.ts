import type { DataSource } from 'typeorm';
import type { Clock } from '../../lib/clock';
import { todayInVietnam } from '../../lib/dates';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import type { SellerType } from '../sellers';
import { TAX_DECLARATION_LOCK } from './tax.service';
import { WITHHELD_SELLER_TYPES, periodOf, type RevenueKind, type Tax } from './withholding-rules';
import { msg } from '../../rendering/i18n';

/**
 * What admins and sellers read of the tax withheld (Decree 117/2025/NĐ-CP): the monthly declaration,
 * the declared mark that freezes a month, and a seller's year. Read-only except `declare`.
 *
 * The figures of a month P come from `tax_withholdings` rows whose period is P:
 * - revenue, VAT and PIT: the rows withheld in P, net of the reversals in P of rows withheld in P
 *   (a refund in the same month offsets that month);
 * - adjustments: reversals in P of rows withheld in an earlier month (a refund after the month was
 *   over is a negative adjustment of the next declaration, never a change of the old one).
 * A declared month's rows never change: the tax service writes later events into an undeclared month.
 */

/** A seller's withholding rows with `adjustment` telling a reversal of an earlier month's row apart (alias t). */
const ROWS = `
  SELECT t.*, coalesce(t.entry = 'reversal' AND w.period < t.period, false) AS adjustment
  FROM tax_withholdings t
  LEFT JOIN tax_withholdings w ON t.entry = 'reversal' AND w.entry = 'withheld'
    AND w.seller_order_id = t.seller_order_id AND w.kind = t.kind AND w.tax = t.tax`;

/** The SUMs of one group of rows (alias r from ROWS): revenue counts once, on the VAT rows. */
const FIGURES = `
  coalesce(sum(r.base_vnd) FILTER (WHERE NOT r.adjustment AND r.tax = 'vat' AND r.kind = 'goods'), 0)::bigint AS "goodsVnd",
  coalesce(sum(r.base_vnd) FILTER (WHERE NOT r.adjustment AND r.tax = 'vat' AND r.kind = 'transport'), 0)::bigint AS "transportVnd",
  coalesce(sum(r.base_vnd) FILTER (WHERE NOT r.adjustment AND r.tax = 'vat' AND r.kind = 'service'), 0)::bigint AS "serviceVnd",
  coalesce(sum(r.amount_vnd) FILTER (WHERE NOT r.adjustment AND r.tax = 'vat'), 0)::bigint AS "vatVnd",
  coalesce(sum(r.amount_vnd) FILTER (WHERE NOT r.adjustment AND r.tax = 'pit'), 0)::bigint AS "pitVnd",
  coalesce(sum(r.amount_vnd) FILTER (WHERE r.adjustment AND r.tax = 'vat'), 0)::bigint AS "vatAdjustmentVnd",
  coalesce(sum(r.amount_vnd) FILTER (WHERE r.adjustment AND r.tax = 'pit'), 0)::bigint AS "pitAdjustmentVnd"`;

/** SQL twin of `isWithheld` (alias s). */
const WITHHELD_SQL = `(s.tax_withholding = 'withhold' OR s.tax_withholding = 'by_type' AND s.type = ANY('{${WITHHELD_SELLER_TYPES.join(',')}}'::text[]))`;
/** SQL twin of `payoutsWaitForIdentification` (alias s). */
const LACKS_ID_SQL = `${WITHHELD_SQL} AND nullif(s.tax_code, '') IS NULL AND nullif(s.citizen_id, '') IS NULL`;

export interface TaxFigures {
  goodsVnd: number;
  transportVnd: number;
  serviceVnd: number;
  vatVnd: number;
  pitVnd: number;
  vatAdjustmentVnd: number;
  pitAdjustmentVnd: number;
}

export interface DeclarationRow extends TaxFigures {
  sellerId: number;
  name: string;
  type: SellerType;
  commune: string;
  taxCode: string | null;
  citizenId: string | null;
}

export interface Declaration {
  /** YYYY-MM */
  month: string;
  /** YYYY-MM-01 */
  period: string;
  rows: DeclarationRow[];
  totals: TaxFigures;
  declaredAt: Date | null;
  /** Past months only may be declared. */
  declarable: boolean;
  /** Withheld sellers without a tax code or citizen ID (their payouts wait). */
  lackingIdentification: { sellerId: number; name: string; type: SellerType; commune: string; withheldThisMonth: boolean }[];
}

export interface SellerTaxYear {
  year: number;
  seller: {
    id: number;
    name: string;
    type: SellerType;
    address: string;
    commune: string;
    province: string;
    taxCode: string | null;
    citizenId: string | null;
  };
  withheld: boolean;
  months: (TaxFigures & { month: string })[];
  totals: TaxFigures;
  /** The yearly statement per tax: revenue and amount by kind and rate, net of reversals. */
  statements: { tax: Tax; lines: { kind: RevenueKind; rateBp: number; baseVnd: number; amountVnd: number }[]; baseVnd: number; amountVnd: number }[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

const toFigures = (row: Partial<Record<keyof TaxFigures, unknown>> | undefined): TaxFigures => ({
  goodsVnd: Number(row?.goodsVnd ?? 0),
  transportVnd: Number(row?.transportVnd ?? 0),
  serviceVnd: Number(row?.serviceVnd ?? 0),
  vatVnd: Number(row?.vatVnd ?? 0),
  pitVnd: Number(row?.pitVnd ?? 0),
  vatAdjustmentVnd: Number(row?.vatAdjustmentVnd ?? 0),
  pitAdjustmentVnd: Number(row?.pitAdjustmentVnd ?? 0),
});

/** 2026-11 → 2026-10 */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export class TaxReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Printed on a seller's statement: where the platform is. */
    readonly publicUrl: string,
  ) {}

  /** Today in Vietnam, YYYY-MM-DD. */
  today(): string {
    return todayInVietnam(this.clock.now());
  }

  /** The month running now in Vietnam, YYYY-MM. */
  currentMonth(): string {
    return periodOf(this.clock.now()).slice(0, 7);
  }

  /** What /admin/tax opens on: last month while it waits to be declared, otherwise the running month. */
  async defaultMonth(): Promise<string> {
    const current = this.currentMonth();
    const last = previousMonth(current);
    const [{ pending }] = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM tax_withholdings WHERE period = $1) AND NOT EXISTS (SELECT 1 FROM tax_declarations WHERE period = $1) AS pending`,
      [`${last}-01`],
    )) as { pending: boolean }[];
    return pending ? last : current;
  }

  /** A month given as YYYY-MM between 2000 and 2100, or a ValidationError with `message`. */
  parseMonth(value: unknown, message: string): string {
    const m = typeof value === 'string' ? MONTH.exec(value) : null;
    if (!m || Number(m[1]) < 2000 || Number(m[1]) > 2100) throw new ValidationError({ month: message }, message);
    return value as string;
  }

  async declaration(actor: Actor, month: string): Promise<Declaration> {
    assertAdmin(actor);
    const period = `${month}-01`;
    const q = this.dataSource;
    const [rows, [totals], [declared], lacking] = await Promise.all([
      q.query(
        `SELECT s.id AS "sellerId", s.name, s.type, s.commune, nullif(s.tax_code, '') AS "taxCode", nullif(s.citizen_id, '') AS "citizenId", ${FIGURES}
         FROM (${ROWS} WHERE t.period = $1) r JOIN sellers s ON s.id = r.seller_id
         GROUP BY s.id ORDER BY s.name, s.id`,
        [period],
      ) as Promise<DeclarationRow[]>,
      q.query(`SELECT ${FIGURES} FROM (${ROWS} WHERE t.period = $1) r`, [period]) as Promise<TaxFigures[]>,
      q.query(`SELECT declared_at AS "declaredAt" FROM tax_declarations WHERE period = $1`, [period]) as Promise<{ declaredAt: Date }[]>,
      q.query(
        `SELECT s.id AS "sellerId", s.name, s.type, s.commune,
                EXISTS (SELECT 1 FROM tax_withholdings t WHERE t.seller_id = s.id AND t.period = $1) AS "withheldThisMonth"
         FROM sellers s
         WHERE ${LACKS_ID_SQL}
           AND (s.status IN ('approved', 'suspended') OR EXISTS (SELECT 1 FROM tax_withholdings t WHERE t.seller_id = s.id AND t.period = $1))
         ORDER BY "withheldThisMonth" DESC, s.name, s.id`,
        [period],
      ) as Promise<Declaration['lackingIdentification']>,
    ]);
    return {
      month,
      period,
      rows: rows.map((r) => ({ ...r, ...toFigures(r) })),
      totals: toFigures(totals),
      declaredAt: declared?.declaredAt ?? null,
      declarable: month < this.currentMonth(),
      lackingIdentification: lacking,
    };
  }

  /**
   * Marks a past month declared, audited in the same transaction. Returns false when it already was
   * (declaring twice changes nothing). The current and future months cannot be declared yet.
   */
  async declare(actor: Actor, month: string, messages: { notPast: string }): Promise<{ declared: boolean; declaredAt: Date }> {
    assertAdmin(actor);
    if (month >= this.currentMonth()) throw new ValidationError({ month: messages.notPast }, messages.notPast);
    const period = `${month}-01`;
    return this.dataSource.transaction(async (manager) => {
      // Exclusive against the withholdings' shared lock: none of them can choose this month while it is frozen.
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [TAX_DECLARATION_LOCK]);
      const [inserted] = (await manager.query(
        `INSERT INTO tax_declarations (period, declared_by, declared_at) VALUES ($1, $2, $3)
         ON CONFLICT (period) DO NOTHING RETURNING declared_at AS "declaredAt"`,
        [period, actor.id, this.clock.now()],
      )) as { declaredAt: Date }[];
      if (!inserted) {
        const [existing] = (await manager.query(`SELECT declared_at AS "declaredAt" FROM tax_declarations WHERE period = $1`, [period])) as {
          declaredAt: Date;
        }[];
        return { declared: false, declaredAt: existing.declaredAt };
      }
      const [totals] = (await manager.query(`SELECT ${FIGURES}, count(DISTINCT r.seller_id)::int AS sellers FROM (${ROWS} WHERE t.period = $1) r`, [
        period,
      ])) as (TaxFigures & { sellers: number })[];
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'tax.declared',
        targetType: 'tax_period',
        targetId: month,
        details: { sellers: totals.sellers, ...toFigures(totals) },
      });
      return { declared: true, declaredAt: inserted.declaredAt };
    });
  }

  /** The seller's own year: approved or suspended (read-only) sellers only. */
  async sellerYear(actor: Actor, year: number): Promise<SellerTaxYear> {
    if (actor.role !== 'seller') throw new ForbiddenError();
    const [seller] = (await this.dataSource.query(
      `SELECT s.id, s.name, s.type, s.address, s.commune, s.province, s.status, nullif(s.tax_code, '') AS "taxCode",
              nullif(s.citizen_id, '') AS "citizenId", ${WITHHELD_SQL} AS withheld
       FROM sellers s WHERE s.owner_user_id = $1`,
      [actor.id],
    )) as (SellerTaxYear['seller'] & { status: string; withheld: boolean })[];
    if (!seller) throw new NotFoundError(msg('seller.error.noProfile'));
    if (seller.status !== 'approved' && seller.status !== 'suspended') throw new ForbiddenError(msg('tax.error.notApproved'));
    const from = `${year}-01-01`;
    const to = `${year}-12-01`;
    const [months, [totals], statementLines] = await Promise.all([
      this.dataSource.query(
        `SELECT to_char(r.period, 'YYYY-MM') AS month, ${FIGURES}
         FROM (${ROWS} WHERE t.seller_id = $1 AND t.period BETWEEN $2 AND $3) r GROUP BY r.period ORDER BY r.period`,
        [seller.id, from, to],
      ) as Promise<(TaxFigures & { month: string })[]>,
      this.dataSource.query(`SELECT ${FIGURES} FROM (${ROWS} WHERE t.seller_id = $1 AND t.period BETWEEN $2 AND $3) r`, [seller.id, from, to]) as Promise<
        TaxFigures[]
      >,
      this.dataSource.query(
        `SELECT tax, kind, rate_bp AS "rateBp", sum(base_vnd)::bigint AS "baseVnd", sum(amount_vnd)::bigint AS "amountVnd"
         FROM tax_withholdings WHERE seller_id = $1 AND period BETWEEN $2 AND $3
         GROUP BY tax, kind, rate_bp ORDER BY tax DESC, array_position('{goods,transport,service}'::text[], kind), rate_bp`,
        [seller.id, from, to],
      ) as Promise<{ tax: Tax; kind: RevenueKind; rateBp: number; baseVnd: number; amountVnd: number }[]>,
    ]);
    const { status: _status, withheld, ...identity } = seller;
    void _status;
    return {
      year,
      seller: identity,
      withheld,
      months: months.map((m) => ({ month: m.month, ...toFigures(m) })),
      totals: toFigures(totals),
      statements: (['vat', 'pit'] as const)
        .map((tax) => {
          const lines = statementLines.filter((l) => l.tax === tax).map(({ kind, rateBp, baseVnd, amountVnd }) => ({ kind, rateBp, baseVnd, amountVnd }));
          return { tax, lines, baseVnd: lines.reduce((a, l) => a + l.baseVnd, 0), amountVnd: lines.reduce((a, l) => a + l.amountVnd, 0) };
        })
        .filter((s) => s.lines.length > 0),
    };
  }
}
