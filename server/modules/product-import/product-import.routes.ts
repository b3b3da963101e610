import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import type { Csrf } from '../../http/csrf';
import { formBody } from '../../http/forms';
import { parseInput } from '../../http/validate';
import { AppError, NotFoundError } from '../../lib/errors';
import { formatVnd } from '../../lib/money';
import { msg, translate, type Language } from '../../rendering/i18n';
import { IMPORT_COLUMNS, IMPORT_HEADERS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, type RowError } from './product-import.csv';
import type { ImportPlan, PlannedRow } from './product-import.plan';
import { confirmImportSchema, importIdParams } from './product-import.schemas';
import { ImportFileError, ImportRowsError, type ProductImportService } from './product-import.service';

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 3, parts: 4, fieldSize: 1024 },
}).single('file');

/** Multer's refusals as the page's 422 (too large, a wrong field), a broken body as 400. */
function parseUpload(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    upload(req, res, (err: unknown) => {
      if (!err) return resolve();
      if (err instanceof multer.MulterError) {
        return reject(
          new ImportFileError(err.code === 'LIMIT_FILE_SIZE' ? { key: 'import.file.tooLarge', params: { max: 2 } } : { key: 'import.file.missing' }),
        );
      }
      reject(new AppError(msg('seller.upload.broken'), 400, 'bad_upload'));
    }),
  );
}

/** "Dòng 7, cột giá: phải là số tiền, ví dụ 125.000" */
function describe(lang: Language, error: RowError): string {
  const message = translate(lang, error.key, error.params);
  return error.column
    ? translate(lang, 'import.error.atColumn', { line: error.line, column: IMPORT_HEADERS[error.column], message })
    : translate(lang, 'import.error.atLine', { line: error.line, message });
}

/** The preview's rows as the page shows them: changed rows in full, unchanged ones by name only. */
function previewLocals(lang: Language, plan: ImportPlan, errors: RowError[] = plan.errors) {
  const kindLabel = (r: PlannedRow) => translate(lang, `import.kind.${r.kind}`);
  const changed = plan.rows.filter((r) => r.kind === 'new' || r.kind === 'update');
  return {
    counts: plan.counts,
    errors: errors.map((e) => describe(lang, e)),
    changed: changed.map((r) => ({
      line: r.line,
      kind: r.kind,
      kindLabel: kindLabel(r),
      name: r.name,
      sku: r.sku,
      isNew: r.kind === 'new',
      priceVnd: r.row.priceVnd === null ? '' : formatVnd(r.row.priceVnd),
      stock: r.row.stock,
      productId: r.product?.id ?? null,
      changes: r.changes.map((c) => ({ column: IMPORT_HEADERS[c.column], from: c.from, to: c.to })),
    })),
    unchanged: plan.rows.filter((r) => r.kind === 'unchanged').map((r) => ({ line: r.line, name: r.name, sku: r.sku })),
    canConfirm: errors.length === 0 && plan.changeCount > 0,
    nothingToDo: errors.length === 0 && plan.changeCount === 0,
    fingerprint: plan.fingerprint,
  };
}

/**
 * The seller's product spreadsheet: `GET /seller/products.csv`, the help page and template,
 * `POST /seller/products/import` (multipart field `file`), its preview and confirmation. The seller
 * area's guards (signed-in seller, no writes while suspended, acting for a household) run before these.
 */
export function productImportRoutes(deps: { imports: ProductImportService; csrf: Csrf }): Router {
  const { imports, csrf } = deps;
  const router = express.Router();

  const helpLocals = (res: Response) => {
    const lang = langOf(res);
    return {
      title: translate(lang, 'import.title'),
      columns: IMPORT_COLUMNS.map((c) => ({ header: IMPORT_HEADERS[c], help: translate(lang, `import.column.${c}`) })),
      maxRows: MAX_IMPORT_ROWS.toLocaleString('vi-VN'),
    };
  };

  router.get('/seller/products.csv', async (req, res) => {
    const { fileName, csv } = await imports.exportCsv(req.user!);
    res.attachment(fileName).type('text/csv; charset=utf-8').send(csv);
  });

  router.get('/seller/products/import', async (_req, res) => {
    res.render('product-import/import', helpLocals(res));
  });

  router.get('/seller/products/import/template.csv', (_req, res) => {
    res.attachment('mau-nhap-san-pham.csv').type('text/csv; charset=utf-8').send(imports.templateCsv());
  });

  router.post('/seller/products/import', async (req, res, next) => {
    try {
      await parseUpload(req, res);
      await new Promise<void>((resolve, reject) => csrf.protectParsed(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
      const id = await imports.upload(req.user!, req.file);
      res.redirect(303, `/seller/products/import/${id}`);
    } catch (err) {
      if (!(err instanceof ImportFileError)) return next(err);
      res.status(422).render('product-import/import', { ...helpLocals(res), formError: translate(langOf(res), err.detail.key, err.detail.params) });
    }
  });

  const renderPreview = async (req: Request, res: Response, id: number, extra: { status?: number; notice?: string; rowErrors?: RowError[] } = {}) => {
    const lang = langOf(res);
    const view = await imports.preview(req.user!, id);
    res.status(extra.status ?? 200).render('product-import/preview', {
      title: translate(lang, 'import.preview.title'),
      id: view.id,
      fileName: view.fileName,
      createdAt: view.createdAt,
      applied: view.appliedAt !== null,
      appliedAt: view.appliedAt,
      summary: view.summary,
      ignoredColumns: view.ignoredColumns.join(', '),
      notice: extra.notice,
      ...(view.plan ? previewLocals(lang, view.plan, extra.rowErrors && extra.rowErrors.length > 0 ? extra.rowErrors : view.plan.errors) : {}),
    });
  };

  const idOf = (req: Request) => {
    const parsed = importIdParams.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError();
    return parsed.data.id;
  };

  router.get('/seller/products/import/:id', async (req, res) => {
    const id = idOf(req);
    await renderPreview(req, res, id, { notice: req.query.ok === 'applied' ? translate(langOf(res), 'import.applied') : undefined });
  });

  router.post('/seller/products/import/:id/confirm', async (req, res) => {
    const id = idOf(req);
    const lang = langOf(res);
    try {
      const { fingerprint } = parseInput(confirmImportSchema, formBody(req));
      await imports.confirm(req.user!, id, fingerprint);
      res.redirect(303, `/seller/products/import/${id}?ok=applied`);
    } catch (err) {
      // Nothing was written: the preview again, with what stopped it.
      if (err instanceof ImportRowsError)
        return renderPreview(req, res, id, { status: 422, notice: translate(lang, 'import.confirm.failed'), rowErrors: err.errors });
      if (err instanceof AppError && (err.code === 'import_changed' || err.code === 'validation')) {
        return renderPreview(req, res, id, { status: 409, notice: translate(lang, 'import.confirm.changed') });
      }
      throw err;
    }
  });

  return router;
}
