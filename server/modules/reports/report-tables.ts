import { toCsv, type CsvCell } from '../../lib/csv';
import { formatDate } from '../../lib/dates';
import { formatVnd } from '../../lib/money';
import type { ChartSpec } from '../../rendering/charts';
import { translate, type Language, type MessageKey } from '../../rendering/i18n';
import type { ReportTableKey } from './reports.schemas';
import type { Dashboard, ProvinceReport } from './reports.service';

/**
 * The province report as tables: the same rows feed the HTML page and the CSV download, so the
 * two can never disagree. Numbers stay raw here (money in whole đồng); only the page formats them.
 */

export type CellKind = 'text' | 'count' | 'vnd' | 'percent';

export interface ReportColumn {
  label: string;
  kind: CellKind;
  /** Header in the CSV when it differs (units spelled out for spreadsheets). */
  csvLabel?: string;
}

export type ReportCell = string | number;

export interface ReportTable {
  key: ReportTableKey;
  title: string;
  note: string;
  columns: ReportColumn[];
  rows: ReportCell[][];
  total: ReportCell[] | null;
  chart: ChartSpec;
}

const sum = <T>(rows: T[], pick: (row: T) => number) => rows.reduce((a, r) => a + pick(r), 0);

/** part / whole as a percentage with one decimal (0 when there is no whole). */
const share = (part: number, whole: number) => (whole > 0 ? Math.round((part * 1000) / whole) / 10 : 0);

/**
 * The tables in `lang` (titles, notes, column labels, star buckets). The CSV downloads always use
 * the Vietnamese tables: their headers are the documented file format.
 */
export function reportTables(r: ProvinceReport, lang: Language = 'vi'): ReportTable[] {
  const t = (key: MessageKey, params?: Record<string, unknown>) => translate(lang, key, params);
  const TOTAL = t('report.total');
  const COMMUNE: ReportColumn = { label: t('report.col.commune'), kind: 'text' };
  const STARS: ReportColumn = { label: t('report.col.stars'), kind: 'text' };
  const SALES: ReportColumn = { label: t('report.col.sales'), kind: 'vnd', csvLabel: t('report.col.salesCsv') };
  const star = (bucket: string) => t(`report.stars.${bucket}` as MessageKey);
  const asOf = formatDate(r.asOf);
  const saleNote = t('report.saleNote');
  const tables: ReportTable[] = [
    {
      key: 'products-by-group',
      title: t('report.byGroup.title'),
      note: t('report.byGroup.note', { asOf }),
      columns: [
        { label: t('report.col.groupCode'), kind: 'text' },
        { label: t('report.col.group'), kind: 'text' },
        { label: t('report.col.products'), kind: 'count' },
      ],
      rows: r.productsByGroup.map((g) => [g.code, lang === 'en' && g.nameEn ? g.nameEn : g.name, g.products]),
      total: ['', TOTAL, sum(r.productsByGroup, (g) => g.products)],
      chart: {
        kind: 'bar',
        title: t('report.byGroup.chart'),
        unit: t('report.unit.products'),
        data: r.productsByGroup.map((g) => ({ label: `${g.code}. ${lang === 'en' && g.nameEn ? g.nameEn : g.name}`, value: g.products })),
      },
    },
    {
      key: 'products-by-stars',
      title: t('report.byStars.title'),
      note: t('report.byStars.note', { asOf }),
      columns: [STARS, { label: t('report.col.products'), kind: 'count' }],
      rows: r.productsByStars.map((s) => [star(s.bucket), s.products]),
      total: [TOTAL, sum(r.productsByStars, (s) => s.products)],
      chart: {
        kind: 'bar',
        title: t('report.byStars.chart'),
        unit: t('report.unit.products'),
        data: r.productsByStars.map((s) => ({ label: star(s.bucket), value: s.products })),
      },
    },
    {
      key: 'products-by-commune',
      title: t('report.byCommune.title'),
      note: t('report.byCommune.note', { asOf }),
      columns: [COMMUNE, { label: t('report.col.products'), kind: 'count' }, { label: t('report.col.sellersWithProducts'), kind: 'count' }],
      rows: r.productsByCommune.map((c) => [c.commune, c.products, c.sellers]),
      total: [TOTAL, sum(r.productsByCommune, (c) => c.products), sum(r.productsByCommune, (c) => c.sellers)],
      chart: {
        kind: 'bar',
        title: t('report.byCommune.title'),
        unit: t('report.unit.products'),
        data: r.productsByCommune.map((c) => ({ label: c.commune, value: c.products })),
      },
    },
    {
      key: 'sales-by-commune',
      title: t('report.salesByCommune.title'),
      note: t('report.salesByCommune.note', { saleNote }),
      columns: [COMMUNE, { label: t('report.col.orders'), kind: 'count' }, { label: t('report.col.quantity'), kind: 'count' }, SALES],
      rows: r.salesByCommune.map((c) => [c.commune, c.orders, c.quantity, c.salesVnd]),
      total: [TOTAL, r.totals.orders, r.totals.quantity, r.totals.salesVnd],
      chart: {
        kind: 'bar',
        title: t('report.salesByCommune.chart'),
        format: 'vnd',
        data: r.salesByCommune.map((c) => ({ label: c.commune, value: c.salesVnd })),
      },
    },
    {
      key: 'sales-by-stars',
      title: t('report.salesByStars.title'),
      note: t('report.salesByStars.note', { saleNote }),
      columns: [STARS, { label: t('report.col.orders'), kind: 'count' }, { label: t('report.col.quantity'), kind: 'count' }, SALES],
      rows: r.salesByStars.map((s) => [star(s.bucket), s.orders, s.quantity, s.salesVnd]),
      total: [TOTAL, r.totals.orders, r.totals.quantity, r.totals.salesVnd],
      chart: {
        kind: 'bar',
        title: t('report.salesByStars.chart'),
        format: 'vnd',
        data: r.salesByStars.map((s) => ({ label: star(s.bucket), value: s.salesVnd })),
      },
    },
    {
      key: 'cooperatives',
      title: t('report.coops.title'),
      note: t('report.coops.note', { asOf }),
      columns: [COMMUNE, { label: t('report.col.activeCoops'), kind: 'count' }, { label: t('report.col.sellingCoops'), kind: 'count' }],
      rows: r.cooperativesByCommune.map((c) => [c.commune, c.active, c.selling]),
      total: [TOTAL, r.totals.activeSellers, r.totals.sellingSellers],
      chart: {
        kind: 'bar',
        title: t('report.coops.chart'),
        unit: t('report.unit.coops'),
        data: r.cooperativesByCommune.map((c) => ({ label: c.commune, value: c.active })),
      },
    },
    {
      key: 'tax-by-commune',
      title: t('report.tax.title'),
      note: t('report.tax.note'),
      columns: [
        COMMUNE,
        { label: t('report.col.taxedSellers'), kind: 'count' },
        { label: t('report.col.taxableRevenue'), kind: 'vnd', csvLabel: t('report.col.taxableRevenueCsv') },
        { label: t('report.col.vat'), kind: 'vnd', csvLabel: t('report.col.vatCsv') },
        { label: t('report.col.pit'), kind: 'vnd', csvLabel: t('report.col.pitCsv') },
      ],
      rows: r.taxByCommune.map((c) => [c.commune, c.sellers, c.revenueVnd, c.vatVnd, c.pitVnd]),
      total: [
        TOTAL,
        sum(r.taxByCommune, (c) => c.sellers),
        sum(r.taxByCommune, (c) => c.revenueVnd),
        sum(r.taxByCommune, (c) => c.vatVnd),
        sum(r.taxByCommune, (c) => c.pitVnd),
      ],
      chart: {
        kind: 'bar',
        title: t('report.tax.title'),
        format: 'vnd',
        data: r.taxByCommune.map((c) => ({ label: c.commune, value: c.vatVnd + c.pitVnd })),
      },
    },
    {
      key: 'market-day-sales',
      title: t('report.market.title'),
      note: t('report.market.note'),
      columns: [
        { label: t('report.col.marketDay'), kind: 'text' },
        { label: t('report.col.day'), kind: 'text' },
        COMMUNE,
        { label: t('report.col.stalls'), kind: 'count' },
        { label: t('report.col.stallSales'), kind: 'count' },
        SALES,
        { label: t('report.col.cashless'), kind: 'percent', csvLabel: t('report.col.cashlessCsv') },
      ],
      rows: r.marketDays.map((m) => [m.name, formatDate(m.day), m.commune, m.stalls, m.sales, m.salesVnd, share(m.sellingStalls, m.stalls)]),
      total: [
        TOTAL,
        '',
        '',
        sum(r.marketDays, (m) => m.stalls),
        sum(r.marketDays, (m) => m.sales),
        sum(r.marketDays, (m) => m.salesVnd),
        share(
          sum(r.marketDays, (m) => m.sellingStalls),
          sum(r.marketDays, (m) => m.stalls),
        ),
      ],
      chart: {
        kind: 'bar',
        title: t('report.market.chart'),
        format: 'vnd',
        data: r.marketDays.map((m) => ({ label: `${m.name} (${formatDate(m.day)})`, value: m.salesVnd })),
      },
    },
    {
      key: 'digital-teams',
      title: t('report.teams.title'),
      note: t('report.teams.note', { asOf, saleNote: t('report.saleNoteLower') }),
      columns: [
        { label: t('report.col.team'), kind: 'text' },
        COMMUNE,
        { label: t('report.col.households'), kind: 'count' },
        { label: t('report.col.householdsApproved'), kind: 'count' },
        { label: t('report.col.householdsListing'), kind: 'count' },
        SALES,
        { label: t('report.col.teamFulfilled'), kind: 'count' },
      ],
      rows: r.digitalTeams.map((t) => [t.name, t.commune, t.households, t.approved, t.listing, t.salesVnd, t.fulfilled]),
      total: [
        TOTAL,
        '',
        sum(r.digitalTeams, (t) => t.households),
        sum(r.digitalTeams, (t) => t.approved),
        sum(r.digitalTeams, (t) => t.listing),
        sum(r.digitalTeams, (t) => t.salesVnd),
        sum(r.digitalTeams, (t) => t.fulfilled),
      ],
      chart: {
        kind: 'bar',
        title: t('report.teams.chart'),
        format: 'vnd',
        data: r.digitalTeams.map((t) => ({ label: t.name, value: t.salesVnd })),
      },
    },
  ];
  return tables.map((table) => ({ ...table, chart: { ...table.chart, lang } }));
}

/** One table as a CSV file (UTF-8 with BOM; formula-looking text neutralised by toCsv). */
export function tableCsv(table: ReportTable): string {
  const rows: CsvCell[][] = table.total ? [...table.rows, table.total] : table.rows;
  return toCsv(
    table.columns.map((c) => c.csvLabel ?? c.label),
    rows,
  );
}

export function csvFileName(table: ReportTable, period: { from: string; to: string }): string {
  return `bao-cao-ocop_${table.key}_${period.from}_${period.to}.csv`;
}

const counts = new Intl.NumberFormat('vi-VN');

function formatCell(value: ReportCell, kind: CellKind): string {
  if (kind === 'text' || typeof value !== 'number') return String(value);
  if (kind === 'percent') return `${counts.format(value)} %`;
  return kind === 'vnd' ? formatVnd(value) : counts.format(value);
}

/** What the report page shows of a table: formatted cells, numbers right-aligned, its CSV link. */
export function tableView(table: ReportTable, period: { from: string; to: string }) {
  const cells = (row: ReportCell[]) => row.map((value, i) => ({ text: formatCell(value, table.columns[i].kind), numeric: table.columns[i].kind !== 'text' }));
  return {
    key: table.key,
    title: table.title,
    note: table.note,
    chart: table.chart,
    headers: table.columns.map((c) => ({ label: c.label, numeric: c.kind !== 'text' })),
    rows: table.rows.map(cells),
    total: table.total ? cells(table.total) : null,
    csvHref: `/admin/reports.csv?${new URLSearchParams({ from: period.from, to: period.to, table: table.key })}`,
  };
}

/** The dashboard's three charts, in `lang`. */
export function dashboardCharts(d: Dashboard, lang: Language = 'vi'): { collected: ChartSpec; stars: ChartSpec; communes: ChartSpec } {
  const t = (key: MessageKey) => translate(lang, key);
  return {
    collected: {
      kind: 'daily',
      lang,
      title: t('report.chart.collected'),
      format: 'vnd',
      // Split into online orders and market-day stall sales, stacked (online at the bottom).
      series: [t('report.chart.online'), t('report.chart.stall')],
      data: d.collectedByDay.map((x) => ({ day: x.day, value: x.collectedVnd, parts: [x.collectedVnd - x.stallVnd, x.stallVnd] })),
    },
    stars: {
      kind: 'bar',
      lang,
      title: t('report.chart.stars'),
      unit: t('report.unit.orders'),
      data: d.ordersByStars.map((s) => ({ label: t(`report.stars.${s.bucket}` as MessageKey), value: s.orders })),
    },
    communes: {
      kind: 'bar',
      lang,
      title: t('report.chart.communes'),
      format: 'vnd',
      data: d.topCommunes.map((c) => ({ label: c.commune, value: c.salesVnd })),
    },
  };
}
