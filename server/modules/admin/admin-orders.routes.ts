import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { requireRole, type Actor } from '../accounts';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import { formBody } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { isCalendarDay } from '../../lib/dates';
import { parseInput } from '../../http/validate';
import { requestLanguage } from '../../http/language';
import { msg, translate } from '../../rendering/i18n';
import { ORDER_CODE_PATTERN, ORDER_STATUSES, canMoveOrder } from '../orders';
import { markPaidSchema, refundSchema, type PaymentIntakeService, type RefundsService } from '../payments';
import type { AdminOrdersService } from './admin-orders.service';
import { reviewReasonText } from './review-reasons';

const isoDay = z.string().refine(isCalendarDay);
export const adminOrderFilterSchema = z.object({
  status: z.enum(ORDER_STATUSES).optional().catch(undefined),
  method: z.enum(['stripe', 'vietqr']).optional().catch(undefined),
  flagged: z.literal('1').optional().catch(undefined),
  from: isoDay.optional().catch(undefined),
  to: isoDay.optional().catch(undefined),
  sellerId: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
});

const cancelOrderSchema = z
  .object({
    reason: z
      .string({ error: msg('admin.order.cancelReasonRequired') })
      .trim()
      .min(3, msg('admin.order.cancelReasonRequired'))
      .max(500, msg('admin.reasonMax500')),
  })
  .strict();

function orderCode(req: Request): string {
  const code = String(req.params.code);
  if (!ORDER_CODE_PATTERN.test(code)) throw new NotFoundError(msg('admin.order.notFound'));
  return code;
}

export function adminOrderRoutes(deps: { adminOrders: AdminOrdersService; intake: PaymentIntakeService; refunds: RefundsService }): Router {
  const { adminOrders, intake, refunds } = deps;
  const router = express.Router();
  router.use('/admin/orders', requireRole('admin'));

  router.get('/admin/orders.csv', requireRole('admin'), async (req, res) => {
    const filter = adminOrderFilterSchema.parse(req.query);
    const csv = await adminOrders.csv(req.user!, { ...filter, flagged: filter.flagged === '1' });
    res.attachment('don-hang.csv').type('text/csv; charset=utf-8').send(csv);
  });

  router.get('/admin/orders', async (req, res) => {
    const filter = adminOrderFilterSchema.parse(req.query);
    const [orders, unmatched, sellers] = await Promise.all([
      adminOrders.list(req.user!, { ...filter, flagged: filter.flagged === '1' }),
      adminOrders.unmatchedPayments(req.user!),
      adminOrders.sellerOptions(req.user!),
    ]);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    res.render('admin/orders', {
      title: translate(requestLanguage(res), 'admin.orders.title'),
      orders: orders.map((o) => ({ ...o, reviewReason: reviewReasonText(requestLanguage(res), o.reviewReason) })),
      unmatched: (unmatched as { flagReason: string | null }[]).map((p) => ({ ...p, flagReason: reviewReasonText(requestLanguage(res), p.flagReason) })),
      filter,
      statusOptions: ORDER_STATUSES.map((s) => ({ value: s, label: translate(requestLanguage(res), `admin.orderStatus.${s}`), selected: s === filter.status })),
      sellerOptions: sellers.map((s) => ({ ...s, selected: s.id === filter.sellerId })),
      csvHref: `/admin/orders.csv${query.size ? `?${query}` : ''}`,
    });
  });

  const renderOrder = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const detail = await adminOrders.detail(req.user!, orderCode(req));
    const { order } = detail;
    res.render('admin/order', {
      title: translate(requestLanguage(res), 'admin.order.title', { code: order.code }),
      ...detail,
      reviewReason: reviewReasonText(requestLanguage(res), detail.reviewReason),
      payments: detail.payments.map((p: { flagReason: string | null }) => ({ ...p, flagReason: reviewReasonText(requestLanguage(res), p.flagReason) })),
      refunds: detail.refunds.map((r: { reason: string | null }) => ({ ...r, reason: reviewReasonText(requestLanguage(res), r.reason) })),
      history: detail.history.map((h: { note: string | null }) => ({ ...h, note: reviewReasonText(requestLanguage(res), h.note) })),
      canMarkPaid: canMoveOrder(order.status, 'paid'),
      canRefund: canMoveOrder(order.status, 'refunded') && detail.paidAmountVnd > detail.refundedAmountVnd,
      canCancel: canMoveOrder(order.status, 'cancelled'),
      notice: takeFlash(req),
      ...extra,
    });
  };

  router.get('/admin/orders/:code', (req, res) => renderOrder(req, res));

  /**
   * An admin's move on one order: the form read by `schema`, one service call, and back to the order
   * page with `done`. A refusal (the order moved on, already refunded…) or a bad form shows the page
   * again, saying why.
   */
  const act = <S extends z.ZodType>(path: string, schema: S, action: (actor: Actor, code: string, form: z.infer<S>) => Promise<unknown>, done: string) =>
    router.post(path, async (req: Request, res: Response) => {
      try {
        const form = parseInput(schema, formBody(req));
        await action(req.user!, orderCode(req), form);
        await setFlash(req, done);
        res.redirect(303, `/admin/orders/${orderCode(req)}`);
      } catch (err) {
        if (!(err instanceof ConflictError || err instanceof ValidationError)) throw err;
        res.status(err.status);
        await renderOrder(req, res, { formError: err instanceof ValidationError ? Object.values(err.fieldErrors)[0] : err.message });
      }
    });

  act(
    '/admin/orders/:code/mark-paid',
    markPaidSchema,
    (actor, code, { reference }) => intake.markPaidByAdmin(actor, code, reference),
    msg('admin.order.notice.markPaid'),
  );
  act('/admin/orders/:code/refund', refundSchema, (actor, code, { reason }) => refunds.refundOrder(actor, code, reason), msg('admin.order.notice.refund'));
  act('/admin/orders/:code/cancel', cancelOrderSchema, (actor, code, { reason }) => adminOrders.cancel(actor, code, reason), msg('admin.order.notice.cancel'));

  return router;
}
