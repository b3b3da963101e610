import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Commission, the cooperatives' money ledger and payouts; what a hidden product was before hiding. */
export class PayoutsAndModeration1764220000000 implements MigrationInterface {
  name = 'PayoutsAndModeration1764220000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform_settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Commission in basis points (1 % = 100): 0 by default.
    await q.query(`INSERT INTO platform_settings (key, value) VALUES ('commission_rate_bp', '0'::jsonb)`);
    await q.query(`ALTER TABLE sellers ADD COLUMN commission_rate_bp integer CHECK (commission_rate_bp BETWEEN 0 AND 10000)`);

    await q.query(`
      CREATE TABLE payouts (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seller_id integer NOT NULL REFERENCES sellers(id),
        amount_vnd integer NOT NULL CHECK (amount_vnd > 0),
        bank_reference text NOT NULL,
        paid_on date NOT NULL,
        note text,
        actor_user_id integer NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (seller_id, bank_reference)
      )`);

    // What the platform owes each cooperative, as signed movements: the balance is their sum.
    await q.query(`
      CREATE TABLE seller_ledger (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seller_id integer NOT NULL REFERENCES sellers(id),
        kind text NOT NULL CHECK (kind IN ('sale', 'commission', 'refund', 'commission_reversal', 'payout')),
        amount_vnd integer NOT NULL,
        seller_order_id integer REFERENCES seller_orders(id),
        payout_id integer REFERENCES payouts(id),
        rate_bp integer,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'payout') = (payout_id IS NOT NULL)),
        CHECK (kind IN ('sale', 'commission_reversal') AND amount_vnd >= 0 OR kind IN ('commission', 'refund', 'payout') AND amount_vnd <= 0)
      )`);
    // Each delivered part is credited once, its commission taken once, its refund recorded once.
    await q.query(`CREATE UNIQUE INDEX seller_ledger_once_per_part ON seller_ledger (seller_order_id, kind) WHERE seller_order_id IS NOT NULL`);
    await q.query(`CREATE INDEX seller_ledger_seller_idx ON seller_ledger (seller_id, id DESC)`);

    await q.query(`ALTER TABLE products ADD COLUMN status_before_hidden text CHECK (status_before_hidden IN ('draft', 'active'))`);
    // The dashboard and the province reports count orders by the day they were paid.
    await q.query(`CREATE INDEX orders_paid_at_idx ON orders (paid_at) WHERE paid_at IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_paid_at_idx`);
    await q.query(`ALTER TABLE products DROP COLUMN status_before_hidden`);
    await q.query(`DROP TABLE seller_ledger`);
    await q.query(`DROP TABLE payouts`);
    await q.query(`ALTER TABLE sellers DROP COLUMN commission_rate_bp`);
    await q.query(`DROP TABLE platform_settings`);
  }
}
