import express, { type Request, type Response, type Router } from 'express';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { parseInput } from '../../http/validate';
import { NotFoundError } from '../../lib/errors';
import { translate, type Language } from '../../rendering/i18n';
import { batchParams, labelQuery, LABEL_SIZES, newBatchSchema, productParams, traceParams } from './traceability.schemas';
import type { TraceabilityService } from './traceability.service';

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/** 404 for an impossible id, like someone else's. */
function parseOr404<T>(parse: () => T): T {
  try {
    return parse();
  } catch {
    throw new NotFoundError();
  }
}

/** The seller's batches of a product, the add form, and the printable label sheet. */
export function sellerBatchRoutes(traceability: TraceabilityService): Router {
  const router = express.Router();

  const renderBatches = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const { id } = parseOr404(() => parseInput(productParams, req.params));
    const { product, batches } = await traceability.productBatches(req.user!, id);
    res.render('traceability/batches', {
      title: translate(langOf(res), 'trace.seller.title', { name: product.name }),
      product,
      batches,
      values: { producedOn: traceability.today() },
      notice: req.query.ok === 'created' ? translate(langOf(res), 'trace.seller.created') : undefined,
      ...extra,
    });
  };

  router.get('/seller/products/:id/batches', (req, res) => renderBatches(req, res));

  router.post('/seller/products/:id/batches', async (req, res) => {
    const { id } = parseOr404(() => parseInput(productParams, req.params));
    try {
      await traceability.createBatch(req.user!, id, parseInput(newBatchSchema, formBody(req)));
      res.redirect(303, `/seller/products/${id}/batches?ok=created`);
    } catch (err) {
      const { product, batches } = await traceability.productBatches(req.user!, id);
      renderFormError(res, 'traceability/batches', err, {
        title: translate(langOf(res), 'trace.seller.title', { name: product.name }),
        product,
        batches,
        values: formValues(req),
      });
    }
  });

  router.get('/seller/products/:id/batches/:batchId/labels', async (req, res) => {
    const { id, batchId } = parseOr404(() => parseInput(batchParams, req.params));
    const { size } = labelQuery.parse(req.query);
    const sheet = await traceability.labelSheet(req.user!, id, batchId, size);
    res.render('traceability/labels', {
      title: translate(langOf(res), 'trace.labels.title', { code: sheet.batch.code }),
      ...sheet,
      labels: Array.from({ length: sheet.layout.count }, () => ({})),
      sizes: LABEL_SIZES.map((s) => ({ value: s, label: s.replace('x', ' × '), current: s === size })),
      hideStickyCart: true,
    });
  });

  return router;
}

/** GET /trace/:code — public, read-only: no session is read or written (mounted before the session). */
export function traceRoutes(traceability: TraceabilityService): Router {
  const router = express.Router();
  router.get('/trace/:code', async (req, res) => {
    const parsed = traceParams.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('public.error.traceNotFound');
    const trace = await traceability.trace(parsed.data.code);
    res.render('traceability/trace', {
      title: translate(langOf(res), 'trace.page.title', { name: trace.product.name, code: trace.batch.code }),
      metaDescription: translate(langOf(res), 'trace.page.description', { name: trace.product.name, producer: trace.producer.name }),
      canonical: trace.url,
      trace,
      noScript: true,
      hideStickyCart: true,
    });
  });
  return router;
}
