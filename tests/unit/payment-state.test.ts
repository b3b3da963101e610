import {
  PAYMENT_OUTCOMES,
  REFUND_STATUSES,
  canMovePayment,
  canMoveRefund,
  initialRefundStatus,
  paymentsMovableTo,
  refundsMovableTo,
  type PaymentOutcomeStatus,
  type RefundStatus,
} from '../../server/modules/payments/payment-state';
import { pinTransitions } from '../helpers/transition-rules';

/** The rules as a reader states them; the tables must say exactly this. */
const PAYMENT_RULES: Record<PaymentOutcomeStatus, PaymentOutcomeStatus[]> = {
  // Wrong amount, currency or order → an admin looks; paid twice or too late → it goes back.
  applied: ['flagged', 'refund_pending'],
  flagged: [],
  refund_pending: ['refunded'],
  refunded: [],
};

const REFUND_RULES: Record<RefundStatus, RefundStatus[]> = {
  requested: ['succeeded', 'failed'],
  // Paid back by hand: nothing in the store moves it.
  owed: [],
  // Stripe's later reports: the latest one stands.
  succeeded: ['failed'],
  failed: ['succeeded'],
};

describe('a payment moves only as PAYMENT_TRANSITIONS says', () => {
  pinTransitions({ states: PAYMENT_OUTCOMES, canMove: canMovePayment, movableTo: paymentsMovableTo }, PAYMENT_RULES);
});

describe('a refund moves only as REFUND_TRANSITIONS says', () => {
  pinTransitions({ states: REFUND_STATUSES, canMove: canMoveRefund, movableTo: refundsMovableTo }, REFUND_RULES);

  it('the worker moves only the refund it claimed while it was still requested', () => {
    expect(refundsMovableTo('succeeded', ['requested'])).toEqual(['requested']);
    expect(refundsMovableTo('failed', ['requested'])).toEqual(['requested']);
    expect(refundsMovableTo('succeeded', ['owed'])).toEqual([]);
  });

  it('starts requested for a card (the worker sends it to Stripe), owed for anything else', () => {
    expect(initialRefundStatus('stripe')).toBe('requested');
    expect(initialRefundStatus('vietqr')).toBe('owed');
    expect(initialRefundStatus('manual')).toBe('owed');
  });
});
