import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors';
import { msg, translate } from '../../rendering/i18n';
import type { Actor } from '../accounts';
import type { CatalogService, ProductService } from '../catalog';
import { InsufficientStockError, type StockService } from '../inventory';
import type { Seller, SellersService } from '../sellers';
import {
  MAX_IMPORT_BYTES,
  decodeUpload,
  parseImport,
  productsCsv,
  type ExportedProduct,
  type ImportCategory,
  type ImportMessage,
  type RowError,
} from './product-import.csv';
import { planImport, type ImportPlan, type PlannedProduct } from './product-import.plan';

/** An upload this store cannot read as the product spreadsheet (422, nothing stored); `message` is Vietnamese. */
export class ImportFileError extends AppError {
  constructor(readonly detail: ImportMessage) {
    super(translate('vi', detail.key, detail.params), 422, 'import_file');
  }
}

/** Rows that cannot be applied (at confirmation): nothing was written; the preview lists them. */
export class ImportRowsError extends AppError {
  constructor(readonly errors: RowError[]) {
    super(translate('vi', 'import.confirm.failed'), 422, 'import_rows');
  }
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  stockMovements: number;
}

export interface ImportView {
  id: number;
  fileName: string;
  createdAt: Date;
  appliedAt: Date | null;
  summary: ImportSummary | null;
  /** Null once applied: the summary is what it did. */
  plan: ImportPlan | null;
  ignoredColumns: string[];
}

interface ImportRow {
  id: number;
  fileName: string;
  content: string;
  createdAt: Date;
  appliedAt: Date | null;
  summary: ImportSummary | null;
}

const IMPORT_COLUMNS_SQL = `id, file_name AS "fileName", content, created_at AS "createdAt", applied_at AS "appliedAt", summary`;

/**
 * A cooperative's product spreadsheet: export, upload (kept in product_imports, the one table this
 * module writes), preview, confirmation. Products change only through catalog's ProductService and
 * stock only through inventory's ledger, all rows of a file in one transaction.
 */
export class ProductImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sellers: SellersService,
    private readonly catalog: CatalogService,
    private readonly products: ProductService,
    private readonly stock: StockService,
  ) {}

  /** The groups a product may be in (those the form offers: levels 2 and 3), with "I.2.b Mật ong…" labels. */
  private async categories(): Promise<{ list: ImportCategory[]; labels: Map<number, string> }> {
    const { byCode } = await this.catalog.categories();
    const list = [...byCode.values()].filter((c) => c.level >= 2).map((c) => ({ id: c.id, code: c.code, nameVi: c.nameVi }));
    return { list, labels: new Map(list.map((c) => [c.id, `${c.code} ${c.nameVi}`])) };
  }

  private async sellerProducts(manager: EntityManager, sellerId: number, lock: boolean): Promise<PlannedProduct[]> {
    return manager.query(
      `SELECT p.id, p.version, p.stock, p.name, p.category_id AS "categoryId", p.description, p.price_vnd AS "priceVnd", p.unit,
              p.ocop_stars AS "ocopStars", p.ocop_certificate_no AS "ocopCertificateNo", p.ocop_decision_date AS "ocopDecisionDate", p.sku,
              p.weight_grams AS "weightGrams", c.code || ' ' || c.name_vi AS "categoryLabel"
       FROM products p JOIN categories c ON c.id = p.category_id
       WHERE p.seller_id = $1 ORDER BY p.id${lock ? ' FOR UPDATE OF p' : ''}`,
      [sellerId],
    );
  }

  /** Every product of the cooperative, oldest first, as the spreadsheet the import reads back. */
  async exportCsv(actor: Actor): Promise<{ fileName: string; csv: string }> {
    const seller = await this.sellers.activeSeller(actor);
    const rows = (await this.dataSource.query(
      `SELECT p.name, c.code AS "categoryCode", c.name_vi AS "categoryName", p.description, p.price_vnd AS "priceVnd", p.unit, p.stock,
              p.ocop_stars AS "ocopStars", p.ocop_certificate_no AS "ocopCertificateNo", p.ocop_decision_date AS "ocopDecisionDate", p.sku,
              p.weight_grams AS "weightGrams"
       FROM products p JOIN categories c ON c.id = p.category_id WHERE p.seller_id = $1 ORDER BY p.id`,
      [seller.id],
    )) as ExportedProduct[];
    return { fileName: `san-pham-${seller.slug}.csv`, csv: productsCsv(rows) };
  }

  /** The template: the same headers and one example row. */
  templateCsv(): string {
    return productsCsv([
      {
        name: 'Mật ong hoa rừng Bảo Hà',
        categoryCode: 'I.2.b',
        categoryName: 'Mật ong, mật khác và nông sản thực phẩm khác',
        description: 'Mật ong hoa rừng nguyên chất, thu hoạch tháng 4.',
        priceVnd: 125000,
        unit: 'chai 500ml',
        stock: 20,
        ocopStars: 4,
        ocopCertificateNo: '1234/QĐ-UBND',
        ocopDecisionDate: '2025-11-26',
        sku: 'MO-500',
        weightGrams: 650,
      },
    ]);
  }

  /** Reads the upload; a file it cannot use is refused whole (nothing stored), one it can is kept for the preview. */
  async upload(actor: Actor, file: { originalname: string; buffer: Buffer } | undefined): Promise<number> {
    const seller = await this.sellers.activeSeller(actor);
    if (!file || file.buffer.length === 0) throw new ImportFileError({ key: 'import.file.missing' });
    if (file.buffer.length > MAX_IMPORT_BYTES) throw new ImportFileError({ key: 'import.file.tooLarge', params: { max: 2 } });
    const text = decodeUpload(file.buffer);
    if (text === null) throw new ImportFileError({ key: 'import.file.notCsv' });
    const parsed = parseImport(text, (await this.categories()).list);
    if (!parsed.ok) throw new ImportFileError(parsed.error);
    return this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, seller.id);
      const [{ id }] = (await manager.query(`INSERT INTO product_imports (seller_id, file_name, content, created_by) VALUES ($1, $2, $3, $4) RETURNING id`, [
        seller.id,
        // Shown on the preview only, escaped; control characters dropped.
        Array.from(file.originalname.replace(/[\p{Cc}]/gu, ''))
          .slice(0, 200)
          .join(''),
        parsed.text,
        actor.id,
      ])) as { id: number }[];
      return id;
    });
  }

  private async ownImport(manager: EntityManager, sellerId: number, importId: number, lock: boolean): Promise<ImportRow> {
    const [row] = (await manager.query(`SELECT ${IMPORT_COLUMNS_SQL} FROM product_imports WHERE id = $1 AND seller_id = $2${lock ? ' FOR UPDATE' : ''}`, [
      importId,
      sellerId,
    ])) as ImportRow[];
    if (!row) throw new NotFoundError(msg('import.error.notFound'));
    return row;
  }

  private async plan(manager: EntityManager, seller: Seller, content: string, lock: boolean): Promise<{ plan: ImportPlan; ignoredColumns: string[] }> {
    const { list, labels } = await this.categories();
    const parsed = parseImport(content, list);
    // The stored content was read once already; a change of the group list could still refuse it.
    if (!parsed.ok) throw new ImportFileError(parsed.error);
    const products = await this.sellerProducts(manager, seller.id, lock);
    return { plan: planImport(parsed.rows, products, labels), ignoredColumns: parsed.ignoredColumns };
  }

  /** The preview: what each row would do to the products as they are now. Reads only. */
  async preview(actor: Actor, importId: number): Promise<ImportView> {
    const seller = await this.sellers.activeSeller(actor);
    const row = await this.ownImport(this.dataSource.manager, seller.id, importId, false);
    const base = { id: row.id, fileName: row.fileName, createdAt: row.createdAt, appliedAt: row.appliedAt, summary: row.summary };
    if (row.appliedAt) return { ...base, plan: null, ignoredColumns: [] };
    return { ...base, ...(await this.plan(this.dataSource.manager, seller, row.content, false)) };
  }

  /**
   * Applies the stored file, all rows or none: the plan is rebuilt with the cooperative's products
   * locked, and must be the one previewed (`fingerprint`). New rows are drafts (photos to add), changed
   * rows are saved by ProductService (a changed claim goes back to "chờ xác minh"), stock differences
   * are ledger rows with reason 'import'. Confirming an applied import again changes nothing.
   */
  async confirm(actor: Actor, importId: number, fingerprint: string): Promise<ImportSummary> {
    const seller = await this.sellers.activeSeller(actor);
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.sellers.lockActiveSeller(manager, seller.id);
        // Held to the end: a second confirmation waits here, then finds it applied.
        const row = await this.ownImport(manager, seller.id, importId, true);
        if (row.appliedAt) return row.summary!;
        const { plan } = await this.plan(manager, seller, row.content, true);
        if (plan.errors.length > 0) throw new ImportRowsError(plan.errors);
        if (plan.fingerprint !== fingerprint) {
          throw new ConflictError(translate('vi', 'import.confirm.changed'), 'import_changed');
        }
        const summary = await this.apply(manager, actor, seller, plan, row);
        await manager.query(`UPDATE product_imports SET applied_at = now(), applied_by = $2, summary = $3 WHERE id = $1`, [row.id, actor.id, summary]);
        await this.sellers.recordActedFor(manager, actor, seller.id, 'product.import', { importId: row.id, ...summary });
        return summary;
      });
    } catch (err) {
      // CASE: a product saved elsewhere took a SKU of the file between our check and the write.
      if (isUniqueViolation(err, 'products_seller_sku_key')) throw new ConflictError(translate('vi', 'import.confirm.changed'), 'import_changed');
      throw err;
    }
  }

  private async apply(manager: EntityManager, actor: Actor, seller: Seller, plan: ImportPlan, row: ImportRow): Promise<ImportSummary> {
    const summary: ImportSummary = { created: 0, updated: 0, unchanged: plan.counts.unchanged, stockMovements: 0 };
    const note = `Tệp ${row.fileName || `#${row.id}`}`.slice(0, 200);
    const rowErrors: RowError[] = [];
    for (const r of plan.rows) {
      if (r.kind !== 'new' && r.kind !== 'update') continue;
      const v = r.row;
      const details = {
        name: v.name,
        categoryId: v.categoryId!,
        description: v.description,
        priceVnd: v.priceVnd!,
        unit: v.unit,
        ocopStars: v.ocopStars,
        ocopCertificateNo: v.ocopCertificateNo,
        ocopDecisionDate: v.ocopDecisionDate,
        // Null (blank, or no such column) only on an update: ProductService keeps the weight then.
        weightGrams: v.weightGrams ?? undefined,
      };
      let productId: number;
      if (r.kind === 'new') {
        const product = await this.products.createDraft(manager, seller.id, { ...details, lowStockThreshold: 5, sku: v.sku });
        productId = product.id;
        summary.created += 1;
      } else {
        productId = r.product!.id;
        if (r.detailsChanged) {
          const [{ lowStockThreshold }] = (await manager.query(`SELECT low_stock_threshold AS "lowStockThreshold" FROM products WHERE id = $1`, [
            productId,
          ])) as { lowStockThreshold: number }[];
          // A row without SKU (matched by its name) leaves the product's SKU as it is.
          const saved = await this.products.saveDetails(
            manager,
            { productId, sellerId: seller.id, version: r.product!.version },
            { ...details, lowStockThreshold, ...(v.sku ? { sku: v.sku } : {}) },
          );
          if (!saved) throw new ConflictError(translate('vi', 'import.confirm.changed'), 'import_changed');
        }
        summary.updated += 1;
      }
      if (r.stockDelta !== 0) {
        try {
          await this.stock.applyChange(manager, { productId, delta: r.stockDelta, reason: 'import', note, actorUserId: actor.id });
          summary.stockMovements += 1;
        } catch (err) {
          if (!(err instanceof InsufficientStockError)) throw err;
          rowErrors.push({ line: r.line, column: 'stock', key: 'import.error.stockBelowReserved' });
        }
      }
    }
    // A failed ledger statement leaves the transaction usable (no row matched): every such row is reported, then all is undone.
    if (rowErrors.length > 0) throw new ImportRowsError(rowErrors);
    return summary;
  }
}
