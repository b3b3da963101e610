import crypto from 'node:crypto';
import QRCode from 'qrcode';
import type Stripe from 'stripe';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { AppError, ConflictError, NotFoundError } from '../../lib/errors';
import { bankName } from '../../lib/banks';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../logger';
import { assertAdmin, type Actor } from '../accounts/actor';
import type { AuditService } from '../audit';
import type { OrdersService, PartRefunds } from '../orders/orders.service';
import type { PayoutsService } from '../payouts';
import type { OrderStatus } from '../orders/order-state';
import { bankWebhookSchema } from './payments.schemas';
import type { StripeGateway } from './stripe-gateway';
import { vietQrPayload } from './vietqr';

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

interface PayableOrder {
  id: number;
  code: string;
  status: OrderStatus;
  buyer_user_id: number;
  payment_method: 'stripe' | 'vietqr';
  total_vnd: number;
  paid_amount_vnd: number;
  refunded_amount_vnd: number;
  reserved_until: Date;
  /** Set by the first card attempt: the end of the reservation checkout made. */
  first_reserved_until: Date | null;
  /** How many Stripe Checkout Sessions were asked for (each claimed attempt counts once). */
  payment_attempts: number;
  stripe_session_id: string | null;
  stripe_session_url: string | null;
  stripe_session_expires_at: Date | null;
}

/**
 * Card sessions per order: room for a declined card, another card and a change of mind, not for
 * keeping the stock out of the shop by re-posting. The reservation is bounded on its own (see
 * cardSessionFor); this bounds the sessions.
 */
export const MAX_CARD_SESSIONS = 5;
/** Stripe refuses a Checkout Session that ends less than 30 minutes, or more than 24 hours, after it is made. */
const STRIPE_MIN_SESSION_MS = 30 * 60_000;
const STRIPE_MAX_SESSION_MS = 24 * 3600_000;

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

const ORDER_CODE_IN_TEXT = /OCP[-\s_.]?([A-HJ-NP-Z2-9]{6})/i;

/** Equal-time comparison of two secrets of any length. */
function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Money in and out. Webhooks are the source of truth: each delivery is stored by its event id in
 * the same transaction as its effect, an order never moves backwards, and network calls (Stripe)
 * happen only outside transactions.
 */
export class PaymentsService implements PartRefunds {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly audit: AuditService,
    private readonly config: Readonly<Config>,
    private readonly stripe: StripeGateway | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly payouts: PayoutsService,
  ) {}

  private async orderByCode(code: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<PayableOrder | null> {
    const [order] = (await manager.query(
      `SELECT id, code, status, buyer_user_id, payment_method, total_vnd, paid_amount_vnd, refunded_amount_vnd, reserved_until,
              first_reserved_until, payment_attempts, stripe_session_id, stripe_session_url, stripe_session_expires_at
       FROM orders WHERE code = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [code],
    )) as PayableOrder[];
    return order ?? null;
  }

  private async buyersOrder(actor: Actor, code: string): Promise<PayableOrder> {
    const order = await this.orderByCode(code);
    if (!order || order.buyer_user_id !== actor.id) throw new NotFoundError('Không tìm thấy đơn hàng này.');
    return order;
  }

  // ---- paying ----

  /** What /orders/:code/pay shows: a VietQR code with the details written out, or the card button. */
  async payPage(actor: Actor, code: string) {
    const order = await this.buyersOrder(actor, code);
    const base = { code: order.code, status: order.status, totalVnd: order.total_vnd, method: order.payment_method, reservedUntil: order.reserved_until };
    if (order.status !== 'pending_payment') return { ...base, payable: false as const };
    if (order.payment_method === 'vietqr') {
      const qr = this.config.vietqr;
      if (!qr) throw new ConflictError('Chuyển khoản VietQR hiện chưa được cấu hình.');
      const payload = vietQrPayload({ bankBin: qr.bankBin, accountNo: qr.accountNo, amountVnd: order.total_vnd, purpose: order.code });
      return {
        ...base,
        payable: true as const,
        vietqr: {
          payload,
          image: await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 }),
          bank: bankName(qr.bankBin) ?? qr.bankBin,
          accountNo: qr.accountNo,
          accountName: qr.accountName,
          content: order.code,
        },
        simulate: this.config.demo,
        // Card instead of the transfer, only when the buyer asks for it (POST /pay with switchTo=stripe).
        switchToCard: this.stripe !== null,
      };
    }
    return { ...base, payable: true as const, stripe: { available: this.stripe !== null } };
  }

  /**
   * Sends the buyer to Stripe's card page for the order, within limits that keep the stock from being
   * held by re-posting: an open session is reused, a new one is made only after it ended, at most
   * MAX_CARD_SESSIONS per order, and the reservation never moves past the first reservation's end
   * plus one payment window (RESERVATION_MINUTES). A VietQR order gets a card session only when the
   * buyer switches on purpose. The network calls are outside any transaction.
   */
  async startStripeCheckout(actor: Actor, code: string, options: { switchToCard?: boolean } = {}): Promise<string> {
    for (let look = 0; ; look++) {
      // Whose order first: anyone but its buyer (admins included) learns nothing more than "not found".
      const order = await this.buyersOrder(actor, code);
      const url = await this.cardSessionFor(order, options.switchToCard === true);
      if (url) return url;
      // Each lost claim means another request moved the order on; a second look finds its session.
      if (look >= 2) throw new ConflictError('Đơn hàng đang được cập nhật, vui lòng thử lại.');
    }
  }

  /** The URL to send the buyer to, or null when another request claimed the next attempt first. */
  private async cardSessionFor(order: PayableOrder, switchToCard: boolean): Promise<string | null> {
    if (!this.stripe) throw new ConflictError('Thanh toán thẻ hiện chưa được cấu hình.');
    if (order.status !== 'pending_payment') throw new ConflictError('Đơn hàng này không còn chờ thanh toán.');
    if (order.payment_method !== 'stripe' && !switchToCard) {
      throw new ConflictError('Đơn hàng này thanh toán bằng chuyển khoản VietQR. Nếu muốn trả bằng thẻ, hãy bấm “Trả bằng thẻ” trên trang thanh toán.', 'card_not_chosen');
    }
    const now = this.clock.now().getTime();
    const sessionEnds = order.stripe_session_expires_at?.getTime() ?? null;
    if (order.stripe_session_id && order.stripe_session_url && (sessionEnds === null || sessionEnds > now) && (await this.stillOpen(order.stripe_session_id))) {
      return order.stripe_session_url;
    }
    // CASE: an attempt claimed but its session never stored (a double click still waiting for Stripe, or
    // an answer lost on the way): the same request again; its idempotency key makes it the same session.
    if (!order.stripe_session_id && order.payment_attempts > 0 && sessionEnds !== null && sessionEnds - now >= STRIPE_MIN_SESSION_MS) {
      return this.createStripeSession(order, order.payment_attempts, new Date(sessionEnds));
    }
    if (order.payment_attempts >= MAX_CARD_SESSIONS) {
      throw new ConflictError(
        `Đơn hàng này đã mở trang thanh toán thẻ ${MAX_CARD_SESSIONS} lần, không thể mở thêm. Hàng được giữ đến khi hết hạn; nếu vẫn muốn mua, bạn có thể huỷ đơn và đặt lại.`,
        'card_attempts_used',
      );
    }
    if (order.reserved_until.getTime() <= now) throw new ConflictError('Đơn hàng đã hết thời gian giữ hàng.', 'reservation_over');
    const cap = (order.first_reserved_until ?? order.reserved_until).getTime() + this.config.reservationMinutes * 60_000;
    const stripeMinimum = now + STRIPE_MIN_SESSION_MS + 10_000;
    // Stretched to Stripe's minimum so the two end together, unless that would pass the cap.
    const reservedUntil = Math.min(Math.max(order.reserved_until.getTime(), stripeMinimum), cap);
    // The session may then outlast the reservation: money that arrives after the stock went back
    // revives the order or is refunded (applyPayment).
    const expiresAt = new Date(Math.min(Math.max(reservedUntil, stripeMinimum), now + STRIPE_MAX_SESSION_MS - 60_000));
    // Claimed only if nobody moved the order since it was read (reserved_until moves only here).
    const [claimed] = (await this.dataSource.query(
      `UPDATE orders SET payment_attempts = payment_attempts + 1, payment_method = 'stripe',
              first_reserved_until = coalesce(first_reserved_until, reserved_until), reserved_until = $3,
              stripe_session_id = NULL, stripe_session_url = NULL, stripe_session_expires_at = $4, updated_at = now()
       WHERE id = $1 AND status = 'pending_payment' AND payment_attempts = $2 AND stripe_session_id IS NOT DISTINCT FROM $5::text
       RETURNING payment_attempts AS attempt`,
      [order.id, order.payment_attempts, new Date(reservedUntil), expiresAt, order.stripe_session_id],
    ))[0] as { attempt: number }[];
    if (!claimed) return null;
    return this.createStripeSession(order, claimed.attempt, expiresAt);
  }

  /** Whether Stripe still takes a payment on this session. When Stripe cannot say, a new session would fail too: back to this one. */
  private async stillOpen(sessionId: string): Promise<boolean> {
    try {
      return (await this.stripe!.retrieveSession(sessionId)).status === 'open';
    } catch (err) {
      this.logger.warn({ err, sessionId }, 'Stripe session not readable; sending the buyer back to it');
      return true;
    }
  }

  /** One Stripe call per attempt: the attempt names the idempotency key, so asking twice gives one session. */
  private async createStripeSession(order: PayableOrder, attempt: number, expiresAt: Date): Promise<string> {
    const lines = (await this.dataSource.query(
      `SELECT product_name AS name, unit_price_vnd AS "unitAmountVnd", quantity FROM order_items WHERE order_id = $1 ORDER BY id`,
      [order.id],
    )) as { name: string; unitAmountVnd: number; quantity: number }[];
    const [{ shipping, email }] = (await this.dataSource.query(
      `SELECT o.shipping_total_vnd AS shipping, u.email FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE o.id = $1`,
      [order.id],
    )) as { shipping: number; email: string }[];
    if (shipping > 0) lines.push({ name: 'Phí giao hàng', unitAmountVnd: shipping, quantity: 1 });
    const session = await this.stripe!.createCheckoutSession({
      orderId: order.id,
      orderCode: order.code,
      attempt,
      email,
      lines,
      expiresAt,
      successUrl: `${this.config.publicUrl}/orders/${order.code}/pay/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${this.config.publicUrl}/orders/${order.code}`,
    });
    if (!session.url) throw new AppError('Stripe không trả về trang thanh toán.', 502, 'stripe_no_url');
    // For its own attempt only: a slow answer never replaces a newer session.
    await this.dataSource.query(`UPDATE orders SET stripe_session_id = $3, stripe_session_url = $4 WHERE id = $1 AND payment_attempts = $2`, [
      order.id,
      attempt,
      session.id,
      session.url,
    ]);
    return session.url;
  }

  /** The success page: the buyer may arrive before the webhook, so read the session and fulfil (idempotently). */
  async confirmStripeReturn(actor: Actor, code: string, sessionId: string): Promise<PaymentOutcome> {
    if (!this.stripe) return 'unpaid';
    const order = await this.buyersOrder(actor, code);
    const session = await this.stripe.retrieveSession(sessionId);
    if (session.metadata?.orderId !== String(order.id)) throw new NotFoundError('Phiên thanh toán không thuộc đơn hàng này.');
    const outcome = await this.dataSource.transaction((manager) => this.fulfilStripeSession(manager, session));
    await this.processRequested();
    return outcome;
  }

  private async fulfilStripeSession(manager: EntityManager, session: Stripe.Checkout.Session): Promise<PaymentOutcome> {
    if (session.payment_status !== 'paid') return 'unpaid';
    const orderId = Number(session.metadata?.orderId);
    return this.applyPayment(manager, {
      provider: 'stripe',
      ref: session.id,
      orderId: Number.isSafeInteger(orderId) && orderId > 0 ? orderId : null,
      amountVnd: session.amount_total ?? 0,
      currency: session.currency ?? '',
      paymentIntentId: typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null),
    });
  }

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
      await manager.query(`UPDATE payments SET outcome = 'flagged', flag_reason = $2 WHERE id = $1`, [paymentId, reason]);
      if (orderId) await manager.query(`UPDATE orders SET needs_review = true, review_reason = $2 WHERE id = $1`, [orderId, reason]);
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
    if (order.status === 'pending_payment') {
      await this.orders.markPaidInTx(manager, order.id, { actorUserId: p.actorUserId ?? null, amountVnd: p.amountVnd, note: `${p.provider}:${p.ref}` });
      return 'applied';
    }
    if ((order.status === 'expired' || order.status === 'cancelled') && (await this.orders.revivePaidLate(manager, order.id, p.amountVnd))) {
      return 'applied';
    }
    // Paid twice, or too late with the stock gone: the money goes back.
    const reason = order.status === 'expired' || order.status === 'cancelled' ? 'Thanh toán đến sau khi hết hạn và hàng đã hết' : 'Thanh toán trùng cho đơn đã thanh toán';
    await manager.query(`UPDATE payments SET outcome = 'refund_pending', flag_reason = $2 WHERE id = $1`, [paymentId, reason]);
    await manager.query(
      `INSERT INTO refunds (order_id, payment_id, amount_vnd, provider, status, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
      [order.id, paymentId, p.amountVnd, p.provider, p.provider === 'stripe' ? 'requested' : 'owed', reason],
    );
    await manager.query(`UPDATE orders SET needs_review = true, review_reason = $2 WHERE id = $1`, [order.id, reason]);
    return 'refund';
  }

  // ---- webhooks ----

  /** POST /webhooks/stripe: verified, recorded by event id with its effect, then any refund it asked for. */
  async handleStripeWebhook(rawBody: Buffer, signature: string | undefined): Promise<{ outcome: string }> {
    if (!this.stripe) throw new NotFoundError();
    let event: Stripe.Event;
    try {
      event = this.stripe.verifyEvent(rawBody, signature ?? '');
    } catch {
      throw new WebhookSignatureError();
    }
    const outcome = await this.dataSource.transaction(async (manager) => {
      const session = event.type.startsWith('checkout.session.') ? (event.data.object as Stripe.Checkout.Session) : null;
      const orderId = session ? Number(session.metadata?.orderId) || null : null;
      const [fresh] = (await manager.query(
        `INSERT INTO webhook_events (provider, event_id, type, order_id, outcome, payload)
         VALUES ('stripe', $1, $2, (SELECT id FROM orders WHERE id = $3), 'received', $4)
         ON CONFLICT (provider, event_id) DO NOTHING RETURNING event_id`,
        [event.id, event.type, orderId, JSON.stringify(event)],
      )) as unknown[];
      if (!fresh) return 'duplicate';
      let result: string;
      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded':
          result = await this.fulfilStripeSession(manager, session!);
          break;
        case 'checkout.session.async_payment_failed':
          result = 'payment_failed';
          break;
        case 'checkout.session.expired':
          result = await this.expireForSession(manager, session!);
          break;
        case 'charge.refunded':
        case 'refund.updated':
        case 'refund.created':
          result = await this.recordStripeRefund(manager, event);
          break;
        default:
          result = 'ignored';
      }
      await manager.query(`UPDATE webhook_events SET outcome = $2 WHERE provider = 'stripe' AND event_id = $1`, [event.id, result]);
      return result;
    });
    await this.processRequested();
    return { outcome };
  }

  /** A Checkout Session expired unpaid: if it is the order's current session, the order expires and its stock returns. */
  private async expireForSession(manager: EntityManager, session: Stripe.Checkout.Session): Promise<string> {
    const orderId = Number(session.metadata?.orderId);
    const [order] = (await manager.query(`SELECT id, status, stripe_session_id FROM orders WHERE id = $1`, [orderId])) as {
      id: number;
      status: OrderStatus;
      stripe_session_id: string | null;
    }[];
    // CASE: a late "expired" after "paid" (or for an older session) changes nothing: orders never move backwards.
    if (!order || order.status !== 'pending_payment' || order.stripe_session_id !== session.id) return 'ignored';
    return (await this.orders.expireInTx(manager, order.id)) ? 'expired' : 'ignored';
  }

  private async recordStripeRefund(manager: EntityManager, event: Stripe.Event): Promise<string> {
    const object = event.data.object as Stripe.Refund | Stripe.Charge;
    const refunds = object.object === 'refund' ? [object as Stripe.Refund] : ((object as Stripe.Charge).refunds?.data ?? []);
    let touched = 0;
    for (const refund of refunds) {
      const status = refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : null;
      if (!status) continue;
      const [rows] = (await manager.query(
        `UPDATE refunds SET status = $2, updated_at = now() WHERE provider_ref = $1 AND status <> $2 RETURNING id`,
        [refund.id, status],
      )) as [unknown[], number];
      touched += rows.length;
    }
    return touched ? 'refund_updated' : 'ignored';
  }

  /**
   * POST /webhooks/bank in SePay's format. The key is compared in constant time; the bank's
   * transaction id deduplicates; only money *in* to our account with an order code can pay.
   */
  async handleBankWebhook(authorization: string | undefined, body: unknown): Promise<{ outcome: string }> {
    const secret = this.config.bankWebhookSecret;
    const given = /^Apikey\s+(.+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (!secret || !sameSecret(given, secret)) throw new WebhookAuthError();
    const parsed = bankWebhookSchema.safeParse(body);
    if (!parsed.success) {
      // The reason in the answer, so whoever runs the bank feed can see what to fix.
      const reasons = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ');
      throw new AppError(`Invalid payload: ${reasons}`.slice(0, 500), 400, 'bad_payload');
    }
    const tx = parsed.data;
    const outcome = await this.dataSource.transaction(async (manager) => {
      const match = ORDER_CODE_IN_TEXT.exec(`${tx.code ?? ''} ${tx.content}`);
      const code = match ? `OCP-${match[1].toUpperCase()}` : null;
      const [order] = code ? ((await manager.query(`SELECT id FROM orders WHERE code = $1`, [code])) as { id: number }[]) : [];
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
    return { outcome };
  }

  /** The demo's "simulate the bank transfer" button: the same signed path a real bank feed takes. */
  async simulateBankTransfer(actor: Actor, code: string): Promise<{ outcome: string }> {
    if (!this.config.demo || !this.config.vietqr) throw new NotFoundError();
    const order = await this.buyersOrder(actor, code);
    return this.handleBankWebhook(`Apikey ${this.config.bankWebhookSecret}`, {
      id: `demo-${order.id}-${crypto.randomBytes(4).toString('hex')}`,
      gateway: 'Demo',
      transactionDate: new Date().toISOString(),
      accountNumber: this.config.vietqr.accountNo,
      content: `${order.code} thanh toan don hang`,
      transferType: 'in',
      transferAmount: order.total_vnd,
      referenceCode: 'DEMO',
    });
  }

  // ---- admins ----

  async markPaidByAdmin(actor: Actor, code: string, reference: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const order = await this.orderByCode(code, manager);
      if (!order) throw new NotFoundError('Không tìm thấy đơn hàng này.');
      if (order.status !== 'pending_payment' && order.status !== 'expired' && order.status !== 'cancelled') {
        throw new ConflictError('Đơn hàng này không chờ thanh toán.');
      }
      const outcome = await this.applyPayment(manager, {
        provider: 'manual', ref: reference, orderId: order.id, amountVnd: order.total_vnd, currency: 'vnd', actorUserId: actor.id,
      });
      if (outcome === 'duplicate') throw new ConflictError('Mã giao dịch này đã được ghi nhận.');
      await this.audit.record(manager, { actorUserId: actor.id, action: 'order.mark-paid', targetType: 'order', targetId: order.code, reason: reference, details: { outcome } });
    });
    await this.processRequested();
  }

  /**
   * Refunds whatever of the order is still unrefunded (never more than was paid), cancels the parts
   * not yet shipped and returns their stock. Card payments go back through Stripe; bank transfers are
   * recorded as owed to the buyer.
   */
  async refundOrder(actor: Actor, code: string, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const order = await this.orderByCode(code, manager, true);
      if (!order) throw new NotFoundError('Không tìm thấy đơn hàng này.');
      if (order.status !== 'paid' && order.status !== 'completed') throw new ConflictError('Chỉ hoàn tiền được đơn đã thanh toán.');
      const amount = order.paid_amount_vnd - order.refunded_amount_vnd;
      if (amount <= 0) throw new ConflictError('Đơn hàng này đã được hoàn đủ tiền.');
      const parts = (await manager.query(`SELECT id FROM seller_orders WHERE order_id = $1 AND status = 'to_ship' ORDER BY id FOR UPDATE`, [order.id])) as { id: number }[];
      for (const part of parts) {
        await this.orders.returnStock(manager, { orderId: order.id, sellerOrderId: part.id }, actor.id);
        await manager.query(`UPDATE seller_orders SET status = 'cancelled', cancelled_at = now(), updated_at = now() WHERE id = $1`, [part.id]);
      }
      // Parts already delivered were credited to their cooperative: the refund comes off its balance.
      const delivered = (await manager.query(`SELECT id, total_vnd FROM seller_orders WHERE order_id = $1 AND status = 'delivered'`, [order.id])) as {
        id: number;
        total_vnd: number;
      }[];
      for (const part of delivered) await this.payouts.recordRefund(manager, part.id, part.total_vnd);
      await this.insertRefund(manager, { orderId: order.id, sellerOrderId: null, amountVnd: amount, reason: reason || 'Quản trị viên hoàn tiền toàn bộ đơn', actorUserId: actor.id });
      await manager.query(`UPDATE orders SET status = 'refunded', closed_at = now(), updated_at = now() WHERE id = $1`, [order.id]);
      await manager.query(
        `INSERT INTO order_events (order_id, from_status, to_status, actor_user_id, note) VALUES ($1, $2, 'refunded', $3, $4)`,
        [order.id, order.status, actor.id, reason || null],
      );
      await this.audit.record(manager, { actorUserId: actor.id, action: 'order.refund', targetType: 'order', targetId: order.code, reason: reason || null, details: { amountVnd: amount } });
    });
    await this.processRequested();
  }

  /** PartRefunds: a cooperative cancelled a paid part — what the buyer paid for it goes back. */
  async recordPartRefund(manager: EntityManager, sellerOrderId: number, actorUserId: number): Promise<void> {
    const [part] = (await manager.query(
      `SELECT so.total_vnd, o.id AS order_id, o.paid_amount_vnd, o.refunded_amount_vnd, o.status
       FROM seller_orders so JOIN orders o ON o.id = so.order_id WHERE so.id = $1 FOR UPDATE OF o`,
      [sellerOrderId],
    )) as { total_vnd: number; order_id: number; paid_amount_vnd: number; refunded_amount_vnd: number; status: OrderStatus }[];
    const amount = Math.min(part.total_vnd, part.paid_amount_vnd - part.refunded_amount_vnd);
    if (amount <= 0) return;
    await this.insertRefund(manager, { orderId: part.order_id, sellerOrderId, amountVnd: amount, reason: 'Hợp tác xã huỷ phần đơn đã thanh toán', actorUserId });
    const [after] = (await manager.query(`SELECT paid_amount_vnd = refunded_amount_vnd AS all_back FROM orders WHERE id = $1`, [part.order_id])) as { all_back: boolean }[];
    if (after.all_back && (part.status === 'paid' || part.status === 'completed')) {
      await manager.query(`UPDATE orders SET status = 'refunded', closed_at = now(), updated_at = now() WHERE id = $1`, [part.order_id]);
      await manager.query(`INSERT INTO order_events (order_id, from_status, to_status, actor_user_id) VALUES ($1, $2, 'refunded', $3)`, [part.order_id, part.status, actorUserId]);
    }
  }

  /** Counts the amount against what was paid at once: the CHECK (refunded ≤ paid) makes "never more" a database fact. */
  private async insertRefund(manager: EntityManager, r: { orderId: number; sellerOrderId: number | null; amountVnd: number; reason: string; actorUserId: number }) {
    const [order] = (await manager.query(`SELECT payment_method FROM orders WHERE id = $1`, [r.orderId])) as { payment_method: string }[];
    const [payment] = (await manager.query(
      `SELECT provider FROM payments WHERE order_id = $1 AND outcome = 'applied' ORDER BY id DESC LIMIT 1`,
      [r.orderId],
    )) as { provider: 'stripe' | 'vietqr' | 'manual' }[];
    const provider = payment?.provider ?? (order.payment_method as 'stripe' | 'vietqr');
    await manager.query(
      `INSERT INTO refunds (order_id, seller_order_id, amount_vnd, provider, status, reason, actor_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.orderId, r.sellerOrderId, r.amountVnd, provider, provider === 'stripe' ? 'requested' : 'owed', r.reason, r.actorUserId],
    );
    await manager.query(`UPDATE orders SET refunded_amount_vnd = refunded_amount_vnd + $2, updated_at = now() WHERE id = $1`, [r.orderId, r.amountVnd]);
  }

  /**
   * Sends requested Stripe refunds, one at a time, outside any transaction; safe to call from
   * several places at once (rows are claimed with SKIP LOCKED) and again after a crash.
   */
  async processRequested(): Promise<void> {
    if (!this.stripe) return;
    for (;;) {
      const claimed = await this.dataSource.transaction(async (manager) => {
        const [row] = (await manager.query(
          `SELECT r.id, r.amount_vnd, r.attempts,
                  coalesce(p.payment_intent_id, (SELECT payment_intent_id FROM payments ap WHERE ap.order_id = r.order_id AND ap.outcome = 'applied' AND ap.provider = 'stripe' ORDER BY ap.id DESC LIMIT 1)) AS payment_intent_id
           FROM refunds r LEFT JOIN payments p ON p.id = r.payment_id
           WHERE r.status = 'requested' AND r.provider = 'stripe' AND r.updated_at <= now() - make_interval(secs => least(r.attempts * 30, 3600))
           ORDER BY r.id LIMIT 1 FOR UPDATE OF r SKIP LOCKED`,
        )) as { id: number; amount_vnd: number; attempts: number; payment_intent_id: string | null }[];
        if (!row) return null;
        await manager.query(`UPDATE refunds SET attempts = attempts + 1, updated_at = now() WHERE id = $1`, [row.id]);
        return row;
      });
      if (!claimed) return;
      try {
        if (!claimed.payment_intent_id) throw new Error('no Stripe payment to refund');
        const refund = await this.stripe.refund({ paymentIntentId: claimed.payment_intent_id, amountVnd: claimed.amount_vnd, refundId: claimed.id });
        await this.dataSource.query(
          `UPDATE refunds SET status = $2, provider_ref = $3, last_error = NULL, updated_at = now() WHERE id = $1 AND status = 'requested'`,
          [claimed.id, refund.status === 'failed' ? 'failed' : 'succeeded', refund.id],
        );
        await this.dataSource.query(`UPDATE payments SET outcome = 'refunded' WHERE id = (SELECT payment_id FROM refunds WHERE id = $1)`, [claimed.id]);
      } catch (err) {
        this.logger.warn({ err, refundId: claimed.id }, 'refund not sent; will retry');
        await this.dataSource.query(`UPDATE refunds SET last_error = $2, updated_at = now() WHERE id = $1`, [claimed.id, String((err as Error).message).slice(0, 500)]);
        return;
      }
    }
  }
}

