import type { DataSource } from 'typeorm';
import type { Clock } from '../../lib/clock';
import { todayInVietnam } from '../../lib/dates';
import { assertAdmin, type Actor } from '../accounts';
import { LISTED } from '../catalog';
import { addIsoDays, type ReportPeriod } from './reports.schemas';

/**
 * Figures for the back office and the province (Sở Công Thương). Read-only, raw SQL; every method
 * checks that the actor is an admin. Days are Vietnam's calendar days (Asia/Ho_Chi_Minh).
 *
 * Two money figures, on purpose:
 * - Collected revenue (dashboard): Σ (orders.total_vnd − orders.refunded_amount_vnd) over orders
 *   with paid_at in the window and status paid, completed or refunded — what buyers paid for the
 *   order (goods + shipping) minus what went back to them. A fully refunded order adds 0.
 * - Sales (province report, and the dashboard's breakdowns by stars and commune): Σ order_items.line_total_vnd
 *   of the cooperatives' parts that were paid and not cancelled (seller_orders.status to_ship,
 *   shipped or delivered) in orders with status paid or completed whose paid_at is in the period.
 *   Goods only, no shipping; a part a cooperative cancelled and an order refunded as a whole do not count.
 */

const TZ = 'Asia/Ho_Chi_Minh';

/** Start of a calendar day (a YYYY-MM-DD parameter) in Vietnam, as an instant. */
const dayStart = (param: string) => `(${param}::date::timestamp AT TIME ZONE '${TZ}')`;
const dayEnd = (param: string) => `((${param}::date + 1)::timestamp AT TIME ZONE '${TZ}')`;

/** Orders whose money counts in the collected revenue. */
const COLLECTED_STATUSES = ['paid', 'completed', 'refunded'];

/** The rows a sale is made of (aliases o, so), for orders paid between the days $1 and $2. */
const SALE_FROM = `orders o JOIN seller_orders so ON so.order_id = o.id`;
const SALE_WHERE = `o.status IN ('paid', 'completed') AND so.status IN ('to_ship', 'shipped', 'delivered')
  AND o.paid_at >= ${dayStart('$1')} AND o.paid_at < ${dayEnd('$2')}`;

export const STAR_BUCKETS = ['5', '4', '3', 'unverified', 'none'] as const;
export type StarBucket = (typeof STAR_BUCKETS)[number];
export const STAR_BUCKET_LABELS: Record<StarBucket, string> = {
  '5': '5 sao',
  '4': '4 sao',
  '3': '3 sao',
  unverified: 'Chưa xác minh hoặc hết hạn',
  none: 'Không sao',
};

/**
 * A product's stars on a given day (alias p): its stars only if an admin verified the certificate
 * and the day falls inside its 36 months; a claim that is unverified or expired is "unverified";
 * no claim at all is "none".
 */
function starBucketOn(day: string): string {
  return `CASE WHEN p.ocop_stars IS NULL THEN 'none'
    WHEN p.ocop_verified AND p.ocop_decision_date <= ${day} AND p.ocop_valid_until >= ${day} THEN p.ocop_stars::text
    ELSE 'unverified' END`;
}

const PAID_DAY = `(o.paid_at AT TIME ZONE '${TZ}')::date`;

export interface DashboardWindow {
  key: 'today' | '7d' | '30d';
  label: string;
  /** First day of the window (the last is today). */
  from: string;
  ordersPlaced: number;
  ordersPaid: number;
  collectedVnd: number;
}

export interface Dashboard {
  today: string;
  windows: DashboardWindow[];
  pendingSellers: number;
  flaggedOrders: number;
  flaggedPayments: number;
  /** Collected revenue per day, and the part of it taken at market-day stalls (orders of channel 'stall'). */
  collectedByDay: { day: string; collectedVnd: number; stallVnd: number }[];
  /** Paid orders of the last 30 days holding at least one product of each star bucket. */
  ordersByStars: { bucket: StarBucket; label: string; orders: number }[];
  /** The ten communes with the most sales in the last 30 days. */
  topCommunes: { commune: string; orders: number; salesVnd: number }[];
}

export interface ProvinceReport {
  period: ReportPeriod;
  /** The day "online now" and certificate validity were judged on. */
  asOf: string;
  productsByGroup: { code: string; name: string; nameEn: string; products: number }[];
  productsByStars: { bucket: StarBucket; label: string; products: number }[];
  productsByCommune: { commune: string; products: number; sellers: number }[];
  salesByCommune: { commune: string; orders: number; quantity: number; salesVnd: number }[];
  salesByStars: { bucket: StarBucket; label: string; orders: number; quantity: number; salesVnd: number }[];
  cooperativesByCommune: { commune: string; active: number; selling: number }[];
  /** Tax withheld from household sellers (Decree 117/2025) in the period, net of reversals, by the seller's commune. */
  taxByCommune: TaxByCommune[];
  /** Market days that started in the period, with their stall sales. */
  marketDays: MarketDaySales[];
  /** Community digital teams: the households they onboarded and assist, and what those sold. */
  digitalTeams: DigitalTeamFigures[];
  totals: {
    productsOnline: number;
    approvedSellers: number;
    activeSellers: number;
    /** Cooperatives with at least one counted sale in the period, whatever their status today. */
    sellingSellers: number;
    orders: number;
    quantity: number;
    salesVnd: number;
  };
}

/**
 * One community digital team (tổ công nghệ số cộng đồng). Households: sellers whose
 * onboarded_by_team_id is the team, judged today (approved; with a listed product). Sales: the
 * province report's sales of those households in the period. Fulfilled: their distinct seller orders
 * that moved to shipped or delivered in the period by a user who was a member of the team at that
 * moment (still a member today or not) for a household the team assisted at that moment (a grant
 * in team_households not yet revoked then).
 */
export interface DigitalTeamFigures {
  name: string;
  commune: string;
  households: number;
  approved: number;
  listing: number;
  salesVnd: number;
  fulfilled: number;
}

/**
 * One market day's stall sales. Sales follow the province report's definition (goods of paid, not
 * cancelled parts of orders paid or completed), restricted to orders of channel 'stall' rung up at
 * this market day, whenever they were paid. Every stall sale is a bank transfer, so the cashless
 * measure is adoption: the share of the day's stalls that took at least one such sale.
 */
export interface MarketDaySales {
  name: string;
  /** First day (Vietnam), YYYY-MM-DD. */
  day: string;
  commune: string;
  stalls: number;
  /** Stalls with at least one counted (paid) stall sale. */
  sellingStalls: number;
  sales: number;
  salesVnd: number;
}

/** Paid stall sales: count and sum (goods; a stall sale has no shipping). */
export interface StallTakings {
  sales: number;
  totalVnd: number;
}

export interface TaxByCommune {
  commune: string;
  sellers: number;
  revenueVnd: number;
  vatVnd: number;
  pitVnd: number;
}

/** bigint arrives as a number (see parseBigint in server/db/data-source.ts); a sum over no rows is null. */
const toNumber = (v: unknown) => Number(v ?? 0);

function byBucket<T extends { bucket: string }>(rows: T[], empty: (bucket: StarBucket) => T): T[] {
  return STAR_BUCKETS.map((bucket) => rows.find((r) => r.bucket === bucket) ?? empty(bucket));
}

export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    /** The dashboard's and the province report's heavy reads: a replica when DATABASE_READ_URL is set (they may lag it). */
    private readonly reader: DataSource = dataSource,
  ) {}

  /** Today's date in Vietnam, YYYY-MM-DD. */
  today(): string {
    return todayInVietnam(this.clock.now());
  }

  /**
   * A seller's paid stall sales of today (Vietnam time, by paid_at): what the till took. Counted like
   * sales (orders paid or completed, the part not cancelled); a refunded sale drops out.
   */
  async stallTakingsToday(sellerId: number): Promise<StallTakings> {
    const today = this.today();
    const [row] = (await this.dataSource.query(
      `SELECT count(DISTINCT o.id)::int AS sales, coalesce(sum(so.total_vnd), 0)::bigint AS "totalVnd"
       FROM ${SALE_FROM}
       WHERE so.seller_id = $3 AND o.channel = 'stall' AND ${SALE_WHERE}`,
      [today, today, sellerId],
    )) as { sales: number; totalVnd: number }[];
    return { sales: row.sales, totalVnd: toNumber(row.totalVnd) };
  }

  async dashboard(actor: Actor): Promise<Dashboard> {
    assertAdmin(actor);
    const today = this.today();
    const from30 = addIsoDays(today, -29);
    const q = this.reader;
    const [windows, [counts], byDay, byStars, communes] = await Promise.all([
      q.query(
        `SELECT v.key,
           (SELECT count(*)::int FROM orders o WHERE o.created_at >= w.start AND o.created_at < w.stop) AS "ordersPlaced",
           (SELECT count(*)::int FROM orders o WHERE o.status = ANY($2) AND o.paid_at >= w.start AND o.paid_at < w.stop) AS "ordersPaid",
           (SELECT coalesce(sum(o.total_vnd - o.refunded_amount_vnd), 0)::bigint FROM orders o
             WHERE o.status = ANY($2) AND o.paid_at >= w.start AND o.paid_at < w.stop) AS "collectedVnd"
         FROM (VALUES ('today', 0), ('7d', 6), ('30d', 29)) AS v(key, back)
         CROSS JOIN LATERAL (SELECT (($1::date - v.back)::timestamp AT TIME ZONE '${TZ}') AS start, ${dayEnd('$1')} AS stop) w`,
        [today, COLLECTED_STATUSES],
      ) as Promise<{ key: DashboardWindow['key']; ordersPlaced: number; ordersPaid: number; collectedVnd: number }[]>,
      q.query(
        `SELECT (SELECT count(*)::int FROM sellers WHERE status = 'pending') AS "pendingSellers",
                (SELECT count(*)::int FROM orders WHERE needs_review) AS "flaggedOrders",
                (SELECT count(*)::int FROM payments WHERE order_id IS NULL AND outcome = 'flagged') AS "flaggedPayments"`,
      ) as Promise<{ pendingSellers: number; flaggedOrders: number; flaggedPayments: number }[]>,
      q.query(
        `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(r.collected, 0)::bigint AS "collectedVnd", coalesce(r.stall, 0)::bigint AS "stallVnd"
         FROM generate_series($1::date::timestamp, $2::date::timestamp, interval '1 day') AS d(day)
         LEFT JOIN (
           SELECT ${PAID_DAY} AS day, sum(o.total_vnd - o.refunded_amount_vnd) AS collected,
                  sum(o.total_vnd - o.refunded_amount_vnd) FILTER (WHERE o.channel = 'stall') AS stall
           FROM orders o WHERE o.status = ANY($3) AND o.paid_at >= ${dayStart('$1')} AND o.paid_at < ${dayEnd('$2')}
           GROUP BY 1
         ) r ON r.day = d.day::date
         ORDER BY d.day`,
        [from30, today, COLLECTED_STATUSES],
      ) as Promise<{ day: string; collectedVnd: number; stallVnd: number }[]>,
      q.query(
        `SELECT ${starBucketOn(PAID_DAY)} AS bucket, count(DISTINCT o.id)::int AS orders
         FROM ${SALE_FROM} JOIN order_items i ON i.seller_order_id = so.id JOIN products p ON p.id = i.product_id
         WHERE ${SALE_WHERE} GROUP BY 1`,
        [from30, today],
      ) as Promise<{ bucket: StarBucket; orders: number }[]>,
      q.query(
        `SELECT s.commune, count(DISTINCT o.id)::int AS orders, sum(i.line_total_vnd)::bigint AS "salesVnd"
         FROM ${SALE_FROM} JOIN sellers s ON s.id = so.seller_id JOIN order_items i ON i.seller_order_id = so.id
         WHERE ${SALE_WHERE} GROUP BY s.commune ORDER BY "salesVnd" DESC, s.commune LIMIT 10`,
        [from30, today],
      ) as Promise<{ commune: string; orders: number; salesVnd: number }[]>,
    ]);
    const labels = { today: 'Hôm nay', '7d': '7 ngày qua', '30d': '30 ngày qua' } as const;
    const backs = { today: 0, '7d': -6, '30d': -29 } as const;
    return {
      today,
      windows: windows.map((w) => ({ ...w, label: labels[w.key], from: addIsoDays(today, backs[w.key]), collectedVnd: toNumber(w.collectedVnd) })),
      ...counts,
      collectedByDay: byDay.map((d) => ({ day: d.day, collectedVnd: toNumber(d.collectedVnd), stallVnd: toNumber(d.stallVnd) })),
      ordersByStars: byBucket(byStars, (bucket) => ({ bucket, orders: 0 })).map((r) => ({ ...r, label: STAR_BUCKET_LABELS[r.bucket] })),
      topCommunes: communes.map((c) => ({ ...c, salesVnd: toNumber(c.salesVnd) })),
    };
  }

  /**
   * The province report. "Online" is judged today: an active product of an approved cooperative.
   * Sales follow the definition at the top of this file; an order counts in the period by its paid_at.
   */
  async provinceReport(actor: Actor, period: ReportPeriod): Promise<ProvinceReport> {
    assertAdmin(actor);
    const asOf = this.today();
    const q = this.reader;
    const online = `products p JOIN sellers s ON s.id = p.seller_id WHERE ${LISTED}`;
    const sale = [period.from, period.to];
    const [groups, stars, productCommunes, salesCommunes, salesStars, cooperatives, [totals], tax, marketDays, teams] = await Promise.all([
      q.query(
        `SELECT g.code, g.name_vi AS name, g.name_en AS "nameEn", count(p.id)::int AS products
         FROM categories g
         LEFT JOIN (products p JOIN sellers s ON s.id = p.seller_id JOIN categories c ON c.id = p.category_id)
           ON ${LISTED} AND split_part(c.code, '.', 1) = g.code
         WHERE g.level = 1
         GROUP BY g.code, g.name_vi, g.name_en, g.position ORDER BY g.position`,
      ) as Promise<ProvinceReport['productsByGroup']>,
      q.query(`SELECT ${starBucketOn('$1::date')} AS bucket, count(*)::int AS products FROM ${online} GROUP BY 1`, [asOf]) as Promise<
        { bucket: StarBucket; products: number }[]
      >,
      q.query(
        `SELECT s.commune, count(*)::int AS products, count(DISTINCT s.id)::int AS sellers FROM ${online}
         GROUP BY s.commune ORDER BY products DESC, s.commune`,
      ) as Promise<ProvinceReport['productsByCommune']>,
      q.query(
        `SELECT s.commune, count(DISTINCT o.id)::int AS orders, sum(i.quantity)::int AS quantity, sum(i.line_total_vnd)::bigint AS "salesVnd"
         FROM ${SALE_FROM} JOIN sellers s ON s.id = so.seller_id JOIN order_items i ON i.seller_order_id = so.id
         WHERE ${SALE_WHERE} GROUP BY s.commune ORDER BY "salesVnd" DESC, s.commune`,
        sale,
      ) as Promise<(Omit<ProvinceReport['salesByCommune'][number], 'salesVnd'> & { salesVnd: number })[]>,
      q.query(
        `SELECT ${starBucketOn(PAID_DAY)} AS bucket, count(DISTINCT o.id)::int AS orders, sum(i.quantity)::int AS quantity,
                sum(i.line_total_vnd)::bigint AS "salesVnd"
         FROM ${SALE_FROM} JOIN order_items i ON i.seller_order_id = so.id JOIN products p ON p.id = i.product_id
         WHERE ${SALE_WHERE} GROUP BY 1`,
        sale,
      ) as Promise<{ bucket: StarBucket; orders: number; quantity: number; salesVnd: number }[]>,
      q.query(
        `WITH active AS (
           SELECT s.id FROM sellers s
           WHERE EXISTS (SELECT 1 FROM products p WHERE p.seller_id = s.id AND ${LISTED})
         ), selling AS (
           SELECT DISTINCT so.seller_id AS id FROM ${SALE_FROM} WHERE ${SALE_WHERE}
         )
         SELECT s.commune, count(a.id)::int AS active, count(sel.id)::int AS selling
         FROM sellers s LEFT JOIN active a ON a.id = s.id LEFT JOIN selling sel ON sel.id = s.id
         WHERE a.id IS NOT NULL OR sel.id IS NOT NULL
         GROUP BY s.commune ORDER BY active DESC, selling DESC, s.commune`,
        sale,
      ) as Promise<ProvinceReport['cooperativesByCommune']>,
      q.query(
        `SELECT (SELECT count(*)::int FROM ${online}) AS "productsOnline",
                (SELECT count(*)::int FROM sellers WHERE status = 'approved') AS "approvedSellers",
                (SELECT count(*)::int FROM sellers s
                   WHERE EXISTS (SELECT 1 FROM products p WHERE p.seller_id = s.id AND ${LISTED})) AS "activeSellers",
                t.*
         FROM (SELECT count(DISTINCT so.seller_id)::int AS "sellingSellers", count(DISTINCT o.id)::int AS orders,
                      coalesce(sum(i.quantity), 0)::int AS quantity, coalesce(sum(i.line_total_vnd), 0)::bigint AS "salesVnd"
               FROM ${SALE_FROM} JOIN order_items i ON i.seller_order_id = so.id WHERE ${SALE_WHERE}) t`,
        sale,
      ) as Promise<(Omit<ProvinceReport['totals'], 'salesVnd'> & { salesVnd: number })[]>,
      // Withheld and reversed when it happened (created_at), whatever month it is declared in.
      q.query(
        `SELECT s.commune, count(DISTINCT t.seller_id)::int AS sellers,
                coalesce(sum(t.base_vnd) FILTER (WHERE t.tax = 'vat'), 0)::bigint AS "revenueVnd",
                coalesce(sum(t.amount_vnd) FILTER (WHERE t.tax = 'vat'), 0)::bigint AS "vatVnd",
                coalesce(sum(t.amount_vnd) FILTER (WHERE t.tax = 'pit'), 0)::bigint AS "pitVnd"
         FROM tax_withholdings t JOIN sellers s ON s.id = t.seller_id
         WHERE t.created_at >= ${dayStart('$1')} AND t.created_at < ${dayEnd('$2')}
         GROUP BY s.commune ORDER BY sum(t.amount_vnd) DESC, s.commune`,
        sale,
      ) as Promise<TaxByCommune[]>,
      q.query(
        `SELECT md.name, to_char((md.starts_at AT TIME ZONE '${TZ}')::date, 'YYYY-MM-DD') AS day, md.commune,
                (SELECT count(*)::int FROM market_day_stalls st WHERE st.market_day_id = md.id) AS stalls,
                coalesce(x.selling, 0)::int AS "sellingStalls", coalesce(x.sales, 0)::int AS sales, coalesce(x.sales_vnd, 0)::bigint AS "salesVnd"
         FROM market_days md
         LEFT JOIN LATERAL (
           SELECT count(DISTINCT so.seller_id) FILTER (WHERE EXISTS (
                    SELECT 1 FROM market_day_stalls st WHERE st.market_day_id = md.id AND st.seller_id = so.seller_id)) AS selling, count(DISTINCT o.id) AS sales, sum(i.line_total_vnd) AS sales_vnd
           FROM ${SALE_FROM} JOIN order_items i ON i.seller_order_id = so.id
           WHERE o.market_day_id = md.id AND o.channel = 'stall'
             AND o.status IN ('paid', 'completed') AND so.status IN ('to_ship', 'shipped', 'delivered')
         ) x ON true
         WHERE md.starts_at >= ${dayStart('$1')} AND md.starts_at < ${dayEnd('$2')}
         ORDER BY md.starts_at, md.name`,
        sale,
      ) as Promise<MarketDaySales[]>,
      q.query(
        `SELECT t.name, t.commune,
                (SELECT count(*)::int FROM sellers s WHERE s.onboarded_by_team_id = t.id) AS households,
                (SELECT count(*)::int FROM sellers s WHERE s.onboarded_by_team_id = t.id AND s.status = 'approved') AS approved,
                (SELECT count(*)::int FROM sellers s WHERE s.onboarded_by_team_id = t.id
                   AND EXISTS (SELECT 1 FROM products p WHERE p.seller_id = s.id AND ${LISTED})) AS listing,
                (SELECT coalesce(sum(i.line_total_vnd), 0)::bigint
                   FROM ${SALE_FROM} JOIN sellers s ON s.id = so.seller_id JOIN order_items i ON i.seller_order_id = so.id
                   WHERE ${SALE_WHERE} AND s.onboarded_by_team_id = t.id) AS "salesVnd",
                (SELECT count(DISTINCT e.seller_order_id)::int
                   FROM order_events e JOIN seller_orders so ON so.id = e.seller_order_id
                   WHERE e.to_status IN ('shipped', 'delivered')
                     AND e.created_at >= ${dayStart('$1')} AND e.created_at < ${dayEnd('$2')}
                     AND EXISTS (SELECT 1 FROM digital_team_members m
                                 WHERE m.team_id = t.id AND m.user_id = e.actor_user_id
                                   AND m.added_at <= e.created_at AND (m.removed_at IS NULL OR m.removed_at > e.created_at))
                     AND EXISTS (SELECT 1 FROM team_households th
                                 WHERE th.team_id = t.id AND th.seller_id = so.seller_id
                                   AND th.granted_at <= e.created_at AND (th.revoked_at IS NULL OR th.revoked_at > e.created_at))) AS fulfilled
         FROM digital_teams t
         ORDER BY t.commune, t.name, t.id`,
        sale,
      ) as Promise<DigitalTeamFigures[]>,
    ]);
    return {
      period,
      asOf,
      productsByGroup: groups,
      productsByStars: byBucket(stars, (bucket) => ({ bucket, products: 0 })).map((r) => ({ ...r, label: STAR_BUCKET_LABELS[r.bucket] })),
      productsByCommune: productCommunes,
      salesByCommune: salesCommunes.map((r) => ({ ...r, salesVnd: toNumber(r.salesVnd) })),
      salesByStars: byBucket(salesStars, (bucket) => ({ bucket, orders: 0, quantity: 0, salesVnd: 0 })).map((r) => ({
        ...r,
        label: STAR_BUCKET_LABELS[r.bucket],
        salesVnd: toNumber(r.salesVnd),
      })),
      cooperativesByCommune: cooperatives,
      taxByCommune: tax,
      marketDays: marketDays.map((m) => ({ ...m, salesVnd: toNumber(m.salesVnd) })),
      digitalTeams: teams.map((t) => ({ ...t, salesVnd: toNumber(t.salesVnd) })),
      totals: { ...totals, salesVnd: toNumber(totals.salesVnd) },
    };
  }
}
