export { enqueueEmail, type OutgoingEmail } from './outbox';
export { MailWorker, MAIL_FROM } from './mail-worker';
export { ZaloNotifier, zaloPhone, type OrderNotice } from './zalo-outbox';
export { ZaloWorker } from './zalo-worker';
export { ZNS_UNREACHABLE_CODES } from './zns-client';
export { NotificationsAdminService } from './notifications-admin.service';
export { notificationsAdminRoutes } from './notifications-admin.routes';
