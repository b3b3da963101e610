import type { EntityManager } from 'typeorm';

export interface OutgoingEmail {
  /** Makes enqueueing idempotent: the same event never mails twice. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
}

/** Written in the caller's transaction: the mail exists exactly when the event it announces does. */
export async function enqueueEmail(manager: EntityManager, email: OutgoingEmail): Promise<void> {
  await manager.query(`INSERT INTO outbox_emails (dedupe_key, to_address, subject, text_body) VALUES ($1, $2, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING`, [
    email.dedupeKey,
    email.to,
    email.subject,
    email.text,
  ]);
}
