import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../../lib/errors';
import type { Logger } from '../../logger';
import { translate } from '../../rendering/i18n';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import { canMoveOrder, type OrderLifecycle, type PartRefunds } from '../orders';
import type { PayoutsService } from '../payouts';
import type { TaxService } from '../tax';
import { findPayableOrder } from './payable-order';
import { movePayment, moveRefunds } from './payment-records';
import { initialRefundStatus, type RefundProvider, type RefundStatus } from './payment-state';
import type { StripeGateway } from './stripe-gateway';

/** What Stripe says a refund became (a refund object, or one of a charge's refunds). */
export interface StripeRefundReport {
  id: string;
  status?: string | null;
}

/**
 * Money going back to buyers: an admin's whole-order refund, a cooperative's cancelled part, a
 * payment that could not be applied, and the worker that sends card refunds to Stripe. Each refund
 * is counted against the order in the transaction that decides it; the network call happens after.
 *
 * Time: the worker's retry back-off is PostgreSQL's (updated_at written and compared with now()).
 */
export class RefundsService implements PartRefunds {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: OrderLifecycle,
    private readonly payouts: PayoutsService,
    /** A refund after payment reverses the tax withheld on the part (issue 17). */
    private readonly tax: TaxService,
    private readonly audit: AuditService,
    /** null when card payments are not configured: then no refund is ever `requested`. */
    private readonly stripe: StripeGateway | null,
    private readonly logger: Logger,
  ) {}

  /**
   * Refunds whatever of the order is still unrefunded (never more than was paid), cancels the parts
   * not yet shipped and returns their stock. Card payments go back through Stripe; bank transfers are
   * recorded as owed to the buyer.
   */
  async refundOrder(actor: Actor, code: string, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const order = await findPayableOrder(manager, code, true);
      if (!order) throw new NotFoundError('order.error.notFound');
      if (!canMoveOrder(order.status, 'refunded')) throw new ConflictError('admin.order.refundPaidOnly');
      const amount = order.paid_amount_vnd - order.refunded_amount_vnd;
      if (amount <= 0) throw new ConflictError('admin.order.fullyRefunded');
      await this.lifecycle.cancelPartsToShip(manager, order.id, actor.id);
      // Parts already delivered were credited to their cooperative: the refund comes off its balance.
      const delivered = (await manager.query(`SELECT id, total_vnd FROM seller_orders WHERE order_id = $1 AND status = 'delivered'`, [order.id])) as {
        id: number;
        total_vnd: number;
      }[];
      for (const part of delivered) await this.payouts.recordRefund(manager, part.id, part.total_vnd);
      // Every part goes back whole, less what an earlier cancelled-part refund already gave back (and reversed).
      const parts = (await manager.query(
        `SELECT so.id, so.total_vnd - coalesce((SELECT sum(r.amount_vnd) FROM refunds r WHERE r.seller_order_id = so.id), 0)::bigint AS left_vnd
         FROM seller_orders so WHERE so.order_id = $1 ORDER BY so.id`,
        [order.id],
      )) as { id: number; left_vnd: number }[];
      for (const part of parts) await this.tax.partRefunded(manager, part.id, Number(part.left_vnd));
      await this.recordRefund(manager, {
        orderId: order.id,
        sellerOrderId: null,
        amountVnd: amount,
        reason: reason || translate('vi', 'admin.reason.adminRefund'),
        actorUserId: actor.id,
      });
      await this.lifecycle.markRefunded(manager, order.id, { actorId: actor.id, note: reason || null });
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'order.refund',
        targetType: 'order',
        targetId: order.code,
        reason: reason || null,
        details: { amountVnd: amount },
      });
    });
    await this.processRequested();
  }

  /** PartRefunds: a cooperative cancelled a paid part — what the buyer paid for it goes back. */
  async recordPartRefund(manager: EntityManager, sellerOrderId: number, actorUserId: number): Promise<void> {
    const [part] = (await manager.query(
      `SELECT so.total_vnd, o.id AS order_id, o.paid_amount_vnd, o.refunded_amount_vnd
       FROM seller_orders so JOIN orders o ON o.id = so.order_id WHERE so.id = $1 FOR UPDATE OF o`,
      [sellerOrderId],
    )) as { total_vnd: number; order_id: number; paid_amount_vnd: number; refunded_amount_vnd: number }[];
    const amount = Math.min(part.total_vnd, part.paid_amount_vnd - part.refunded_amount_vnd);
    if (amount <= 0) return;
    await this.recordRefund(manager, {
      orderId: part.order_id,
      sellerOrderId,
      amountVnd: amount,
      reason: translate('vi', 'admin.reason.partCancelled'),
      actorUserId,
    });
    await this.tax.partRefunded(manager, sellerOrderId, amount);
    // Everything paid has gone back: the order is refunded (if it was paid or completed; the table decides).
    if (part.paid_amount_vnd === part.refunded_amount_vnd + amount) await this.lifecycle.markRefunded(manager, part.order_id, { actorId: actorUserId });
  }

  /** A payment that cannot be applied (paid twice, or too late with the stock gone) goes back whole. */
  async returnPayment(
    manager: EntityManager,
    p: { orderId: number; paymentId: number; amountVnd: number; provider: RefundProvider; reason: string },
  ): Promise<void> {
    await manager.query(`INSERT INTO refunds (order_id, payment_id, amount_vnd, provider, status, reason) VALUES ($1, $2, $3, $4, $5, $6)`, [
      p.orderId,
      p.paymentId,
      p.amountVnd,
      p.provider,
      initialRefundStatus(p.provider),
      p.reason,
    ]);
  }

  /** Stripe's report of refunds it carried out (a webhook): how many of ours changed status. */
  async recordStripeReports(manager: EntityManager, reports: StripeRefundReport[]): Promise<number> {
    let touched = 0;
    for (const report of reports) {
      const status: RefundStatus | null =
        report.status === 'succeeded' ? 'succeeded' : report.status === 'failed' || report.status === 'canceled' ? 'failed' : null;
      if (status) touched += await moveRefunds(manager, { providerRef: report.id }, status);
    }
    return touched;
  }

  /** A refund for (part of) an order, counted against what was paid at once. */
  private async recordRefund(
    manager: EntityManager,
    r: { orderId: number; sellerOrderId: number | null; amountVnd: number; reason: string; actorUserId: number },
  ) {
    const [order] = (await manager.query(`SELECT payment_method FROM orders WHERE id = $1`, [r.orderId])) as { payment_method: 'stripe' | 'vietqr' }[];
    const [payment] = (await manager.query(`SELECT provider FROM payments WHERE order_id = $1 AND outcome = 'applied' ORDER BY id DESC LIMIT 1`, [
      r.orderId,
    ])) as { provider: RefundProvider }[];
    const provider = payment?.provider ?? order.payment_method;
    await manager.query(
      `INSERT INTO refunds (order_id, seller_order_id, amount_vnd, provider, status, reason, actor_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.orderId, r.sellerOrderId, r.amountVnd, provider, initialRefundStatus(provider), r.reason, r.actorUserId],
    );
    await this.lifecycle.addRefunded(manager, r.orderId, r.amountVnd);
  }

  // ---- the worker ----

  /**
   * Sends requested Stripe refunds, one at a time, outside any transaction; safe to call from
   * several places at once (rows are claimed with SKIP LOCKED) and again after a crash. A refund that
   * failed to send waits longer before each new try (30 s per attempt, at most an hour).
   */
  async processRequested(): Promise<void> {
    if (!this.stripe) return;
    for (;;) {
      const claimed = await this.dataSource.transaction(async (manager) => {
        const [row] = (await manager.query(
          `SELECT r.id, r.amount_vnd, r.attempts, r.payment_id,
                  coalesce(p.payment_intent_id, (SELECT payment_intent_id FROM payments ap WHERE ap.order_id = r.order_id AND ap.outcome = 'applied' AND ap.provider = 'stripe' ORDER BY ap.id DESC LIMIT 1)) AS payment_intent_id
           FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id
           WHERE r.status = 'requested' AND r.provider = 'stripe' AND r.updated_at <= now() - make_interval(secs => least(r.attempts * 30, 3600))
           ORDER BY r.id LIMIT 1 FOR UPDATE OF r SKIP LOCKED`,
        )) as { id: number; amount_vnd: number; attempts: number; payment_id: number | null; payment_intent_id: string | null }[];
        if (!row) return null;
        await manager.query(`UPDATE refunds SET attempts = attempts + 1, updated_at = now() WHERE id = $1`, [row.id]);
        return row;
      });
      if (!claimed) return;
      try {
        if (!claimed.payment_intent_id) throw new Error('no Stripe payment to refund');
        const refund = await this.stripe.refund({ paymentIntentId: claimed.payment_intent_id, amountVnd: claimed.amount_vnd, refundId: claimed.id });
        const manager = this.dataSource.manager;
        await moveRefunds(manager, { id: claimed.id }, refund.status === 'failed' ? 'failed' : 'succeeded', { only: ['requested'], sentAs: refund.id });
        if (claimed.payment_id) await movePayment(manager, claimed.payment_id, 'refunded');
      } catch (err) {
        this.logger.warn({ err, refundId: claimed.id }, 'refund not sent; will retry');
        await this.dataSource.query(`UPDATE refunds SET last_error = $2, updated_at = now() WHERE id = $1`, [
          claimed.id,
          String((err as Error).message).slice(0, 500),
        ]);
        return;
      }
    }
  }
}
