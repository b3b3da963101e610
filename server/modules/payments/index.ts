export { PaymentIntakeService, WebhookAuthError, WebhookSignatureError, type PaymentOutcome } from './payment-intake.service';
export { RefundsService } from './refunds.service';
export { PayPageService, MAX_CARD_SESSIONS } from './pay-page.service';
export { webhookRoutes, payRoutes, paymentStart } from './payments.routes';
export { StripeGateway } from './stripe-gateway';
export { vietQrPayload, parseTlv, crc16CcittFalse } from './vietqr';
export { markPaidSchema, refundSchema } from './payments.schemas';
export * from './payment-state';
