import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import type { Csrf } from '../../http/csrf';
import { AppError, ConflictError, ValidationError } from '../../lib/errors';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { parseInput } from '../../http/validate';
import type { CatalogService, Product } from '../catalog';
import { ADJUSTMENT_REASONS } from '../inventory';
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_PRODUCT, PhotosBusyError, UnsupportedMediaError } from './photo-processing';
import { editProductSchema, imageParams, moveImageSchema, newProductSchema, productIdParams, stockAdjustmentSchema } from './seller-products.schemas';
import type { SellerProductsService } from './seller-products.service';
import { msg, translate, type Language } from '../../rendering/i18n';

/** Messages shown after a redirect (?ok=…): fixed texts (seller.notice.<ok>), never echoed from the URL. */
const NOTICES = new Set(['created', 'saved', 'published', 'unpublished', 'stock', 'photos', 'photo_deleted', 'photo_moved']);

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/**
 * A stock-ledger note the system wrote (a batch, a CSV import, a late payment's hold) in the reader's
 * language. The ledger keeps them in Vietnamese, as its CSV download shows them; a seller's own note stays as written.
 */
function ledgerNote(lang: Language, reason: string, note: string | null): string | null {
  if (!note || lang === 'vi') return note;
  const batch = reason === 'batch' ? /^Lô (.+)$/.exec(note) : null;
  if (batch) return translate(lang, 'seller.note.batch', { code: batch[1] });
  const file = reason === 'import' ? /^Tệp (.+)$/.exec(note) : null;
  if (file) return translate(lang, 'seller.note.import', { file: file[1] });
  if (note === 'Giữ lại hàng cho thanh toán đến muộn') return translate(lang, 'seller.note.latePaymentHold');
  return note;
}

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS_PER_PRODUCT, fields: 5, parts: MAX_PHOTOS_PER_PRODUCT + 5, fieldSize: 1024 },
}).array('images', MAX_PHOTOS_PER_PRODUCT);

/** Multer's refusals as our errors, with a status and a sentence a seller understands. */
function parseUpload(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    upload(req, res, (err: unknown) => {
      if (!err) return resolve();
      if (err instanceof multer.MulterError) {
        const messages: Partial<Record<multer.ErrorCode, [number, string]>> = {
          LIMIT_FILE_SIZE: [413, msg('seller.upload.fileSize', { mb: MAX_PHOTO_BYTES / 1024 / 1024 })],
          LIMIT_FILE_COUNT: [413, msg('seller.upload.fileCount', { max: MAX_PHOTOS_PER_PRODUCT })],
          LIMIT_UNEXPECTED_FILE: [422, msg('seller.upload.field')],
        };
        const [status, message] = messages[err.code] ?? [413, msg('seller.upload.tooLarge')];
        return reject(new AppError(message, status, 'upload_refused'));
      }
      reject(new AppError(msg('seller.upload.broken'), 400, 'bad_upload'));
    }),
  );
}

/** What the product page shows next to the photo form: a refused upload or photo, or every photo slot busy. */
function isUploadRefusal(err: unknown): err is AppError {
  if (err instanceof ValidationError || err instanceof UnsupportedMediaError || err instanceof PhotosBusyError) return true;
  return err instanceof AppError && (err.code === 'upload_refused' || err.code === 'bad_upload');
}

export function sellerProductRoutes(deps: { sellerProducts: SellerProductsService; catalog: CatalogService; csrf: Csrf }): Router {
  const { sellerProducts, catalog, csrf } = deps;
  const router = express.Router();

  /** The OCOP groups in the reader's language (each category has its Vietnamese and English name). */
  const categoryGroups = async (selected: unknown, lang: Language) => {
    const { roots } = await catalog.categories();
    const name = (c: { nameVi: string; nameEn: string }) => (lang === 'en' && c.nameEn ? c.nameEn : c.nameVi);
    return roots.map((root) => ({
      label: `${root.code} ${name(root)}`,
      options: root.children.flatMap((child) => [
        { id: child.id, label: `${child.code} ${name(child)}`, selected: String(child.id) === String(selected) },
        ...child.children.map((leaf) => ({ id: leaf.id, label: `— ${leaf.code} ${name(leaf)}`, selected: String(leaf.id) === String(selected) })),
      ]),
    }));
  };
  const formLocals = async (res: Response, title: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    title,
    values,
    categoryGroups: await categoryGroups(values.categoryId, langOf(res)),
    starOptions: [3, 4, 5].map((n) => ({ value: n, selected: String(values.ocopStars) === String(n) })),
    ...extra,
  });
  const productValues = (p: Product) => ({
    name: p.name,
    categoryId: p.categoryId,
    description: p.description,
    priceVnd: String(p.priceVnd),
    unit: p.unit,
    lowStockThreshold: String(p.lowStockThreshold),
    ocopStars: p.ocopStars ?? '',
    ocopCertificateNo: p.ocopCertificateNo ?? '',
    ocopDecisionDate: p.ocopDecisionDate ?? '',
    sku: p.sku ?? '',
    weightGrams: String(p.weightGrams),
    version: String(p.version),
  });

  const renderDetail = async (req: Request, res: Response, id: number, extra: Record<string, unknown> = {}) => {
    const detail = await sellerProducts.get(req.user!, id);
    res.render('sellers/product', {
      title: detail.product.name,
      ...detail,
      ledger: detail.ledger.map((m) => ({ ...m, note: ledgerNote(langOf(res), m.reason, m.note) })),
      lowStock: detail.product.stock <= detail.product.lowStockThreshold,
      reasons: ADJUSTMENT_REASONS.map((r) => ({ value: r })),
      canAddPhotos: detail.images.length < MAX_PHOTOS_PER_PRODUCT,
      maxPhotos: MAX_PHOTOS_PER_PRODUCT,
      notice: NOTICES.has(String(req.query.ok)) ? translate(langOf(res), `seller.notice.${String(req.query.ok)}`) : undefined,
      ...extra,
    });
  };

  /**
   * A change to one product, then back to its page with the `ok` notice. A refusal that `shown`
   * recognises (it answers what the page shows about it) renders the product page again with the
   * error's status; anything else propagates.
   */
  const changeProduct = async (
    req: Request,
    res: Response,
    id: number,
    change: () => Promise<unknown>,
    ok: string,
    shown: (err: AppError) => Record<string, unknown> | undefined,
  ) => {
    try {
      await change();
      res.redirect(303, `/seller/products/${id}?ok=${ok}`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const extra = shown(err);
      if (!extra) throw err;
      res.status(err.status);
      await renderDetail(req, res, id, extra);
    }
  };
  /** A refusal by the rules (ConflictError), its reason shown where `slot` puts it. */
  const conflictIn = (slot: 'error' | 'uploadError') => (err: AppError) => (err instanceof ConflictError ? { [slot]: err.message } : undefined);

  router.get('/seller/products', async (req, res) => {
    const seller = await sellerProducts.approvedSeller(req.user!);
    const products = await sellerProducts.list(req.user!, seller);
    res.render('sellers/products', {
      title: translate(langOf(res), 'seller.products.title'),
      seller,
      products,
    });
  });

  router.get('/seller/products/new', async (req, res) => {
    await sellerProducts.approvedSeller(req.user!);
    res.render(
      'sellers/product-form',
      await formLocals(res, translate(langOf(res), 'seller.form.new'), { stock: '0', lowStockThreshold: '5' }, { isNew: true }),
    );
  });

  router.post('/seller/products/new', async (req, res) => {
    try {
      const product = await sellerProducts.create(req.user!, parseInput(newProductSchema, formBody(req)));
      res.redirect(303, `/seller/products/${product.id}?ok=created`);
    } catch (err) {
      renderFormError(res, 'sellers/product-form', err, await formLocals(res, translate(langOf(res), 'seller.form.new'), formValues(req), { isNew: true }));
    }
  });

  router.get('/seller/products/:id', async (req, res) => {
    const { id } = parseInput(productIdParams, req.params);
    await renderDetail(req, res, id);
  });

  router.get('/seller/products/:id/edit', async (req, res) => {
    const { id } = parseInput(productIdParams, req.params);
    const { product } = await sellerProducts.get(req.user!, id);
    res.render(
      'sellers/product-form',
      await formLocals(res, translate(langOf(res), 'seller.form.editTitle', { name: product.name }), productValues(product), { product }),
    );
  });

  router.post('/seller/products/:id/edit', async (req, res) => {
    const { id } = parseInput(productIdParams, req.params);
    try {
      await sellerProducts.update(req.user!, id, parseInput(editProductSchema, formBody(req)));
      res.redirect(303, `/seller/products/${id}?ok=saved`);
    } catch (err) {
      const { product } = await sellerProducts.get(req.user!, id);
      if (err instanceof AppError && err.code === 'stale_edit') {
        // Keep what the seller typed, but show the latest version number so a deliberate re-save works.
        res.status(409).render(
          'sellers/product-form',
          await formLocals(
            res,
            translate(langOf(res), 'seller.form.editTitle', { name: product.name }),
            { ...formValues(req), version: String(product.version) },
            {
              product,
              formError: err.message,
            },
          ),
        );
        return;
      }
      renderFormError(
        res,
        'sellers/product-form',
        err,
        await formLocals(res, translate(langOf(res), 'seller.form.editTitle', { name: product.name }), formValues(req), { product }),
      );
    }
  });

  router.post('/seller/products/:id/publish', async (req, res) => {
    const { id } = parseInput(productIdParams, req.params);
    await changeProduct(req, res, id, () => sellerProducts.publish(req.user!, id), 'published', conflictIn('error'));
  });

  router.post('/seller/products/:id/unpublish', async (req, res) => {
    const { id } = parseInput(productIdParams, req.params);
    await sellerProducts.unpublish(req.user!, id);
    res.redirect(303, `/seller/products/${id}?ok=unpublished`);
  });

  router.post('/seller/products/:id/stock', async (req, res) => {
    const { id } = parseInput(productIdParams, req.params);
    await changeProduct(
      req,
      res,
      id,
      () => sellerProducts.adjustStock(req.user!, id, parseInput(stockAdjustmentSchema, formBody(req))),
      'stock',
      (err) => (err instanceof ValidationError ? { stockErrors: err.fieldErrors, stockValues: formValues(req) } : undefined),
    );
  });

  router.get('/seller/products/:id/stock.csv', async (req, res) => {
    const { id } = parseInput(productIdParams, req.params);
    const { fileName, csv } = await sellerProducts.ledgerCsv(req.user!, id);
    res.attachment(fileName).type('text/csv; charset=utf-8').send(csv);
  });

  router.post('/seller/products/:id/images', async (req, res, next) => {
    const { id } = parseInput(productIdParams, req.params);
    try {
      await parseUpload(req, res);
      await new Promise<void>((resolve, reject) => csrf.protectParsed(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      await sellerProducts.uploadPhotos(req.user!, id, files);
      res.redirect(303, `/seller/products/${id}?ok=photos`);
    } catch (err) {
      if (!isUploadRefusal(err)) return next(err);
      // Busy: the seller stays on the product page with the message; the header tells clients when to retry.
      if (err instanceof PhotosBusyError) res.set('Retry-After', String(err.retryAfterSeconds));
      res.status(err.status);
      const message = err instanceof ValidationError ? (err.fieldErrors.images ?? err.message) : err.message;
      await renderDetail(req, res, id, { uploadError: message });
    }
  });

  router.post('/seller/products/:id/images/:imageId/delete', async (req, res) => {
    const { id, imageId } = parseInput(imageParams, req.params);
    await changeProduct(req, res, id, () => sellerProducts.deletePhoto(req.user!, id, imageId), 'photo_deleted', conflictIn('uploadError'));
  });

  router.post('/seller/products/:id/images/:imageId/cover', async (req, res) => {
    const { id, imageId } = parseInput(imageParams, req.params);
    await sellerProducts.reorderPhoto(req.user!, id, imageId, 'cover');
    res.redirect(303, `/seller/products/${id}?ok=photo_moved`);
  });

  router.post('/seller/products/:id/images/:imageId/move', async (req, res) => {
    const { id, imageId } = parseInput(imageParams, req.params);
    const { direction } = parseInput(moveImageSchema, formBody(req));
    await sellerProducts.reorderPhoto(req.user!, id, imageId, direction);
    res.redirect(303, `/seller/products/${id}?ok=photo_moved`);
  });

  return router;
}
