import type { EntityManager } from 'typeorm';

export interface OutgoingEmail {
  /** Makes enqueueing idempotent: the same event never mails twice. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  /**
   * Sent whatever the recipient chose (a password reset, a sign-in link: mail that keeps an account
   * safe). Everything else respects the account's "email notifications" choice.
   */
  essential?: boolean;
}

/**
 * Written in the caller's transaction: the mail exists exactly when the event it announces does.
 * CASE: an account that turned email notifications off (users.notify_email) gets no row, decided
 * here by address so every caller (order mail, the Zalo fallback) honours it the same way.
 */
export async function enqueueEmail(manager: EntityManager, email: OutgoingEmail): Promise<void> {
  await manager.query(
    `INSERT INTO outbox_emails (dedupe_key, to_address, subject, text_body)
     SELECT $1::text, $2::text, $3::text, $4::text
     WHERE $5::boolean OR NOT EXISTS (SELECT 1 FROM users WHERE email = $2::text::citext AND NOT notify_email)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [email.dedupeKey, email.to, email.subject, email.text, email.essential ?? false],
  );
}
