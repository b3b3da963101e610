export { enqueueEmail, type OutgoingEmail } from './outbox';
export { MailWorker, MAIL_FROM } from './mail-worker';
