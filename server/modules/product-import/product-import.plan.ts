import crypto from 'node:crypto';
import { formatDate } from '../../lib/dates';
import { formatVnd } from '../../lib/money';
import { skuKey } from '../../lib/sku';
import type { Product } from '../catalog';
import { WEIGHT_RANGE, type ImportColumn, type ParsedRow, type RowError } from './product-import.csv';

/** What a row does to the seller's products: the preview shows it, the confirmation applies it. */
export type RowKind = 'new' | 'update' | 'unchanged' | 'error';

export interface FieldChange {
  column: ImportColumn;
  from: string;
  to: string;
}

export interface PlannedRow {
  line: number;
  kind: RowKind;
  name: string;
  sku: string | null;
  /** The product an update or unchanged row is; null for a new one. */
  product: Pick<Product, 'id' | 'version' | 'stock'> | null;
  row: ParsedRow['values'];
  /** Name, group, description, price, unit, claim, SKU or weight differ: a save through ProductService. */
  detailsChanged: boolean;
  /** The file's stock minus the product's: one ledger row (reason 'import') when not 0. */
  stockDelta: number;
  changes: FieldChange[];
  errors: RowError[];
}

export interface ImportPlan {
  rows: PlannedRow[];
  counts: { new: number; update: number; unchanged: number; error: number };
  errors: RowError[];
  /** Changes to apply (rows new or updated). */
  changeCount: number;
  /**
   * A digest of every change as previewed: the confirmation carries it, and applies only if the plan
   * it rebuilds under lock is the same (a sale or an edit in between shows the new preview instead).
   */
  fingerprint: string;
}

/** The product fields a row compares, as the seller's products are read for the plan. */
export type PlannedProduct = Pick<
  Product,
  | 'id'
  | 'version'
  | 'stock'
  | 'name'
  | 'categoryId'
  | 'description'
  | 'priceVnd'
  | 'unit'
  | 'ocopStars'
  | 'ocopCertificateNo'
  | 'ocopDecisionDate'
  | 'sku'
  | 'weightGrams'
> & { categoryLabel: string };

/** Names compared for the fallback match: case and runs of spaces aside, accents count (Mật ≠ Mất). */
const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();
const sameText = (a: string, b: string) => a.replace(/\r\n?/g, '\n').trim() === b.replace(/\r\n?/g, '\n').trim();

/**
 * Matches each parsed row to the seller's own products and says what it would change. A row is matched
 * by its SKU (any case); failing that, by its exact name to the one product of that name that has no
 * SKU yet (so an export of products without SKUs imports back unchanged, and a SKU typed into such a
 * row is given to that product); otherwise it is a new product.
 */
export function planImport(rows: ParsedRow[], products: PlannedProduct[], categoryLabels: Map<number, string>): ImportPlan {
  const bySku = new Map<string, PlannedProduct>();
  const byName = new Map<string, PlannedProduct[]>();
  for (const p of products) {
    if (p.sku) bySku.set(skuKey(p.sku), p);
    const list = byName.get(nameKey(p.name)) ?? [];
    list.push(p);
    byName.set(nameKey(p.name), list);
  }
  const claimedBy = new Map<number, number>();
  const skuLines = new Map<string, number>();

  const planned = rows.map((parsed): PlannedRow => {
    const { line, values } = parsed;
    const errors = [...parsed.errors];
    const rowError = (column: ImportColumn | null, key: RowError['key'], params?: RowError['params']) => errors.push({ line, column, key, params });

    if (values.sku) {
      const first = skuLines.get(skuKey(values.sku));
      if (first !== undefined) rowError('sku', 'import.error.skuTwice', { line: first });
      else skuLines.set(skuKey(values.sku), line);
    }

    let product: PlannedProduct | null = values.sku ? (bySku.get(skuKey(values.sku)) ?? null) : null;
    let unmatched = false;
    if (!product && values.name) {
      const sameName = byName.get(nameKey(values.name)) ?? [];
      const withoutSku = sameName.filter((p) => !p.sku);
      if (withoutSku.length === 1) product = withoutSku[0];
      else if (withoutSku.length > 1) {
        rowError('name', 'import.error.nameAmbiguous', { count: withoutSku.length });
        unmatched = true;
      } else if (!values.sku && sameName.length > 0) {
        rowError('sku', 'import.error.nameHasSku', { sku: sameName[0].sku ?? '' });
        unmatched = true;
      }
    }
    // A new listing needs its weight (as on the form); a row that may yet be an existing product is told that first.
    if (!product && !unmatched && values.weightGrams === null && !errors.some((e) => e.column === 'weight')) {
      rowError('weight', 'import.error.weightRequired', WEIGHT_RANGE);
    }
    if (product) {
      const first = claimedBy.get(product.id);
      if (first !== undefined) rowError(null, 'import.error.sameProduct', { line: first });
      else claimedBy.set(product.id, line);
    }

    const base = { line, name: values.name, sku: values.sku, row: values, errors };
    if (errors.length > 0) {
      return { ...base, kind: 'error', product: product && pickRef(product), detailsChanged: false, stockDelta: 0, changes: [] };
    }
    if (!product) return { ...base, kind: 'new', product: null, detailsChanged: true, stockDelta: values.stock ?? 0, changes: [] };

    const changes: FieldChange[] = [];
    const compare = (column: ImportColumn, same: boolean, from: string, to: string) => {
      if (!same) changes.push({ column, from, to });
    };
    const claimText = (v: string | number | null) => (v === null ? '' : String(v));
    compare('name', product.name === values.name, product.name, values.name);
    compare('category', product.categoryId === values.categoryId, product.categoryLabel, categoryLabels.get(values.categoryId!) ?? '');
    compare('description', sameText(product.description, values.description), product.description, values.description);
    compare('price', product.priceVnd === values.priceVnd, formatVnd(product.priceVnd), formatVnd(values.priceVnd!));
    compare('unit', product.unit === values.unit, product.unit, values.unit);
    compare('stars', product.ocopStars === values.ocopStars, claimText(product.ocopStars), claimText(values.ocopStars));
    compare('certificateNo', product.ocopCertificateNo === values.ocopCertificateNo, claimText(product.ocopCertificateNo), claimText(values.ocopCertificateNo));
    compare('decisionDate', product.ocopDecisionDate === values.ocopDecisionDate, formatDate(product.ocopDecisionDate), formatDate(values.ocopDecisionDate));
    // A row without SKU matched by name keeps the product's (absent) SKU; one with a SKU sets it as written.
    if (values.sku) compare('sku', product.sku === values.sku, claimText(product.sku), values.sku);
    // A blank weight (or an older file without the column) keeps the product's.
    if (values.weightGrams !== null) compare('weight', product.weightGrams === values.weightGrams, String(product.weightGrams), String(values.weightGrams));
    const detailsChanged = changes.length > 0;
    const stockDelta = values.stock! - product.stock;
    compare('stock', stockDelta === 0, String(product.stock), String(values.stock));
    return { ...base, kind: changes.length > 0 ? 'update' : 'unchanged', product: pickRef(product), detailsChanged, stockDelta, changes };
  });

  const counts = { new: 0, update: 0, unchanged: 0, error: 0 };
  for (const r of planned) counts[r.kind] += 1;
  const digest = planned
    .filter((r) => r.kind === 'new' || r.kind === 'update')
    .map((r) => [r.line, r.kind, r.product?.id ?? null, r.product?.stock ?? null, r.stockDelta, r.changes]);
  return {
    rows: planned,
    counts,
    errors: planned.flatMap((r) => r.errors),
    changeCount: counts.new + counts.update,
    fingerprint: crypto.createHash('sha256').update(JSON.stringify(digest)).digest('hex').slice(0, 32),
  };
}

const pickRef = (p: PlannedProduct) => ({ id: p.id, version: p.version, stock: p.stock });
