import express, { type Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../accounts';
import { ConflictError, ValidationError } from '../../lib/errors';
import { formBody } from '../../http/forms';
import { safeLocalPath } from '../../http/safe-redirect';
import { setFlash, takeFlash } from '../../http/session';
import { parseInput } from '../../http/validate';
import { requestLanguage } from '../../http/language';
import { isMessageKey, msg, translate, type Language } from '../../rendering/i18n';
import { bankName } from '../../lib/banks';
import type { AuditService } from '../audit';
import type { ProductModerationService } from './product-moderation.service';
import {
  SELLER_STATUSES,
  allowedDecisions,
  decisionBodySchema,
  decisionParamsSchema,
  statusFilterSchema,
  taxWithholdingBodySchema,
  type SellersService,
} from '../sellers';
import { TAX_WITHHOLDING_MODES, isWithheld, payoutsWaitForIdentification } from '../tax';

/** An audit entry's action in the reader's language (admin.action.<action>), or its code when it has no label. */
function actionLabel(lang: Language, action: string): string {
  const key = `admin.action.${action}`;
  return isMessageKey(key) ? translate(lang, key) : action;
}

// Ids are PostgreSQL integers: a larger number is simply not found, never a database error.
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const productFilter = z.object({
  ocop: z.enum(['pending', 'verified', 'expired']).optional().catch(undefined),
  status: z.enum(['draft', 'active', 'hidden']).optional().catch(undefined),
  sellerId: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});
const productActionParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647), action: z.enum(['hide', 'restore', 'verify-ocop']) });
const productActionBody = z
  .object({ reason: z.string().trim().max(1000, msg('admin.reasonMax1000')).default(''), returnTo: z.string().max(500).optional() })
  .strict();
// The verify form carries the claim version the admin was shown; a verify without it is refused.
const verifyOcopBody = productActionBody.extend({ claimVersion: z.coerce.number().int().positive().max(2_147_483_647) }).strict();
const auditQuery = z.object({
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional()
    .catch(undefined),
});

/** The back office. Every route is admin-only here, and every service call checks the actor again. */
export function adminRoutes(deps: { sellers: SellersService; audit: AuditService; products: ProductModerationService }): Router {
  const { sellers, audit, products } = deps;
  const router = express.Router();
  router.use('/admin', requireRole('admin'));

  router.get('/admin/sellers', async (req, res) => {
    const { status } = statusFilterSchema.parse(req.query);
    const [counts, rows] = await Promise.all([sellers.countsByStatus(req.user!), sellers.listForAdmin(req.user!, status)]);
    const lang = requestLanguage(res);
    res.render('admin/sellers', {
      title: translate(lang, 'admin.sellers.title'),
      status,
      tabs: [
        { href: '/admin/sellers', label: translate(lang, 'admin.all'), count: Object.values(counts).reduce((a, b) => a + b, 0), current: !status },
        ...SELLER_STATUSES.map((s) => ({
          href: `/admin/sellers?status=${s}`,
          label: translate(lang, `seller.status.${s}`),
          count: counts[s],
          current: status === s,
        })),
      ],
      sellers: rows,
    });
  });

  const renderSeller = async (req: express.Request, res: express.Response, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(idParams, req.params);
    const view = await sellers.getForAdmin(req.user!, id);
    res.render('admin/seller', {
      title: view.seller.name,
      ...view,
      bank: bankName(view.seller.bankBin),
      decisions: allowedDecisions(view.seller.status).map((d) => ({ value: d, danger: d === 'reject' || d === 'suspend' })),
      history: view.history.map((h) => ({ ...h, actionLabel: actionLabel(requestLanguage(res), h.action) })),
      // Decree 117/2025: the rule in force, what it decides, and the identification in full (admins only).
      taxWithheld: isWithheld(view.seller),
      taxWaitsForIdentification: payoutsWaitForIdentification(view.seller),
      taxModes: TAX_WITHHOLDING_MODES.map((mode) => ({
        value: mode,
        selected: mode === ((extra.taxValues as { mode?: string } | undefined)?.mode ?? view.seller.taxWithholding),
      })),
      ...extra,
    });
  };

  router.get('/admin/sellers/:id', (req, res) => renderSeller(req, res));

  // Before /:decision, which would take 'tax-withholding' for a decision.
  router.post('/admin/sellers/:id/tax-withholding', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    try {
      const { mode, reason } = parseInput(taxWithholdingBodySchema, formBody(req));
      await sellers.setTaxWithholding(req.user!, id, mode, reason);
      res.redirect(303, `/admin/sellers/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(422);
      await renderSeller(req, res, { taxErrors: err.fieldErrors, taxValues: formBody(req) });
    }
  });

  router.post('/admin/sellers/:id/:decision', async (req, res) => {
    const { id, decision } = parseInput(decisionParamsSchema, req.params);
    try {
      const { reason } = parseInput(decisionBodySchema, formBody(req));
      await sellers.decide(req.user!, id, decision, reason);
      res.redirect(303, `/admin/sellers/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(422);
      await renderSeller(req, res, { errors: err.fieldErrors, formError: err.fieldErrors.reason ?? err.message, failedDecision: decision });
    }
  });

  /** The moderation list for the filters of `listPath` (the page itself, or the one an action came from). */
  const renderProducts = async (req: express.Request, res: express.Response, listPath: string, notice?: string) => {
    const filter = productFilter.parse(Object.fromEntries(new URL(listPath, 'http://local').searchParams));
    const [rows, sellerOptions] = await Promise.all([products.list(req.user!, filter), sellers.listForAdmin(req.user!)]);
    res.render('admin/products', {
      title: translate(requestLanguage(res), 'admin.products.title'),
      filter,
      products: rows,
      sellerOptions: sellerOptions.map((s) => ({ id: s.id, name: s.name, selected: s.id === filter.sellerId })),
      returnTo: listPath,
      notice,
    });
  };

  router.get('/admin/products', async (req, res) => {
    await renderProducts(req, res, req.originalUrl, takeFlash(req));
  });

  /** After an action, back to the filtered list the admin came from. */
  const backToList = (req: express.Request) => {
    const to = safeLocalPath(req.body?.returnTo, '/admin/products');
    return to.startsWith('/admin/products') ? to : '/admin/products';
  };

  router.post('/admin/products/:id/:action', async (req, res) => {
    const { id, action } = parseInput(productActionParams, req.params);
    const { reason, claimVersion } =
      action === 'verify-ocop' ? parseInput(verifyOcopBody, formBody(req)) : { ...parseInput(productActionBody, formBody(req)), claimVersion: 0 };
    try {
      if (action === 'verify-ocop') await products.verifyOcop(req.user!, id, claimVersion, reason);
      if (action === 'hide') await products.hide(req.user!, id, reason);
      if (action === 'restore') await products.restore(req.user!, id, reason);
      await setFlash(req, msg(`admin.notice.${action}`));
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'stale_claim') {
        // The admin must see the claim as it is now before verifying it: the list again, with its new version.
        res.status(409);
        await renderProducts(req, res, backToList(req), err.message);
        return;
      }
      if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) throw err;
      await setFlash(req, err instanceof ValidationError ? (Object.values(err.fieldErrors)[0] ?? err.message) : err.message);
      res.redirect(303, backToList(req));
      return;
    }
    res.redirect(303, backToList(req));
  });

  router.get('/admin/audit', async (req, res) => {
    const { before } = auditQuery.parse(req.query);
    const page = await audit.list(req.user!, { beforeId: before });
    res.render('admin/audit', {
      title: translate(requestLanguage(res), 'admin.audit.title'),
      entries: page.entries.map((e) => ({ ...e, actionLabel: actionLabel(requestLanguage(res), e.action) })),
      nextHref: page.nextBeforeId ? `/admin/audit?before=${page.nextBeforeId}` : null,
    });
  });

  return router;
}
