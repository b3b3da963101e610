import { parse } from 'csv-parse/sync';
import { formatDate, isCalendarDay } from '../../lib/dates';
import { toCsv, type CsvCell } from '../../lib/csv';
import { SKU_MAX_LENGTH, SKU_PATTERN } from '../../lib/sku';
import { foldVietnamese } from '../../lib/text';
import { WEIGHT_GRAMS_MAX, WEIGHT_GRAMS_MIN } from '../../lib/weight';
import type { MessageKey } from '../../rendering/i18n';

/**
 * The seller's product spreadsheet (issue 20): the export, the template and the import read and write
 * the same eleven columns, so export → edit in Excel → import works. Parsing here is pure (no database):
 * file-level problems refuse the upload, cell problems become row errors the preview lists.
 * The weight (issue 21) is last: rows copied from an older ten-column file into a new template land
 * under the same headers (after `đơn vị` they would shift stock into weight, stars into stock).
 */
export const IMPORT_COLUMNS = ['name', 'category', 'description', 'price', 'unit', 'stock', 'stars', 'certificateNo', 'decisionDate', 'sku', 'weight'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/** CASE: a file exported before the weight column is still read; its rows leave weights as they are. */
const OPTIONAL_COLUMNS: readonly ImportColumn[] = ['weight'];

/** The headers exactly as exported (the file format is Vietnamese whatever the page's language). */
export const IMPORT_HEADERS: Record<ImportColumn, string> = {
  name: 'tên',
  category: 'nhóm OCOP',
  description: 'mô tả',
  price: 'giá',
  unit: 'đơn vị',
  stock: 'tồn kho',
  stars: 'số sao',
  certificateNo: 'số giấy chứng nhận',
  decisionDate: 'ngày quyết định',
  sku: 'mã sản phẩm (SKU)',
  weight: 'khối lượng (g)',
};

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 2000;
export const MAX_PRICE_VND = 100_000_000;
export const MAX_STOCK = 1_000_000;
/** The weight messages' placeholders (1 and 50.000, as the form writes them). */
export const WEIGHT_RANGE = { min: WEIGHT_GRAMS_MIN.toLocaleString('vi-VN'), max: WEIGHT_GRAMS_MAX.toLocaleString('vi-VN') };

/** A header folded: no accents, case, spaces or punctuation ("Mã sản phẩm (SKU)" → "masanphamsku"). */
const headerKey = (header: string) => foldVietnamese(header).replace(/[^a-z0-9]/g, '');
const HEADER_KEYS = new Map<string, ImportColumn>([
  ...IMPORT_COLUMNS.map((c) => [headerKey(IMPORT_HEADERS[c]), c] as [string, ImportColumn]),
  ['masanpham', 'sku'],
  ['sku', 'sku'],
  ['khoiluong', 'weight'],
  ['khoiluonggam', 'weight'],
  ['khoiluongdonggoig', 'weight'],
  ['khoiluongdonggoigam', 'weight'],
]);

/** A message for the page: a key of the locale files and its placeholders. */
export interface ImportMessage {
  key: MessageKey;
  params?: Record<string, string | number>;
}

export interface RowError extends ImportMessage {
  /** The spreadsheet row (the header is row 1; a cell with line breaks stays one row, as in Excel). */
  line: number;
  column: ImportColumn | null;
}

/** A group the form offers (levels 2 and 3), as the matcher needs it. */
export interface ImportCategory {
  id: number;
  code: string;
  nameVi: string;
}

/** One data row, its cells checked: `values` holds what parsed, `errors` the rest. */
export interface ParsedRow {
  line: number;
  values: {
    name: string;
    categoryId: number | null;
    description: string;
    priceVnd: number | null;
    unit: string;
    stock: number | null;
    ocopStars: number | null;
    ocopCertificateNo: string | null;
    ocopDecisionDate: string | null;
    sku: string | null;
    /** Null when blank or the file has no weight column: required for a new product, "unchanged" for an update. */
    weightGrams: number | null;
  };
  errors: RowError[];
}

export type ParsedFile = { ok: true; text: string; rows: ParsedRow[]; ignoredColumns: string[] } | { ok: false; error: ImportMessage };

const fail = (key: MessageKey, params?: Record<string, string | number>): ParsedFile => ({ ok: false, error: { key, params } });

/**
 * UTF-8 text of an upload, or null: a NUL byte or invalid UTF-8 is not a CSV this store reads (a
 * spreadsheet, an image; Excel's plain "CSV" in Windows-1258 also lands here and the page says which
 * "Save as" type to pick).
 */
export function decodeUpload(buffer: Buffer): string | null {
  if (buffer.includes(0)) return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return text.replace(/^\uFEFF/, '');
  } catch {
    return null;
  }
}

/** The separator is whichever of ; , or tab the header line uses most (Excel in Vietnamese writes ;). */
function detectDelimiter(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const counts = [';', ',', '\t'].map((d) => [d, header.split(d).length - 1] as const);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  return best[1] > 0 ? best[0] : ',';
}

/** toCsv adds ' before a text starting = + - @ (or tab/CR) so Excel never runs it; the import takes it off again. */
const unneutralise = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/**
 * Whole đồng: 125000, 125.000, 125 000, 125,000 (groups of three after any one of . , or space) with
 * an optional ₫ / đ / VND; decimals (125.5, 125.000,50) are refused: there is no smaller unit.
 */
export function parseWholeNumber(input: string, allowCurrency: boolean): number | null {
  let s = input.replace(/\u00a0/g, ' ').trim();
  if (allowCurrency) s = s.replace(/\s*(₫|đ|vnđ|vnd|đồng)$/i, '').trim();
  if (/^\d+$/.test(s)) return Number.isSafeInteger(Number(s)) ? Number(s) : null;
  const grouped = /^\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*$/.exec(s);
  if (!grouped) return null;
  const value = Number(s.replace(/[., ]/g, ''));
  return Number.isSafeInteger(value) ? value : null;
}

/** 26/11/2026, 26-11-2026, 6/1/2026 or 2026-11-26 → '2026-11-26'; null when not a real day. */
export function parseDay(input: string): string | null {
  const s = input.trim();
  let iso: string | null = null;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (dmy) iso = `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}`;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) iso = s;
  return iso && isCalendarDay(iso) ? iso : null;
}

/** A group as typed: no accents, case or punctuation ("Mật ong, mật khác" = "mat ong mat khac", "I.2.b" = "i 2 b"). */
const groupKey = (text: string) =>
  foldVietnamese(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The groups folded once per file: code, "code name" and name alone. */
interface CategoryIndex {
  byCode: Map<string, number>;
  byName: Map<string, number[]>;
}

function indexCategories(categories: ImportCategory[]): CategoryIndex {
  const byCode = new Map<string, number>();
  const byName = new Map<string, number[]>();
  for (const c of categories) {
    byCode.set(groupKey(c.code), c.id);
    byCode.set(groupKey(`${c.code} ${c.nameVi}`), c.id);
    const name = groupKey(c.nameVi);
    byName.set(name, [...(byName.get(name) ?? []), c.id]);
  }
  return { byCode, byName };
}

/** "I.2.b", "I.2.b Mật ong…" or the name alone, any case or accents; a name two groups share needs its code. */
function matchCategory(value: string, index: CategoryIndex): { id: number } | { error: MessageKey } {
  const folded = groupKey(value);
  const byCode = index.byCode.get(folded);
  if (byCode !== undefined) return { id: byCode };
  const byName = index.byName.get(folded) ?? [];
  if (byName.length === 1) return { id: byName[0] };
  return { error: byName.length > 1 ? 'import.error.categoryAmbiguous' : 'import.error.category' };
}

/** Reads the file's header and rows, checking each cell; nothing here knows the seller's products. */
export function parseImport(text: string, categories: ImportCategory[]): ParsedFile {
  if (text.trim() === '') return fail('import.file.empty');
  let records: string[][];
  try {
    records = parse(text, { delimiter: detectDelimiter(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
  } catch (err) {
    return fail('import.file.malformed', { line: (err as { lines?: number }).lines ?? 1 });
  }

  const [header = []] = records;
  const positions = new Map<ImportColumn, number>();
  const ignoredColumns: string[] = [];
  for (const [index, raw] of header.entries()) {
    const title = unneutralise(raw).trim();
    if (title === '') continue;
    const column = HEADER_KEYS.get(headerKey(title));
    if (!column) ignoredColumns.push(title.slice(0, 60));
    else if (positions.has(column)) return fail('import.file.duplicateColumn', { column: IMPORT_HEADERS[column] });
    else positions.set(column, index);
  }
  if (positions.size === 0) return fail('import.file.noHeader');
  const missing = IMPORT_COLUMNS.filter((c) => !positions.has(c) && !OPTIONAL_COLUMNS.includes(c));
  if (missing.length > 0) return fail('import.file.missingColumns', { columns: missing.map((c) => IMPORT_HEADERS[c]).join(', ') });

  const groups = indexCategories(categories);
  const rows: ParsedRow[] = [];
  for (const [index, record] of records.entries()) {
    if (index === 0) continue;
    // CASE: Excel writes an emptied row as ;;;;;;;;; and a blank line at the end: not rows.
    if (record.every((c) => c.trim() === '')) continue;
    if (rows.length === MAX_IMPORT_ROWS) return fail('import.file.tooManyRows', { max: MAX_IMPORT_ROWS });
    const cells = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, unneutralise(positions.has(c) ? (record[positions.get(c)!] ?? '') : '')])) as Record<
      ImportColumn,
      string
    >;
    rows.push(parseRow(index + 1, cells, groups));
  }
  if (rows.length === 0) return fail('import.file.noRows');
  return { ok: true, text, rows, ignoredColumns };
}

function parseRow(line: number, cells: Record<ImportColumn, string>, groups: CategoryIndex): ParsedRow {
  const errors: RowError[] = [];
  const err = (column: ImportColumn, key: MessageKey, params?: Record<string, string | number>) => errors.push({ line, column, key, params });
  const text = (column: ImportColumn) => cells[column].trim();
  const optional = (column: ImportColumn) => text(column) || null;

  const name = text('name');
  if (name === '') err('name', 'import.error.required');
  else if (name.length < 2) err('name', 'import.error.nameShort');
  else if (name.length > 200) err('name', 'import.error.tooLong', { max: 200 });

  let categoryId: number | null = null;
  if (text('category') === '') err('category', 'import.error.required');
  else {
    const match = matchCategory(text('category'), groups);
    if ('id' in match) categoryId = match.id;
    else err('category', match.error, { value: text('category').slice(0, 80) });
  }

  // Line ends inside a cell: Excel writes LF, a browser's textarea CRLF; one form is kept.
  const description = cells.description.replace(/\r\n?/g, '\n').trim();
  if (description.length > 5000) err('description', 'import.error.tooLong', { max: 5000 });

  let priceVnd: number | null = null;
  if (text('price') === '') err('price', 'import.error.required');
  else {
    priceVnd = parseWholeNumber(text('price'), true);
    if (priceVnd === null) err('price', 'import.error.price');
    else if (priceVnd < 1 || priceVnd > MAX_PRICE_VND) {
      err('price', 'import.error.priceRange', { max: '100.000.000 ₫' });
      priceVnd = null;
    }
  }

  const unit = text('unit');
  if (unit === '') err('unit', 'import.error.required');
  else if (unit.length > 50) err('unit', 'import.error.tooLong', { max: 50 });

  let stock: number | null = null;
  if (text('stock') === '') err('stock', 'import.error.stockRequired');
  else {
    stock = parseWholeNumber(text('stock'), false);
    if (stock === null || stock > MAX_STOCK) {
      err('stock', 'import.error.stock', { max: '1.000.000' });
      stock = null;
    }
  }

  let ocopStars: number | null = null;
  if (text('stars') !== '') {
    const stars = /^([345])(?:\s*(?:sao|★))?$/i.exec(text('stars'));
    if (stars) ocopStars = Number(stars[1]);
    else err('stars', 'import.error.stars');
  }

  const ocopCertificateNo = optional('certificateNo');
  if (ocopCertificateNo && ocopCertificateNo.length > 100) err('certificateNo', 'import.error.tooLong', { max: 100 });

  let ocopDecisionDate: string | null = null;
  if (text('decisionDate') !== '') {
    ocopDecisionDate = parseDay(text('decisionDate'));
    if (!ocopDecisionDate) err('decisionDate', 'import.error.date');
  }

  // Stars, certificate and decision date come together or not at all (as on the form).
  const claim = { stars: text('stars'), certificateNo: text('certificateNo'), decisionDate: text('decisionDate') } as const;
  const given = Object.values(claim).filter((v) => v !== '').length;
  if (given > 0 && given < 3) {
    for (const [column, value] of Object.entries(claim)) if (value === '') err(column as ImportColumn, 'import.error.claimIncomplete');
  }

  const sku = optional('sku');
  if (sku && (sku.length > SKU_MAX_LENGTH || !SKU_PATTERN.test(sku))) err('sku', 'import.error.sku', { max: SKU_MAX_LENGTH });

  // Whole grams as on the product form (500, 1.200, 1 200, "650 g"); whether a blank is allowed depends
  // on the row being a new product, which only the plan knows.
  let weightGrams: number | null = null;
  if (text('weight') !== '') {
    weightGrams = parseWholeNumber(text('weight').replace(/\s*(g|gam|gram)$/i, ''), false);
    if (weightGrams === null || weightGrams < WEIGHT_GRAMS_MIN || weightGrams > WEIGHT_GRAMS_MAX) {
      err('weight', 'import.error.weight', WEIGHT_RANGE);
      weightGrams = null;
    }
  }

  return {
    line,
    values: { name, categoryId, description, priceVnd, unit, stock, ocopStars, ocopCertificateNo, ocopDecisionDate, sku, weightGrams },
    errors,
  };
}

/** One product as a spreadsheet row (the export). */
export interface ExportedProduct {
  name: string;
  categoryCode: string;
  categoryName: string;
  description: string;
  priceVnd: number;
  unit: string;
  stock: number;
  ocopStars: number | null;
  ocopCertificateNo: string | null;
  ocopDecisionDate: string | null;
  sku: string | null;
  weightGrams: number;
}

const exportRow = (p: ExportedProduct): CsvCell[] => [
  p.name,
  `${p.categoryCode} ${p.categoryName}`,
  p.description,
  p.priceVnd,
  p.unit,
  p.stock,
  p.ocopStars,
  p.ocopCertificateNo,
  p.ocopDecisionDate ? formatDate(p.ocopDecisionDate) : '',
  p.sku,
  p.weightGrams,
];

/** UTF-8 with BOM, formula-looking text neutralised (toCsv): what Excel opens and the import reads back. */
export function productsCsv(products: ExportedProduct[]): string {
  return toCsv(
    IMPORT_COLUMNS.map((c) => IMPORT_HEADERS[c]),
    products.map(exportRow),
  );
}
