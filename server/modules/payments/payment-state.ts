import { canMove, statesMovableTo, type TransitionTable } from '../../lib/transition-table';

/**
 * Payments and refunds as data, like orders/order-state.ts: anything not listed here is refused,
 * and each table gives the WHERE of the conditional update that makes the move (payment-records.ts).
 * The statuses are the CHECK constraints of migration Payments.
 */

/** What became of money that arrived (payments.outcome). A payment row is born `applied`. */
export const PAYMENT_OUTCOMES = ['applied', 'flagged', 'refund_pending', 'refunded'] as const;
export type PaymentOutcomeStatus = (typeof PAYMENT_OUTCOMES)[number];

export const PAYMENT_TRANSITIONS: TransitionTable<PaymentOutcomeStatus> = {
  // The wrong amount, currency or order: an admin looks at it. Paid twice or too late: it goes back.
  applied: ['flagged', 'refund_pending'],
  flagged: [],
  // The refund that sends it back was carried out by the refund worker.
  refund_pending: ['refunded'],
  refunded: [],
};

/** Money going back (refunds.status). Card refunds start `requested`; a bank transfer is `owed` (paid back by hand). */
export const REFUND_STATUSES = ['requested', 'owed', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const REFUND_TRANSITIONS: TransitionTable<RefundStatus> = {
  requested: ['succeeded', 'failed'],
  owed: [],
  // CASE: Stripe reports a refund's later fate by webhook: a succeeded refund can still fail, and the
  // status of the latest report stands (an earlier report delivered late can set it back).
  succeeded: ['failed'],
  failed: ['succeeded'],
};

export type RefundProvider = 'stripe' | 'vietqr' | 'manual';

/** Where a refund starts: Stripe refunds are sent by the worker; anything else is owed to the buyer by hand. */
export function initialRefundStatus(provider: RefundProvider): RefundStatus {
  return provider === 'stripe' ? 'requested' : 'owed';
}

export function canMovePayment(from: PaymentOutcomeStatus, to: PaymentOutcomeStatus): boolean {
  return canMove(PAYMENT_TRANSITIONS, from, to);
}

export function paymentsMovableTo(to: PaymentOutcomeStatus, only?: readonly PaymentOutcomeStatus[]): PaymentOutcomeStatus[] {
  return statesMovableTo(PAYMENT_TRANSITIONS, to, only);
}

export function canMoveRefund(from: RefundStatus, to: RefundStatus): boolean {
  return canMove(REFUND_TRANSITIONS, from, to);
}

export function refundsMovableTo(to: RefundStatus, only?: readonly RefundStatus[]): RefundStatus[] {
  return statesMovableTo(REFUND_TRANSITIONS, to, only);
}
