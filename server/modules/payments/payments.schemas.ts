import type Stripe from 'stripe';
import { z } from 'zod';
import { AppError } from '../../lib/errors';

const WHOLE_DONG = `must be a whole number of đồng from 0 to ${Number.MAX_SAFE_INTEGER}`;

/** SePay's webhook body (DESIGN.md §4), so a real Vietnamese bank feed can call us unchanged. */
export const bankWebhookSchema = z.object({
  id: z.union([z.number().int(), z.string().min(1).max(64)]).transform(String),
  gateway: z.string().max(100).optional(),
  transactionDate: z.string().max(40).optional(),
  accountNumber: z.string().max(40),
  code: z.string().max(100).nullable().optional(),
  content: z.string().max(500).default(''),
  transferType: z.enum(['in', 'out']),
  // Any whole number of đồng is recorded: an amount no order can have is flagged for an admin, never
  // refused (a refused delivery is retried by the bank forever). Beyond 2^53 it is not a real amount.
  transferAmount: z.number({ error: WHOLE_DONG }).int({ error: WHOLE_DONG }).min(0, { error: WHOLE_DONG }),
  accumulated: z.number().optional(),
  subAccount: z.string().max(40).nullable().optional(),
  referenceCode: z.string().max(100).nullable().optional(),
  description: z.string().max(500).optional(),
});
export type BankTransfer = z.infer<typeof bankWebhookSchema>;

/** A webhook body that is not what was promised: 400 with the reasons, so whoever runs the sender can see what to fix. */
function badPayload(error: z.ZodError): AppError {
  const reasons = error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ');
  return new AppError(`Invalid payload: ${reasons}`.slice(0, 500), 400, 'bad_payload');
}

export function parseBankTransfer(body: unknown): BankTransfer {
  const parsed = bankWebhookSchema.safeParse(body);
  if (!parsed.success) throw badPayload(parsed.error);
  return parsed.data;
}

/** The bank feed's `Authorization: Apikey <key>`; anything else is an empty key, which the service refuses. */
export const bankKeyHeaderSchema = z
  .string()
  .optional()
  .transform((header) => /^Apikey\s+(.+)$/i.exec(header ?? '')?.[1] ?? '')
  .catch('');

/** Stripe-Signature: checked against the raw body by the Stripe SDK; absent is an empty signature, which fails. */
export const stripeSignatureHeaderSchema = z
  .string()
  .optional()
  .transform((header) => header ?? '')
  .catch('');

/**
 * The few fields of a Stripe Checkout Session the store reads. Not `.strict()`: Stripe's objects
 * carry dozens of fields and gain new ones without notice; the others are dropped here.
 */
const checkoutSessionSchema = z
  .object({
    id: z.string().min(1),
    payment_status: z.string().nullish(),
    amount_total: z.number().int().nullish(),
    currency: z.string().nullish(),
    payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .transform((s) => {
    // Our own metadata, set when the session was made; anything else matches no order.
    const orderId = Number(s.metadata?.orderId);
    return {
      id: s.id,
      paymentStatus: s.payment_status ?? null,
      amountTotal: s.amount_total ?? null,
      currency: s.currency ?? null,
      paymentIntentId: typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null),
      orderId: Number.isSafeInteger(orderId) && orderId > 0 ? orderId : null,
    };
  });
export type CheckoutSessionFacts = z.infer<typeof checkoutSessionSchema>;

export function parseCheckoutSession(object: unknown): CheckoutSessionFacts {
  const parsed = checkoutSessionSchema.safeParse(object);
  if (!parsed.success) throw badPayload(parsed.error);
  return parsed.data;
}

const stripeRefundSchema = z.object({ id: z.string().min(1), status: z.string().nullish() });
/** A refund event carries the refund; charge.refunded carries the charge with its refunds. */
const refundReportsSchema = z.union([
  stripeRefundSchema.extend({ object: z.literal('refund') }).transform((refund) => [refund]),
  z.object({ refunds: z.object({ data: z.array(stripeRefundSchema) }).nullish() }).transform((charge) => charge.refunds?.data ?? []),
]);

/** A verified Stripe event, with what the store reads of it parsed; `payload` is kept whole for the webhook log. */
export interface StripeNotice {
  id: string;
  type: string;
  payload: Stripe.Event;
  session: CheckoutSessionFacts | null;
  refunds: { id: string; status?: string | null }[];
}

export function parseStripeEvent(event: Stripe.Event): StripeNotice {
  const object: unknown = event.data?.object;
  const session = event.type.startsWith('checkout.session.') ? parseCheckoutSession(object) : null;
  let refunds: StripeNotice['refunds'] = [];
  if (['charge.refunded', 'refund.created', 'refund.updated'].includes(event.type)) {
    const parsed = refundReportsSchema.safeParse(object);
    if (!parsed.success) throw badPayload(parsed.error);
    refunds = parsed.data;
  }
  return { id: event.id, type: event.type, payload: event, session, refunds };
}

export const markPaidSchema = z
  .object({ reference: z.string({ error: 'admin.order.v.reference' }).trim().min(3, 'admin.order.v.reference').max(100) })
  .strict();

/** The pay form: the card button posts nothing else; the VietQR page's “Trả bằng thẻ” adds switchTo=stripe. */
export const payFormSchema = z.object({ switchTo: z.literal('stripe', { error: 'pay.v.switchTo.invalid' }).optional() }).strict();

export const refundSchema = z.object({ reason: z.string().trim().max(500).default('') }).strict();
