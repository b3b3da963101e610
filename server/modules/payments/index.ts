export { PaymentsService, WebhookAuthError, WebhookSignatureError, type PaymentOutcome } from './payments.service';
export { webhookRoutes, payRoutes, paymentStart } from './payments.routes';
export { StripeGateway } from './stripe-gateway';
export { vietQrPayload, parseTlv, crc16CcittFalse } from './vietqr';
export { markPaidSchema, refundSchema } from './payments.schemas';
