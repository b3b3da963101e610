import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Zalo ZNS beside email (issue 21). `outbox_zalo` is the second outbox: one row per event and
 * recipient (dedupe_key), written in the event's transaction and sent by the Zalo worker; its id is
 * the `tracking_id` Zalo sees, so a retry of a delivered row is recognised. `fallback` means Zalo
 * could not reach the person (no Zalo account, phone invalid, blocked) and the email named by
 * `fallback_dedupe_key` was queued instead. Each account chooses its channels; both default on.
 */
export class ZaloNotifications1764610000000 implements MigrationInterface {
  name = 'ZaloNotifications1764610000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN notify_email boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE users ADD COLUMN notify_zalo boolean NOT NULL DEFAULT true`);
    await q.query(`
      CREATE TABLE outbox_zalo (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dedupe_key text NOT NULL UNIQUE,
        event text NOT NULL CHECK (event IN ('order_placed', 'order_paid', 'seller_new_order', 'order_shipped', 'stall_sale_paid')),
        user_id integer NOT NULL REFERENCES users(id),
        order_id integer REFERENCES orders(id),
        phone text NOT NULL CHECK (phone ~ '^84[35789][0-9]{8}$'),
        template_id text NOT NULL,
        template_data jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'fallback')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        zalo_msg_id text,
        fallback_dedupe_key text NOT NULL,
        fallback_subject text NOT NULL,
        fallback_text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_zalo_due_idx ON outbox_zalo (next_attempt_at) WHERE status = 'pending'`);
    // The admin's list: what did not go out (failed, fallback, retrying), newest first.
    await q.query(
      `CREATE INDEX outbox_zalo_trouble_idx ON outbox_zalo (id DESC) WHERE status IN ('failed', 'fallback') OR attempts > 0 AND status = 'pending'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_zalo`);
    await q.query(`ALTER TABLE users DROP COLUMN notify_zalo`);
    await q.query(`ALTER TABLE users DROP COLUMN notify_email`);
  }
}
