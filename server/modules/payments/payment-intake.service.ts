import crypto from 'node:crypto';
import type Stripe from 'stripe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import { canMoveOrder, type OrderLifecycle, type OrderStatus } from '../orders';
import { buyersPayableOrder, findPayableOrder } from './payable-order';
import { movePayment } from './payment-records';
import { parseCheckoutSession, type BankTransfer, type CheckoutSessionFacts, type StripeNotice } from './payments.schemas';
import type { RefundsService } from './refunds.service';
import type { StripeGateway } from './stripe-gateway';

export class WebhookAuthError extends AppError {
  constructor(message = 'Unauthorized') {
    super(message, 401, 'unauthorized');
  }
}

export class WebhookSignatureError extends AppError {
  constructor() {
    super('Invalid signature', 400, 'bad_signature');
  }
}

export type PaymentOutcome = 'applied' | 'duplicate' | 'flagged' | 'refund' | 'unpaid';

interface IncomingPayment {
  provider: 'stripe' | 'vietqr' | 'manual';
  /** The payment's own id: Stripe Checkout Session or bank transaction. Seen twice → applied once. */
  ref: string;
  orderId: number | null;
  amountVnd: number;
  currency: string;
  paymentIntentId?: string | null;
  actorUserId?: number | null;
}

/** An order code in a transfer's content, with or without its dash (banks strip punctuation): OCP- online, QUAY- a stall sale. */
const ORDER_CODE_IN_TEXT = /(OCP|QUAY)[-\s_.]?([A-HJ-NP-Z2-9]{6})/i;

/** Equal-time comparison of two secrets of any length. */
function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Money in: Stripe's webhooks, the bank feed, the buyer's return from Stripe and an admin's manual
 * record. Webhooks are the source of truth: each delivery is stored by its event id in the same
 * transaction as its effect, an order never moves backwards (the orders module moves it), and the
 * network calls (Stripe) happen only outside transactions. The routes parse headers and bodies
 * (payments.schemas.ts); this service receives them typed.
 *
 * Time: what a payment records (received_at, paid_at) is PostgreSQL's now(), and nothing here
 * decides by a time (a card session's end is the pay page's, a reservation's end the sweeper's).
 * The demo's simulated transfer carries the injected clock's date, as a bank dates its own.
 */
export class PaymentIntakeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: OrderLifecycle,
    private readonly refunds: RefundsService,
    private readonly audit: AuditService,
    private readonly config: Readonly<Config>,
    /** null when card payments are not configured: the Stripe webhook is then "not found". */
    private readonly stripe: StripeGateway | null,
    private readonly clock: Clock,
  ) {}

  // ---- the Stripe webhook ----

  /** The event as Stripe signed it (raw bytes, 5-minute tolerance), or an error before anything is read. */
  verifyStripeEvent(rawBody: Buffer, signature: string): Stripe.Event {
    if (!this.stripe) throw new NotFoundError();
    try {
      return this.stripe.verifyEvent(rawBody, signature);
    } catch {
      throw new WebhookSignatureError();
    }
  }

  /** A verified Stripe event: recorded by event id with its effect, then any refund it asked for. */
  async receiveStripeEvent(notice: StripeNotice): Promise<string> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const orderId = notice.session ? notice.session.orderId : null;
      const [fresh] = (await manager.query(
        `INSERT INTO webhook_events (provider, event_id, type, order_id, outcome, payload)
         VALUES ('stripe', $1, $2, (SELECT id FROM orders WHERE id = $3), 'received', $4)
         ON CONFLICT (provider, event_id) DO NOTHING RETURNING event_id`,
        [notice.id, notice.type, orderId, JSON.stringify(notice.payload)],
      )) as unknown[];
      if (!fresh) return 'duplicate';
      let result: string;
      switch (notice.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded':
          result = await this.fulfilStripeSession(manager, notice.session!);
          break;
        case 'checkout.session.async_payment_failed':
          result = 'payment_failed';
          break;
        case 'checkout.session.expired':
          result = await this.expireForSession(manager, notice.session!);
          break;
        case 'charge.refunded':
        case 'refund.updated':
        case 'refund.created':
          result = (await this.refunds.recordStripeReports(manager, notice.refunds)) ? 'refund_updated' : 'ignored';
          break;
        default:
          result = 'ignored';
      }
      await manager.query(`UPDATE webhook_events SET outcome = $2 WHERE provider = 'stripe' AND event_id = $1`, [notice.id, result]);
      return result;
    });
    await this.refunds.processRequested();
    return outcome;
  }

  /** The success page: the buyer may arrive before the webhook, so read the session and fulfil (idempotently). */
  async confirmStripeReturn(actor: Actor, code: string, sessionId: string): Promise<PaymentOutcome> {
    if (!this.stripe) return 'unpaid';
    const order = await buyersPayableOrder(this.dataSource.manager, actor, code);
    const session = parseCheckoutSession(await this.stripe.retrieveSession(sessionId));
    if (session.orderId !== order.id) throw new NotFoundError('pay.error.sessionNotThisOrder');
    const outcome = await this.dataSource.transaction((manager) => this.fulfilStripeSession(manager, session));
    await this.refunds.processRequested();
    return outcome;
  }

  private async fulfilStripeSession(manager: EntityManager, session: CheckoutSessionFacts): Promise<PaymentOutcome> {
    if (session.paymentStatus !== 'paid') return 'unpaid';
    return this.applyPayment(manager, {
      provider: 'stripe',
      ref: session.id,
      orderId: session.orderId,
      amountVnd: session.amountTotal ?? 0,
      currency: session.currency ?? '',
      paymentIntentId: session.paymentIntentId,
    });
  }

  /** A Checkout Session expired unpaid: if it is the order's current session, the order expires and its stock returns. */
  private async expireForSession(manager: EntityManager, session: CheckoutSessionFacts): Promise<string> {
    const [order] = (await manager.query(`SELECT id, status, stripe_session_id FROM orders WHERE id = $1`, [session.orderId])) as {
      id: number;
      status: OrderStatus;
      stripe_session_id: string | null;
    }[];
    // CASE: a late "expired" after "paid" (or for an older session) changes nothing: orders never move backwards.
    if (!order || order.stripe_session_id !== session.id) return 'ignored';
    return (await this.lifecycle.expire(manager, order.id)) ? 'expired' : 'ignored';
  }

  // ---- the bank feed ----

  /** The bank feed's key (`Authorization: Apikey …`), compared in constant time; checked before the body is read. */
  checkBankKey(given: string): void {
    const secret = this.config.bankWebhookSecret;
    if (!secret || !sameSecret(given, secret)) throw new WebhookAuthError();
  }

  /**
   * POST /webhooks/bank in SePay's format, after checkBankKey. The bank's transaction id
   * deduplicates; only money *in* to our account with an order code can pay.
   */
  async receiveBankTransfer(tx: BankTransfer): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const match = ORDER_CODE_IN_TEXT.exec(`${tx.code ?? ''} ${tx.content}`);
      const code = match ? `${match[1].toUpperCase()}-${match[2].toUpperCase()}` : null;
      // CASE: two transfers for one order at once. The event and payment rows below take a key-share
      // lock on the order (their foreign key); two of those, each then asking for FOR UPDATE, deadlock.
      // Locking the order first makes the second transfer wait its turn (and be refunded as paid twice).
      const [order] = code ? ((await manager.query(`SELECT id FROM orders WHERE code = $1 FOR UPDATE`, [code])) as { id: number }[]) : [];
      const [fresh] = (await manager.query(
        `INSERT INTO webhook_events (provider, event_id, type, order_id, outcome, payload)
         VALUES ('bank', $1, $2, $3, 'received', $4) ON CONFLICT (provider, event_id) DO NOTHING RETURNING event_id`,
        [tx.id, `transfer.${tx.transferType}`, order?.id ?? null, JSON.stringify(tx)],
      )) as unknown[];
      if (!fresh) return 'duplicate';
      let result: string;
      if (tx.transferType !== 'in' || tx.accountNumber !== this.config.vietqr?.accountNo) {
        result = 'ignored';
      } else {
        result = await this.applyPayment(manager, {
          provider: 'vietqr',
          ref: tx.id,
          orderId: order?.id ?? null,
          amountVnd: tx.transferAmount,
          currency: 'vnd',
        });
      }
      await manager.query(`UPDATE webhook_events SET outcome = $2 WHERE provider = 'bank' AND event_id = $1`, [tx.id, result]);
      return result;
    });
  }

  /** The demo's "simulate the bank transfer" button: the same path a real bank feed takes. */
  async simulateBankTransfer(actor: Actor, code: string): Promise<string> {
    if (!this.config.demo || !this.config.vietqr) throw new NotFoundError();
    const order = await buyersPayableOrder(this.dataSource.manager, actor, code);
    return this.simulateTransferFor(order);
  }

  /**
   * The demo's button on the stall till: the caller (the till, which checked the sale is the
   * seller's own) names a stall sale; the transfer takes the real bank feed's path.
   */
  async simulateStallTransfer(code: string): Promise<string> {
    if (!this.config.demo || !this.config.vietqr) throw new NotFoundError();
    const order = await findPayableOrder(this.dataSource.manager, code);
    if (!order || !code.startsWith('QUAY-')) throw new NotFoundError('pos.error.saleNotFound');
    return this.simulateTransferFor(order);
  }

  private simulateTransferFor(order: { id: number; code: string; total_vnd: number }): Promise<string> {
    if (!this.config.vietqr) throw new NotFoundError();
    return this.receiveBankTransfer({
      id: `demo-${order.id}-${crypto.randomBytes(4).toString('hex')}`,
      gateway: 'Demo',
      transactionDate: this.clock.now().toISOString(),
      accountNumber: this.config.vietqr.accountNo,
      content: `${order.code} thanh toan don hang`,
      transferType: 'in',
      transferAmount: order.total_vnd,
      referenceCode: 'DEMO',
    });
  }

  // ---- admins ----

  /** Money an admin saw arrive (a transfer without the code…): applied like any payment, audited. */
  async markPaidByAdmin(actor: Actor, code: string, reference: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const order = await findPayableOrder(manager, code);
      if (!order) throw new NotFoundError('order.error.notFound');
      if (!canMoveOrder(order.status, 'paid')) throw new ConflictError('admin.order.notAwaitingPayment');
      const outcome = await this.applyPayment(manager, {
        provider: 'manual',
        ref: reference,
        orderId: order.id,
        amountVnd: order.total_vnd,
        currency: 'vnd',
        actorUserId: actor.id,
      });
      if (outcome === 'duplicate') throw new ConflictError('admin.order.referenceRecorded');
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'order.mark-paid',
        targetType: 'order',
        targetId: order.code,
        reason: reference,
        details: { outcome },
      });
    });
    await this.refunds.processRequested();
  }

  // ---- applying money ----

  /**
   * The one place money is applied to an order. A payment seen before is a no-op; a wrong amount or
   * currency is flagged for an admin, not fulfilled; a late payment re-reserves its stock or is refunded.
   */
  private async applyPayment(manager: EntityManager, p: IncomingPayment): Promise<PaymentOutcome> {
    const [inserted] = (await manager.query(
      `INSERT INTO payments (order_id, provider, provider_ref, amount_vnd, currency, payment_intent_id, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, 'applied') ON CONFLICT (provider, provider_ref) DO NOTHING RETURNING id`,
      [p.orderId, p.provider, p.ref, p.amountVnd, p.currency.toLowerCase(), p.paymentIntentId ?? null],
    )) as { id: number }[];
    if (!inserted) return 'duplicate';
    const paymentId = inserted.id;
    const flag = async (reason: string, orderId: number | null) => {
      await movePayment(manager, paymentId, 'flagged', reason);
      if (orderId) await this.lifecycle.flagForReview(manager, orderId, reason, 'replace');
      return 'flagged' as const;
    };
    if (!p.orderId) return flag('Không tìm thấy đơn hàng cho khoản thanh toán này', null);
    const [order] = (await manager.query(`SELECT id, status, total_vnd FROM orders WHERE id = $1 FOR UPDATE`, [p.orderId])) as {
      id: number;
      status: OrderStatus;
      total_vnd: number;
    }[];
    if (!order) {
      await manager.query(`UPDATE payments SET order_id = NULL WHERE id = $1`, [paymentId]);
      return flag('Không tìm thấy đơn hàng cho khoản thanh toán này', null);
    }
    if (p.currency.toLowerCase() !== 'vnd' || p.amountVnd !== order.total_vnd) {
      const what = p.currency.toLowerCase() !== 'vnd' ? `tiền tệ ${p.currency}` : p.amountVnd < order.total_vnd ? 'thiếu tiền' : 'thừa tiền';
      return flag(`Số tiền không khớp (${what}): nhận ${p.amountVnd}, đơn ${order.total_vnd}`, order.id);
    }
    if (await this.lifecycle.markPaid(manager, order.id, { actorUserId: p.actorUserId ?? null, amountVnd: p.amountVnd, note: `${p.provider}:${p.ref}` })) {
      return 'applied';
    }
    const late = order.status === 'expired' || order.status === 'cancelled';
    if (late && (await this.lifecycle.revivePaidLate(manager, order.id, p.amountVnd))) return 'applied';
    // Paid twice, or too late with the stock gone: the money goes back.
    const reason = late ? 'Thanh toán đến sau khi hết hạn và hàng đã hết' : 'Thanh toán trùng cho đơn đã thanh toán';
    await movePayment(manager, paymentId, 'refund_pending', reason);
    await this.refunds.returnPayment(manager, { orderId: order.id, paymentId, amountVnd: p.amountVnd, provider: p.provider, reason });
    await this.lifecycle.flagForReview(manager, order.id, reason, 'replace');
    return 'refund';
  }
}
