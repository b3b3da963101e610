import QRCode from 'qrcode';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { AppError, ConflictError } from '../../lib/errors';
import { bankName } from '../../lib/banks';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../logger';
import type { Actor } from '../accounts';
import type { OrderLifecycle } from '../orders';
import { buyersPayableOrder, type PayableOrder } from './payable-order';
import type { StripeGateway } from './stripe-gateway';
import { vietQrPayload } from './vietqr';
import { msg, translate, type Language } from '../../rendering/i18n';

/**
 * Card sessions per order: room for a declined card, another card and a change of mind, not for
 * keeping the stock out of the shop by re-posting. The reservation is bounded on its own (see
 * cardSessionFor); this bounds the sessions.
 */
export const MAX_CARD_SESSIONS = 5;
/** Stripe refuses a Checkout Session that ends less than 30 minutes, or more than 24 hours, after it is made. */
const STRIPE_MIN_SESSION_MS = 30 * 60_000;
const STRIPE_MAX_SESSION_MS = 24 * 3600_000;

/**
 * /orders/:code/pay: the VietQR code with the transfer details written out, or the way to Stripe's
 * card page. Time: the reservation and the card session's end are the injected clock's, like the
 * checkout that set the reservation and the sweeper that ends it.
 */
export class PayPageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: OrderLifecycle,
    private readonly config: Readonly<Config>,
    /** null when card payments are not configured: the page says so and offers no card button. */
    private readonly stripe: StripeGateway | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** What /orders/:code/pay shows: a VietQR code with the details written out, or the card button. */
  async payPage(actor: Actor, code: string) {
    const order = await buyersPayableOrder(this.dataSource.manager, actor, code);
    const base = { code: order.code, status: order.status, totalVnd: order.total_vnd, method: order.payment_method, reservedUntil: order.reserved_until };
    if (order.status !== 'pending_payment') return { ...base, payable: false as const };
    if (order.payment_method === 'vietqr') {
      return {
        ...base,
        payable: true as const,
        vietqr: await this.transferQr(order.code, order.total_vnd),
        simulate: this.config.demo,
        // Card instead of the transfer, only when the buyer asks for it (POST /pay with switchTo=stripe).
        switchToCard: this.stripe !== null,
      };
    }
    return { ...base, payable: true as const, stripe: { available: this.stripe !== null } };
  }

  /**
   * The VietQR code for a transfer of exactly `amountVnd` with `code` as its content, and the details
   * written out: the pay page's, and the stall till's (a stall sale's code is paid like an order's).
   */
  async transferQr(code: string, amountVnd: number) {
    const qr = this.config.vietqr;
    if (!qr) throw new ConflictError('pay.error.noVietqr');
    const payload = vietQrPayload({ bankBin: qr.bankBin, accountNo: qr.accountNo, amountVnd, purpose: code });
    return {
      payload,
      image: await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 }),
      bank: bankName(qr.bankBin) ?? qr.bankBin,
      accountNo: qr.accountNo,
      accountName: qr.accountName,
      content: code,
    };
  }

  /** Whether the demo's "simulate the bank transfer" button is shown (the embedded demo only). */
  get simulateTransfers(): boolean {
    return this.config.demo && this.config.vietqr !== undefined;
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
      const order = await buyersPayableOrder(this.dataSource.manager, actor, code);
      const url = await this.cardSessionFor(order, options.switchToCard === true);
      if (url) return url;
      // Each lost claim means another request moved the order on; a second look finds its session.
      if (look >= 2) throw new ConflictError('pay.error.busy');
    }
  }

  /** The URL to send the buyer to, or null when another request claimed the next attempt first. */
  private async cardSessionFor(order: PayableOrder, switchToCard: boolean): Promise<string | null> {
    if (!this.stripe) throw new ConflictError('pay.error.noCard');
    if (order.status !== 'pending_payment') throw new ConflictError('pay.error.notPending');
    if (order.payment_method !== 'stripe' && !switchToCard) {
      throw new ConflictError('pay.error.cardNotChosen', 'card_not_chosen');
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
      throw new ConflictError(msg('pay.error.attemptsUsed', { count: MAX_CARD_SESSIONS }), 'card_attempts_used');
    }
    if (order.reserved_until.getTime() <= now) throw new ConflictError('pay.error.reservationOver', 'reservation_over');
    const cap = (order.first_reserved_until ?? order.reserved_until).getTime() + this.config.reservationMinutes * 60_000;
    const stripeMinimum = now + STRIPE_MIN_SESSION_MS + 10_000;
    // Stretched to Stripe's minimum so the two end together, unless that would pass the cap.
    const reservedUntil = Math.min(Math.max(order.reserved_until.getTime(), stripeMinimum), cap);
    // The session may then outlast the reservation: money that arrives after the stock went back
    // revives the order or is refunded (PaymentIntakeService.applyPayment).
    const expiresAt = new Date(Math.min(Math.max(reservedUntil, stripeMinimum), now + STRIPE_MAX_SESSION_MS - 60_000));
    const attempt = await this.lifecycle.claimCardAttempt(
      this.dataSource.manager,
      { orderId: order.id, attempts: order.payment_attempts, sessionId: order.stripe_session_id },
      { reservedUntil: new Date(reservedUntil), sessionExpiresAt: expiresAt },
    );
    if (attempt === null) return null;
    return this.createStripeSession(order, attempt, expiresAt);
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
    const [{ shipping, email, language }] = (await this.dataSource.query(
      `SELECT o.shipping_total_vnd AS shipping, u.email, u.language FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE o.id = $1`,
      [order.id],
    )) as { shipping: number; email: string | null; language: Language }[];
    // Stripe's page shows the line as named here: in the buyer's language, like their mail.
    if (shipping > 0) lines.push({ name: translate(language, 'cart.shippingFee'), unitAmountVnd: shipping, quantity: 1 });
    const session = await this.stripe!.createCheckoutSession({
      orderId: order.id,
      orderCode: order.code,
      attempt,
      email: email ?? undefined,
      lines,
      expiresAt,
      successUrl: `${this.config.publicUrl}/orders/${order.code}/pay/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${this.config.publicUrl}/orders/${order.code}`,
    });
    if (!session.url) throw new AppError('pay.error.stripeNoUrl', 502, 'stripe_no_url');
    await this.lifecycle.storeCardSession(this.dataSource.manager, order.id, attempt, { id: session.id, url: session.url });
    return session.url;
  }
}
