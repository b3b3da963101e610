import express, { type Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../../http/auth';
import { ValidationError } from '../../http/errors';
import { formBody } from '../../http/forms';
import { parseInput } from '../../http/validate';
import { bankName } from '../../lib/banks';
import type { AuditService } from '../audit';
import type { ProductModerationService } from './product-moderation.service';
import {
  SELLER_STATUSES,
  SELLER_STATUS_LABELS,
  SELLER_TYPE_LABELS,
  allowedDecisions,
  decisionBodySchema,
  decisionParamsSchema,
  statusFilterSchema,
  type SellersService,
} from '../sellers';

const DECISION_LABELS = { approve: 'Duyệt', reject: 'Từ chối', suspend: 'Tạm ngừng', reinstate: 'Khôi phục' } as const;
const ACTION_LABELS: Record<string, string> = {
  'seller.applied': 'Nộp hồ sơ',
  'seller.resubmitted': 'Gửi lại hồ sơ',
  'seller.approve': 'Duyệt hợp tác xã',
  'seller.reject': 'Từ chối hồ sơ',
  'seller.suspend': 'Tạm ngừng bán hàng',
  'seller.reinstate': 'Khôi phục bán hàng',
  'product.verify-ocop': 'Xác minh chứng nhận OCOP',
};

const idParams = z.object({ id: z.coerce.number().int().positive() });
const productFilter = z.object({ ocop: z.enum(['pending', 'verified']).optional().catch(undefined) });
const auditQuery = z.object({ before: z.string().regex(/^\d{1,18}$/).optional().catch(undefined) });

/** The back office. Every route is admin-only here, and every service call checks the actor again. */
export function adminRoutes(deps: { sellers: SellersService; audit: AuditService; products: ProductModerationService }): Router {
  const { sellers, audit, products } = deps;
  const router = express.Router();
  router.use('/admin', requireRole('admin'));

  router.get('/admin', async (req, res) => {
    const counts = await sellers.countsByStatus(req.user!);
    res.render('admin/dashboard', { title: 'Quản trị', counts });
  });

  router.get('/admin/sellers', async (req, res) => {
    const { status } = statusFilterSchema.parse(req.query);
    const [counts, rows] = await Promise.all([sellers.countsByStatus(req.user!), sellers.listForAdmin(req.user!, status)]);
    res.render('admin/sellers', {
      title: 'Hợp tác xã',
      status,
      tabs: [
        { href: '/admin/sellers', label: 'Tất cả', count: Object.values(counts).reduce((a, b) => a + b, 0), current: !status },
        ...SELLER_STATUSES.map((s) => ({ href: `/admin/sellers?status=${s}`, label: SELLER_STATUS_LABELS[s], count: counts[s], current: status === s })),
      ],
      sellers: rows.map((s) => ({ ...s, statusLabel: SELLER_STATUS_LABELS[s.status], typeLabel: SELLER_TYPE_LABELS[s.type] })),
    });
  });

  const renderSeller = async (req: express.Request, res: express.Response, extra: Record<string, unknown> = {}) => {
    const { id } = parseInput(idParams, req.params);
    const view = await sellers.getForAdmin(req.user!, id);
    res.render('admin/seller', {
      title: view.seller.name,
      ...view,
      statusLabel: SELLER_STATUS_LABELS[view.seller.status],
      typeLabel: SELLER_TYPE_LABELS[view.seller.type],
      bank: bankName(view.seller.bankBin),
      decisions: allowedDecisions(view.seller.status).map((d) => ({ value: d, label: DECISION_LABELS[d], danger: d === 'reject' || d === 'suspend' })),
      history: view.history.map((h) => ({ ...h, actionLabel: ACTION_LABELS[h.action] ?? h.action })),
      ...extra,
    });
  };

  router.get('/admin/sellers/:id', (req, res) => renderSeller(req, res));

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

  router.get('/admin/products', async (req, res) => {
    const { ocop } = productFilter.parse(req.query);
    const rows = await products.list(req.user!, { ocop });
    res.render('admin/products', { title: 'Sản phẩm', ocop, products: rows });
  });

  router.post('/admin/products/:id/verify-ocop', async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { reason } = parseInput(decisionBodySchema, formBody(req));
    await products.verifyOcop(req.user!, id, reason);
    res.redirect(303, '/admin/products?ocop=pending');
  });

  router.get('/admin/audit', async (req, res) => {
    const { before } = auditQuery.parse(req.query);
    const page = await audit.list(req.user!, { beforeId: before });
    res.render('admin/audit', {
      title: 'Nhật ký quản trị',
      entries: page.entries.map((e) => ({ ...e, actionLabel: ACTION_LABELS[e.action] ?? e.action })),
      nextHref: page.nextBeforeId ? `/admin/audit?before=${page.nextBeforeId}` : null,
    });
  });

  return router;
}
