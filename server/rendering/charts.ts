import { formatDate } from '../lib/dates';
import { formatVnd } from '../lib/money';
import { translate, type Language } from './i18n';

/**
 * Charts as plain SVG strings, built here and nowhere else: every piece of text goes through
 * `escapeXml`, every number through `finite`, so the markup is safe to insert unescaped.
 *
 * They are drawn on a viewBox 320 units wide (what a 360 px phone leaves inside a card) and scale
 * with their box; presentation attributes only (no style="…"): the CSP allows no inline styles.
 * Each chart has role="img", an aria-label that reads out the data, and a <title>.
 */

export type ChartValueFormat = 'vnd' | 'count';

export interface ChartDatum {
  label: string;
  value: number;
}

/** Horizontal bars with their labels: communes, star ratings, product groups… */
export interface BarChartSpec {
  kind: 'bar';
  title: string;
  data: ChartDatum[];
  format?: ChartValueFormat;
  /** Appended to counts: "12 đơn". */
  unit?: string;
  /** The language of the chart's own words (total, best day, no data); Vietnamese when not given. */
  lang?: Language;
}

/** One column per calendar day (YYYY-MM-DD), in order: revenue per day. */
export interface DailyChartSpec {
  kind: 'daily';
  title: string;
  /** `parts`, when `series` is given: the day's value split by series (stacked, first at the bottom). */
  data: { day: string; value: number; parts?: number[] }[];
  format?: ChartValueFormat;
  unit?: string;
  /** Names of the stacked series (e.g. online, stall), shown in a legend and read out. */
  series?: string[];
  lang?: Language;
}

export type ChartSpec = BarChartSpec | DailyChartSpec;

export const NO_DATA_TEXT = 'Chưa có dữ liệu';

const WIDTH = 320;
const PAD = 8;
const INK = '#1d2321';
const MUTED = '#5b6560';
const BAR = '#2e7d32';
/** Colours of stacked series, in order (the first is the usual bar green); each ≥ 3:1 against white. */
const SERIES_COLOURS = [BAR, '#b35c00', '#1565c0'];
const VALUE_INK = '#1b5e20';
const GRID = '#dfe5e1';
const MAX_LABEL_CHARS = 36;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for SVG/HTML: markup characters escaped, control characters (invalid in XML) dropped. */
export function escapeXml(text: unknown): string {
  return (
    String(text ?? '')
      // eslint-disable-next-line no-control-regex -- dropping control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[&<>"']/g, (c) => XML_ESCAPES[c])
  );
}

function finite(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

const countFormat = new Intl.NumberFormat('vi-VN');

function formatValue(value: number, format: ChartValueFormat = 'count', unit?: string): string {
  if (format === 'vnd') return formatVnd(Math.round(value));
  const n = countFormat.format(value);
  return unit ? `${n} ${unit}` : n;
}

function truncate(label: string): string {
  const chars = [...label];
  return chars.length > MAX_LABEL_CHARS ? `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…` : label;
}

/** 1 decimal place at most: keeps the markup short and stable for tests. */
function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function svg(height: number, label: string, title: string, body: string, className: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${className}" viewBox="0 0 ${WIDTH} ${num(height)}" ` +
    `preserveAspectRatio="xMinYMin meet" role="img" aria-label="${escapeXml(label)}" font-size="14" fill="${INK}">` +
    `<title>${escapeXml(title)}</title>${body}</svg>`
  );
}

/** The "nothing yet" chart: same frame, a sentence instead of marks. Never throws. */
export function emptyChart(title: string, lang: Language = 'vi'): string {
  const height = 64;
  const noData = lang === 'vi' ? NO_DATA_TEXT : translate(lang, 'report.chart.noData');
  return svg(
    height,
    `${title}: ${noData}`,
    title,
    `<rect x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="8" fill="none" stroke="${GRID}"/>` +
      `<text x="${WIDTH / 2}" y="${height / 2 + 5}" text-anchor="middle" fill="${MUTED}">${escapeXml(noData)}</text>`,
    'chart-empty',
  );
}

/** Horizontal bars, one row per datum: the label on its own line, the bar below it, the value after the bar. */
export function barChart(spec: Omit<BarChartSpec, 'kind'>): string {
  const title = String(spec.title ?? '');
  const data = (Array.isArray(spec.data) ? spec.data : []).map((d) => ({ label: String(d?.label ?? ''), value: finite(d?.value) }));
  const max = Math.max(0, ...data.map((d) => d.value));
  if (data.length === 0 || max <= 0) return emptyChart(title, spec.lang);

  const row = 44;
  const valueRoom = 118;
  const barMax = WIDTH - 2 * PAD - valueRoom;
  const texts = data.map((d) => formatValue(d.value, spec.format, spec.unit));
  const rows = data.map((d, i) => {
    const y = PAD + i * row;
    const width = d.value > 0 ? Math.max(2, (d.value / max) * barMax) : 0;
    return (
      `<g><title>${escapeXml(`${d.label}: ${texts[i]}`)}</title>` +
      `<text x="${PAD}" y="${num(y + 14)}">${escapeXml(truncate(d.label))}</text>` +
      `<rect x="${PAD}" y="${num(y + 21)}" width="${num(width)}" height="16" rx="2" fill="${BAR}"/>` +
      `<text x="${num(PAD + width + 6)}" y="${num(y + 34)}" font-size="13" font-weight="600" fill="${VALUE_INK}">${escapeXml(texts[i])}</text></g>`
    );
  });
  const summary = data.map((d, i) => `${d.label} ${texts[i]}`).join('; ');
  return svg(PAD + data.length * row + 2, `${title}: ${summary}`, title, rows.join(''), 'chart-bar');
}

/** One column per day; the total and the best day are written out, each column carries its own value as a tooltip. */
export function dailyChart(spec: Omit<DailyChartSpec, 'kind'>): string {
  const title = String(spec.title ?? '');
  const series = Array.isArray(spec.series) ? spec.series.slice(0, SERIES_COLOURS.length).map(String) : [];
  const data = (Array.isArray(spec.data) ? spec.data : []).map((d) => ({
    day: String(d?.day ?? ''),
    value: finite(d?.value),
    parts: series.map((_, i) => finite(Array.isArray(d?.parts) ? d.parts[i] : 0)),
  }));
  const max = Math.max(0, ...data.map((d) => d.value));
  if (data.length === 0 || max <= 0) return emptyChart(title, spec.lang);

  const total = data.reduce((sum, d) => sum + d.value, 0);
  const best = data.reduce((a, b) => (b.value > a.value ? b : a));
  const fmt = (v: number) => formatValue(v, spec.format, spec.unit);
  const longDay = (day: string) => formatDate(day) || day;
  const shortDay = (day: string) => longDay(day).slice(0, 5);

  const top = 48;
  const bottom = 184;
  const plotHeight = bottom - top;
  const slot = (WIDTH - 2 * PAD) / data.length;
  const columnWidth = Math.max(1, slot * 0.7);
  // Days without money get no column (the <desc> still lists them).
  const columns = data.map((d, i) => {
    if (d.value <= 0) return '';
    const h = Math.max(1, (d.value / max) * plotHeight);
    const x = PAD + i * slot + (slot - columnWidth) / 2;
    const tip = `${longDay(d.day)}: ${fmt(d.value)}`;
    if (series.length === 0) {
      return (
        `<rect x="${num(x)}" y="${num(bottom - h)}" width="${num(columnWidth)}" height="${num(h)}" fill="${BAR}">` + `<title>${escapeXml(tip)}</title></rect>`
      );
    }
    // Stacked: each series' share of the column, the first at the bottom.
    let y = bottom;
    const pieces = d.parts.map((part, k) => {
      if (part <= 0) return '';
      const ph = (part / d.value) * h;
      y -= ph;
      return (
        `<rect class="series-${k}" x="${num(x)}" y="${num(y)}" width="${num(columnWidth)}" height="${num(ph)}" fill="${SERIES_COLOURS[k]}">` +
        `<title>${escapeXml(`${series[k]}: ${fmt(part)}`)}</title></rect>`
      );
    });
    return `<g><title>${escapeXml(tip)}</title>${pieces.join('')}</g>`;
  });
  // Day labels: the first, every seventh and the last, so they never overlap on a phone.
  const labelled = new Set([0, data.length - 1]);
  for (let i = 7; i < data.length - 3; i += 7) labelled.add(i);
  const dayLabels = [...labelled]
    .sort((a, b) => a - b)
    .map((i) => {
      const x = PAD + i * slot + slot / 2;
      const anchor = data.length > 1 && i === 0 ? 'start' : data.length > 1 && i === data.length - 1 ? 'end' : 'middle';
      const ax = anchor === 'start' ? PAD : anchor === 'end' ? WIDTH - PAD : x;
      return `<text x="${num(ax)}" y="${bottom + 17}" font-size="12" fill="${MUTED}" text-anchor="${anchor}">${escapeXml(shortDay(data[i].day))}</text>`;
    });
  const seriesTotals = series.map((_, k) => data.reduce((sum, d) => sum + d.parts[k], 0));
  const legendY = bottom + 40;
  const legend = series
    .map((name, k) => {
      const lx = PAD + k * 156;
      return (
        `<rect x="${lx}" y="${legendY - 11}" width="12" height="12" fill="${SERIES_COLOURS[k]}"/>` +
        `<text x="${lx + 17}" y="${legendY}" font-size="12">${escapeXml(`${name}: ${fmt(seriesTotals[k])}`)}</text>`
      );
    })
    .join('');
  const lang = spec.lang ?? 'vi';
  const totalText = translate(lang, 'report.chart.total', { amount: fmt(total) });
  const bestText = translate(lang, 'report.chart.best', { amount: fmt(best.value), day: shortDay(best.day) });
  const body =
    `<desc>${escapeXml(data.map((d) => `${longDay(d.day)}: ${fmt(d.value)}`).join('; '))}</desc>` +
    `<text x="${PAD}" y="15" font-weight="600">${escapeXml(totalText)}</text>` +
    `<text x="${PAD}" y="34" font-size="13" fill="${MUTED}">${escapeXml(bestText)}</text>` +
    `<line x1="${PAD}" y1="${top}" x2="${WIDTH - PAD}" y2="${top}" stroke="${GRID}" stroke-dasharray="4 3"/>` +
    `<line x1="${PAD}" y1="${bottom}" x2="${WIDTH - PAD}" y2="${bottom}" stroke="${MUTED}"/>` +
    columns.join('') +
    dayLabels.join('') +
    legend;
  const range =
    data.length > 1
      ? translate(lang, 'report.chart.range', { from: longDay(data[0].day), to: longDay(data[data.length - 1].day) })
      : translate(lang, 'report.chart.rangeOne', { day: longDay(data[0].day) });
  const split = series.length ? `; ${series.map((name, k) => `${name} ${fmt(seriesTotals[k])}`).join('; ')}` : '';
  const spoken = `${title}${range}: ${totalText}${split}; ${translate(lang, 'report.chart.bestSpoken', { amount: fmt(best.value), day: longDay(best.day) })}`;
  return svg(bottom + (series.length ? 50 : 26), spoken, title, body, series.length ? 'chart-daily chart-stacked' : 'chart-daily');
}

export function renderChart(spec: ChartSpec): string {
  return spec.kind === 'daily' ? dailyChart(spec) : barChart(spec);
}
