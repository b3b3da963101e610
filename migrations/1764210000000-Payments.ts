import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments received, webhook deliveries (for idempotency), refunds, and the review flag admins follow up. */
export class Payments1764210000000 implements MigrationInterface {
  name = 'Payments1764210000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN paid_amount_vnd integer NOT NULL DEFAULT 0 CHECK (paid_amount_vnd >= 0)`);
    await q.query(`ALTER TABLE orders ADD COLUMN refunded_amount_vnd integer NOT NULL DEFAULT 0 CHECK (refunded_amount_vnd >= 0)`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_refund_within_paid CHECK (refunded_amount_vnd <= paid_amount_vnd)`);
    await q.query(`ALTER TABLE orders ADD COLUMN payment_attempts integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE orders ADD COLUMN stripe_session_id text`);
    await q.query(`ALTER TABLE orders ADD COLUMN stripe_session_url text`);
    await q.query(`ALTER TABLE orders ADD COLUMN needs_review boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE orders ADD COLUMN review_reason text`);
    await q.query(`CREATE INDEX orders_needs_review_idx ON orders (id) WHERE needs_review`);

    // Every delivery of a signed message, by the sender's id: a replay finds its row and does nothing.
    await q.query(`
      CREATE TABLE webhook_events (
        provider text NOT NULL CHECK (provider IN ('stripe', 'bank')),
        event_id text NOT NULL,
        type text NOT NULL,
        order_id integer REFERENCES orders(id),
        outcome text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_events_order_idx ON webhook_events (order_id, received_at)`);

    // Money that arrived: one row per Stripe Checkout Session or bank transaction, whatever delivered it.
    await q.query(`
      CREATE TABLE payments (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id integer REFERENCES orders(id),
        provider text NOT NULL CHECK (provider IN ('stripe', 'vietqr', 'manual')),
        provider_ref text NOT NULL,
        amount_vnd bigint NOT NULL CHECK (amount_vnd >= 0),
        currency text NOT NULL,
        payment_intent_id text,
        outcome text NOT NULL CHECK (outcome IN ('applied', 'flagged', 'refund_pending', 'refunded')),
        flag_reason text,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider, provider_ref)
      )`);
    await q.query(`CREATE INDEX payments_order_idx ON payments (order_id)`);
    await q.query(`CREATE INDEX payments_flagged_idx ON payments (id) WHERE outcome = 'flagged'`);

    await q.query(`
      CREATE TABLE refunds (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id integer NOT NULL REFERENCES orders(id),
        seller_order_id integer REFERENCES seller_orders(id),
        payment_id integer REFERENCES payments(id),
        amount_vnd integer NOT NULL CHECK (amount_vnd > 0),
        provider text NOT NULL CHECK (provider IN ('stripe', 'vietqr', 'manual')),
        status text NOT NULL CHECK (status IN ('requested', 'succeeded', 'owed', 'failed')),
        provider_ref text,
        reason text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        actor_user_id integer REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Never twice: one refund per cooperative's part, one whole-order refund, one per stray payment.
    await q.query(`CREATE UNIQUE INDEX refunds_one_per_part ON refunds (seller_order_id) WHERE seller_order_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX refunds_one_per_order ON refunds (order_id) WHERE seller_order_id IS NULL AND payment_id IS NULL`);
    await q.query(`CREATE UNIQUE INDEX refunds_one_per_payment ON refunds (payment_id) WHERE payment_id IS NOT NULL`);
    await q.query(`CREATE INDEX refunds_requested_idx ON refunds (id) WHERE status = 'requested'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refunds`);
    await q.query(`DROP TABLE payments`);
    await q.query(`DROP TABLE webhook_events`);
    await q.query(`DROP INDEX orders_needs_review_idx`);
    for (const col of ['review_reason', 'needs_review', 'stripe_session_url', 'stripe_session_id', 'payment_attempts']) {
      await q.query(`ALTER TABLE orders DROP COLUMN ${col}`);
    }
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_refund_within_paid`);
    await q.query(`ALTER TABLE orders DROP COLUMN refunded_amount_vnd`);
    await q.query(`ALTER TABLE orders DROP COLUMN paid_amount_vnd`);
  }
}
