import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What bounds the card payment of an order: the end of the reservation checkout made (a card
 * attempt may move the reservation to at most that plus one payment window), and the end of the
 * current Stripe Checkout Session (so a re-post goes back to an open session instead of a new one).
 */
export class CardPaymentWindow1764250000000 implements MigrationInterface {
  name = 'CardPaymentWindow1764250000000';

  public async up(q: QueryRunner): Promise<void> {
    // Set by the first card attempt, from reserved_until: nothing else ever moves the reservation.
    await q.query(`ALTER TABLE orders ADD COLUMN first_reserved_until timestamptz`);
    await q.query(`ALTER TABLE orders ADD COLUMN stripe_session_expires_at timestamptz`);
    // Orders already waiting for a card: what they hold now counts as their first reservation.
    await q.query(`UPDATE orders SET first_reserved_until = reserved_until WHERE status = 'pending_payment' AND payment_attempts > 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN stripe_session_expires_at`);
    await q.query(`ALTER TABLE orders DROP COLUMN first_reserved_until`);
  }
}
