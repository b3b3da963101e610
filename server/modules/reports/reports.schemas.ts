import { z } from 'zod';
import { formatDate, isCalendarDay } from '../../lib/dates';
import { msg } from '../../rendering/i18n';

/** The tables of the province report, each downloadable as /admin/reports.csv?table=<key>. */
export const REPORT_TABLES = [
  'products-by-group',
  'products-by-stars',
  'products-by-commune',
  'sales-by-commune',
  'sales-by-stars',
  'cooperatives',
  'tax-by-commune',
  'market-day-sales',
  'digital-teams',
] as const;
export type ReportTableKey = (typeof REPORT_TABLES)[number];

/** The longest period one report covers: a year, leap day included. */
export const MAX_PERIOD_DAYS = 366;

// CASE: an empty date box in the filter form arrives as "" — the same as not given.
const optionalDay = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z.string().refine(isCalendarDay, 'Ngày phải có dạng năm-tháng-ngày và có thật.').optional(),
);

/** Query of /admin/reports; other parameters are ignored, like on every other list page. */
export const reportQuerySchema = z.object({ from: optionalDay, to: optionalDay });

export const reportTableQuerySchema = z.object({ table: z.enum(REPORT_TABLES) });

export interface ReportPeriod {
  /** First day, YYYY-MM-DD, in Vietnam's calendar. */
  from: string;
  /** Last day, inclusive. */
  to: string;
  label: string;
  isDefault: boolean;
  /** Set when the query asked for something unusable and the default period is shown instead. */
  notice?: string;
  /** The same notice as a message token (report.period.*), for the page in the reader's language. */
  noticeToken?: string;
}

/** 2026-11-30 + 1 → 2026-12-01, on calendar days (no time zone involved). */
export function addIsoDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function monthOf(day: string): { from: string; to: string } {
  const [y, m] = day.split('-').map(Number);
  return { from: `${day.slice(0, 7)}-01`, to: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

function period(from: string, to: string, isDefault: boolean, notice?: { text: string; token: string }): ReportPeriod {
  return { from, to, label: `${formatDate(from)} – ${formatDate(to)}`, isDefault, ...(notice ? { notice: notice.text, noticeToken: notice.token } : {}) };
}

/**
 * The period a report covers. Nothing given → the current month (Vietnam time); only `to` → from
 * the first of its month; only `from` → up to today (or `from` itself if it is later). Anything
 * unusable falls back to the current month with a notice, never an error page.
 */
export function resolvePeriod(query: unknown, today: string): ReportPeriod {
  const month = monthOf(today);
  const fallback = (text: string, token: string) => period(month.from, month.to, true, { text, token });
  const parsed = reportQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    return fallback(
      'Ngày trong bộ lọc không hợp lệ (cần dạng năm-tháng-ngày, ví dụ 2026-11-01). Đang hiển thị số liệu tháng này.',
      msg('report.period.badDate'),
    );
  }
  const { from, to } = parsed.data;
  if (!from && !to) return period(month.from, month.to, true);
  const start = from ?? monthOf(to!).from;
  const end = to ?? (start > today ? start : today);
  if (start > end) return fallback('Ngày bắt đầu sau ngày kết thúc. Đang hiển thị số liệu tháng này.', msg('report.period.reversed'));
  if (daysBetween(start, end) + 1 > MAX_PERIOD_DAYS) {
    return fallback(`Mỗi báo cáo tối đa ${MAX_PERIOD_DAYS} ngày. Đang hiển thị số liệu tháng này.`, msg('report.period.tooLong', { days: MAX_PERIOD_DAYS }));
  }
  return period(start, end, false);
}
