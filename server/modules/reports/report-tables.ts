import { toCsv, type CsvCell } from '../../lib/csv';
import { formatDate } from '../../lib/dates';
import { formatVnd } from '../../lib/money';
import type { ChartSpec } from '../../rendering/charts';
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

const TOTAL = 'Tổng cộng';
const COMMUNE: ReportColumn = { label: 'Xã/phường', kind: 'text' };
const STARS: ReportColumn = { label: 'Hạng sao OCOP', kind: 'text' };
const SALES: ReportColumn = { label: 'Doanh số', kind: 'vnd', csvLabel: 'Doanh số (đồng)' };

export function reportTables(r: ProvinceReport): ReportTable[] {
  const asOf = formatDate(r.asOf);
  const saleNote =
    'Đơn được tính vào kỳ theo ngày thanh toán (giờ Việt Nam), chỉ đơn đã thanh toán hoặc hoàn tất; ' +
    'doanh số là tiền hàng (không gồm phí giao hàng) của các phần đơn đã thanh toán, không tính phần đơn hợp tác xã đã huỷ và đơn đã hoàn tiền toàn bộ.';
  return [
    {
      key: 'products-by-group',
      title: 'Sản phẩm đang bán theo nhóm sản phẩm OCOP',
      note: `Sản phẩm đang hiển thị của hợp tác xã đã được duyệt, tại ngày ${asOf}; nhóm I–VI theo Quyết định 148/QĐ-TTg.`,
      columns: [
        { label: 'Mã nhóm', kind: 'text' },
        { label: 'Nhóm sản phẩm', kind: 'text' },
        { label: 'Số sản phẩm', kind: 'count' },
      ],
      rows: r.productsByGroup.map((g) => [g.code, g.name, g.products]),
      total: ['', TOTAL, sum(r.productsByGroup, (g) => g.products)],
      chart: {
        kind: 'bar',
        title: 'Sản phẩm đang bán theo nhóm OCOP',
        unit: 'sản phẩm',
        data: r.productsByGroup.map((g) => ({ label: `${g.code}. ${g.name}`, value: g.products })),
      },
    },
    {
      key: 'products-by-stars',
      title: 'Sản phẩm đang bán theo hạng sao OCOP',
      note:
        `Chỉ tính hạng sao khi giấy chứng nhận đã được quản trị viên xác minh và còn hiệu lực (36 tháng từ ngày quyết định) tại ngày ${asOf}. ` +
        'Sao do hợp tác xã khai nhưng chưa xác minh hoặc đã hết hạn xếp vào “Chưa xác minh hoặc hết hạn”; sản phẩm không khai sao xếp vào “Không sao”.',
      columns: [STARS, { label: 'Số sản phẩm', kind: 'count' }],
      rows: r.productsByStars.map((s) => [s.label, s.products]),
      total: [TOTAL, sum(r.productsByStars, (s) => s.products)],
      chart: {
        kind: 'bar',
        title: 'Sản phẩm đang bán theo hạng sao',
        unit: 'sản phẩm',
        data: r.productsByStars.map((s) => ({ label: s.label, value: s.products })),
      },
    },
    {
      key: 'products-by-commune',
      title: 'Sản phẩm đang bán theo xã/phường',
      note: `Theo xã/phường của hợp tác xã, tại ngày ${asOf}.`,
      columns: [COMMUNE, { label: 'Số sản phẩm', kind: 'count' }, { label: 'Số hợp tác xã có sản phẩm', kind: 'count' }],
      rows: r.productsByCommune.map((c) => [c.commune, c.products, c.sellers]),
      total: [TOTAL, sum(r.productsByCommune, (c) => c.products), sum(r.productsByCommune, (c) => c.sellers)],
      chart: {
        kind: 'bar',
        title: 'Sản phẩm đang bán theo xã/phường',
        unit: 'sản phẩm',
        data: r.productsByCommune.map((c) => ({ label: c.commune, value: c.products })),
      },
    },
    {
      key: 'sales-by-commune',
      title: 'Đơn hàng và doanh số trong kỳ theo xã/phường',
      note: `${saleNote} Một đơn mua hàng của hợp tác xã ở nhiều xã được đếm ở mỗi xã, nên dòng tổng (số đơn khác nhau) có thể nhỏ hơn tổng các dòng.`,
      columns: [COMMUNE, { label: 'Số đơn', kind: 'count' }, { label: 'Số lượng bán', kind: 'count' }, SALES],
      rows: r.salesByCommune.map((c) => [c.commune, c.orders, c.quantity, c.salesVnd]),
      total: [TOTAL, r.totals.orders, r.totals.quantity, r.totals.salesVnd],
      chart: {
        kind: 'bar',
        title: 'Doanh số trong kỳ theo xã/phường',
        format: 'vnd',
        data: r.salesByCommune.map((c) => ({ label: c.commune, value: c.salesVnd })),
      },
    },
    {
      key: 'sales-by-stars',
      title: 'Đơn hàng và doanh số trong kỳ theo hạng sao OCOP',
      note:
        `${saleNote} Hạng sao của sản phẩm được xét vào ngày thanh toán (đã xác minh và còn hiệu lực). ` +
        'Một đơn có sản phẩm nhiều hạng sao được đếm ở mỗi hạng, nên dòng tổng (số đơn khác nhau) có thể nhỏ hơn tổng các dòng.',
      columns: [STARS, { label: 'Số đơn', kind: 'count' }, { label: 'Số lượng bán', kind: 'count' }, SALES],
      rows: r.salesByStars.map((s) => [s.label, s.orders, s.quantity, s.salesVnd]),
      total: [TOTAL, r.totals.orders, r.totals.quantity, r.totals.salesVnd],
      chart: { kind: 'bar', title: 'Doanh số trong kỳ theo hạng sao', format: 'vnd', data: r.salesByStars.map((s) => ({ label: s.label, value: s.salesVnd })) },
    },
    {
      key: 'cooperatives',
      title: 'Hợp tác xã hoạt động theo xã/phường',
      note:
        `“Đang hoạt động”: đã được duyệt và có ít nhất một sản phẩm đang bán, tại ngày ${asOf}. ` +
        '“Có doanh số trong kỳ”: có ít nhất một phần đơn được tính doanh số trong kỳ, dù trạng thái hôm nay thế nào.',
      columns: [COMMUNE, { label: 'HTX đang hoạt động', kind: 'count' }, { label: 'HTX có doanh số trong kỳ', kind: 'count' }],
      rows: r.cooperativesByCommune.map((c) => [c.commune, c.active, c.selling]),
      total: [TOTAL, r.totals.activeSellers, r.totals.sellingSellers],
      chart: {
        kind: 'bar',
        title: 'Hợp tác xã đang hoạt động theo xã/phường',
        unit: 'HTX',
        data: r.cooperativesByCommune.map((c) => ({ label: c.commune, value: c.active })),
      },
    },
    {
      key: 'tax-by-commune',
      title: 'Thuế đã khấu trừ trong kỳ theo xã/phường',
      note:
        'Thuế GTGT và TNCN sàn khấu trừ của hộ sản xuất, tổ hợp tác và cá nhân bán hàng (Nghị định 117/2025/NĐ-CP), theo xã/phường của người bán. ' +
        'Tính theo ngày khấu trừ hoặc hoàn lại (giờ Việt Nam), đã trừ phần hoàn lại khi hoàn tiền trong kỳ; số liệu kê khai theo tháng ở trang Thuế khấu trừ.',
      columns: [
        COMMUNE,
        { label: 'Số người bán bị khấu trừ', kind: 'count' },
        { label: 'Doanh thu tính thuế', kind: 'vnd', csvLabel: 'Doanh thu tính thuế (đồng)' },
        { label: 'Thuế GTGT', kind: 'vnd', csvLabel: 'Thuế GTGT (đồng)' },
        { label: 'Thuế TNCN', kind: 'vnd', csvLabel: 'Thuế TNCN (đồng)' },
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
        title: 'Thuế đã khấu trừ trong kỳ theo xã/phường',
        format: 'vnd',
        data: r.taxByCommune.map((c) => ({ label: c.commune, value: c.vatVnd + c.pitVnd })),
      },
    },
    {
      key: 'market-day-sales',
      title: 'Bán hàng tại chợ phiên trong kỳ',
      note:
        'Các phiên chợ bắt đầu trong kỳ (giờ Việt Nam). “Đơn bán tại quầy” là đơn quầy đã được thanh toán bằng chuyển khoản qua mã QR, ' +
        'không tính đơn chưa thanh toán, đã huỷ hoặc đã hoàn tiền; doanh số là tiền hàng của các đơn đó. ' +
        'Mọi đơn bán tại quầy đều là chuyển khoản, nên “tỷ lệ quầy không dùng tiền mặt” là số quầy có ít nhất một đơn bán tại quầy đã thanh toán chia cho số quầy tham gia phiên chợ.',
      columns: [
        { label: 'Phiên chợ', kind: 'text' },
        { label: 'Ngày', kind: 'text' },
        COMMUNE,
        { label: 'Số quầy', kind: 'count' },
        { label: 'Đơn bán tại quầy', kind: 'count' },
        SALES,
        { label: 'Tỷ lệ quầy không dùng tiền mặt', kind: 'percent', csvLabel: 'Tỷ lệ quầy không dùng tiền mặt (%)' },
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
        title: 'Doanh số bán tại quầy theo phiên chợ',
        format: 'vnd',
        data: r.marketDays.map((m) => ({ label: `${m.name} (${formatDate(m.day)})`, value: m.salesVnd })),
      },
    },
    {
      key: 'digital-teams',
      title: 'Tổ công nghệ số cộng đồng',
      note:
        `Hộ do tổ hướng dẫn đăng ký bán hàng; “đã duyệt” và “có sản phẩm đang bán” tính tại ngày ${asOf}. ` +
        `Doanh số của các hộ đó trong kỳ: ${saleNote.charAt(0).toLowerCase()}${saleNote.slice(1)} ` +
        '“Đơn tổ viên giao” là số phần đơn của hộ được tổ hỗ trợ mà người chuyển sang “đã gửi” hoặc “đã giao” trong kỳ là tổ viên của tổ lúc đó (kể cả người nay đã rời tổ).',
      columns: [
        { label: 'Tổ', kind: 'text' },
        COMMUNE,
        { label: 'Hộ đã hướng dẫn đăng ký', kind: 'count' },
        { label: 'Hộ đã được duyệt', kind: 'count' },
        { label: 'Hộ có sản phẩm đang bán', kind: 'count' },
        SALES,
        { label: 'Đơn tổ viên giao', kind: 'count' },
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
        title: 'Doanh số trong kỳ của các hộ theo tổ công nghệ số',
        format: 'vnd',
        data: r.digitalTeams.map((t) => ({ label: t.name, value: t.salesVnd })),
      },
    },
  ];
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

/** The dashboard's three charts. */
export function dashboardCharts(d: Dashboard): { collected: ChartSpec; stars: ChartSpec; communes: ChartSpec } {
  return {
    collected: {
      kind: 'daily',
      title: 'Doanh thu thực thu theo ngày, 30 ngày qua',
      format: 'vnd',
      // Split into online orders and market-day stall sales, stacked (online at the bottom).
      series: ['Trực tuyến', 'Tại quầy chợ phiên'],
      data: d.collectedByDay.map((x) => ({ day: x.day, value: x.collectedVnd, parts: [x.collectedVnd - x.stallVnd, x.stallVnd] })),
    },
    stars: {
      kind: 'bar',
      title: 'Đơn đã thanh toán theo hạng sao OCOP, 30 ngày qua',
      unit: 'đơn',
      data: d.ordersByStars.map((s) => ({ label: s.label, value: s.orders })),
    },
    communes: {
      kind: 'bar',
      title: 'Xã/phường bán nhiều nhất, 30 ngày qua',
      format: 'vnd',
      data: d.topCommunes.map((c) => ({ label: c.commune, value: c.salesVnd })),
    },
  };
}
