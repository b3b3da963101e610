import Stripe from 'stripe';
import type { Config } from '../../config';

export interface CheckoutLine {
  name: string;
  unitAmountVnd: number;
  quantity: number;
}

/**
 * The few Stripe calls the store makes. VND is zero-decimal: 125.000 ₫ is `125000`.
 * STRIPE_API_BASE points the real SDK at any Stripe-compatible server (stripe-mock, our test fake).
 */
export class StripeGateway {
  readonly client: Stripe;

  constructor(private readonly settings: NonNullable<Config['stripe']>) {
    const options: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 15_000 };
    if (settings.apiBase) {
      const base = new URL(settings.apiBase);
      options.host = base.hostname;
      options.port = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
      options.protocol = base.protocol.replace(':', '') as 'http' | 'https';
    }
    this.client = new Stripe(settings.secretKey, options);
  }

  createCheckoutSession(input: {
    orderId: number;
    orderCode: string;
    attempt: number;
    /** Absent for a buyer who signs in with a phone: Stripe then asks for one on its page. */
    email?: string;
    lines: CheckoutLine[];
    expiresAt: Date;
    successUrl: string;
    cancelUrl: string;
  }): Promise<Stripe.Checkout.Session> {
    return this.client.checkout.sessions.create(
      {
        mode: 'payment',
        currency: 'vnd',
        customer_email: input.email,
        client_reference_id: input.orderCode,
        line_items: input.lines.map((l) => ({
          quantity: l.quantity,
          price_data: { currency: 'vnd', unit_amount: l.unitAmountVnd, product_data: { name: l.name } },
        })),
        metadata: { orderId: String(input.orderId), orderCode: input.orderCode },
        payment_intent_data: { metadata: { orderId: String(input.orderId), orderCode: input.orderCode } },
        expires_at: Math.floor(input.expiresAt.getTime() / 1000),
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
      },
      // One key per attempt: a retried request never creates a second session.
      { idempotencyKey: `checkout-${input.orderId}-${input.attempt}` },
    );
  }

  retrieveSession(id: string): Promise<Stripe.Checkout.Session> {
    return this.client.checkout.sessions.retrieve(id);
  }

  refund(input: { paymentIntentId: string; amountVnd: number; refundId: number }): Promise<Stripe.Refund> {
    return this.client.refunds.create(
      { payment_intent: input.paymentIntentId, amount: input.amountVnd, metadata: { refundId: String(input.refundId) } },
      { idempotencyKey: `refund-${input.refundId}` },
    );
  }

  /** Throws when the signature, the secret or the timestamp (5-minute tolerance) is wrong. */
  verifyEvent(rawBody: Buffer, signature: string): Stripe.Event {
    return this.client.webhooks.constructEvent(rawBody, signature, this.settings.webhookSecret, 300);
  }
}
