import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Chợ 4.0": market days with their stalls, and stall sales. A stall sale is an order of channel
 * 'stall' (one stock, one ledger, one payout statement; the bank feed pays it by its code like an
 * online order): it has no buyer account and no delivery address, and a receipt reachable by an
 * unguessable token.
 */
export class MarketDays1764300000000 implements MigrationInterface {
  name = 'MarketDays1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE market_days (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        commune text NOT NULL,
        place text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        description text NOT NULL DEFAULT '',
        created_by integer REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at)
      )`);
    // The public list: current and upcoming ones, soonest first.
    await q.query(`CREATE INDEX market_days_ends_at_idx ON market_days (ends_at, starts_at)`);
    await q.query(`
      CREATE TABLE market_day_stalls (
        market_day_id integer NOT NULL REFERENCES market_days(id),
        seller_id integer NOT NULL REFERENCES sellers(id),
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (market_day_id, seller_id)
      )`);
    await q.query(`CREATE INDEX market_day_stalls_seller_idx ON market_day_stalls (seller_id)`);

    await q.query(`
      ALTER TABLE orders
        ADD COLUMN channel text NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'stall')),
        ADD COLUMN market_day_id integer REFERENCES market_days(id),
        ADD COLUMN receipt_token text UNIQUE`);
    for (const column of ['buyer_user_id', 'recipient_name', 'phone', 'province', 'commune', 'street']) {
      await q.query(`ALTER TABLE orders ALTER COLUMN ${column} DROP NOT NULL`);
    }
    // An online order keeps everything it had to have; a stall sale is paid by transfer and has a receipt.
    await q.query(`
      ALTER TABLE orders
        ADD CONSTRAINT orders_online_buyer_and_address CHECK (channel = 'stall' OR (buyer_user_id IS NOT NULL
          AND recipient_name IS NOT NULL AND phone IS NOT NULL AND province IS NOT NULL AND commune IS NOT NULL AND street IS NOT NULL)),
        ADD CONSTRAINT orders_stall_sale CHECK (channel = 'online' OR (receipt_token IS NOT NULL AND payment_method = 'vietqr')),
        ADD CONSTRAINT orders_market_day_only_stall CHECK (market_day_id IS NULL OR channel = 'stall')`);
    await q.query(`CREATE INDEX orders_market_day_idx ON orders (market_day_id) WHERE market_day_id IS NOT NULL`);

    await q.query(`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check`);
    await q.query(`
      ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
        CHECK (reason IN ('initial', 'restock', 'damage', 'stocktake', 'other', 'sale', 'stall_sale', 'release'))`);

    // A stall's commission may be lower than online (no delivery to arrange): 0 by default.
    await q.query(`INSERT INTO platform_settings (key, value) VALUES ('stall_commission_rate_bp', '0'::jsonb)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM platform_settings WHERE key = 'stall_commission_rate_bp'`);
    await q.query(`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check`);
    await q.query(`
      ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
        CHECK (reason IN ('initial', 'restock', 'damage', 'stocktake', 'other', 'sale', 'release'))`);
    await q.query(`DROP INDEX orders_market_day_idx`);
    await q.query(
      `ALTER TABLE orders DROP CONSTRAINT orders_market_day_only_stall, DROP CONSTRAINT orders_stall_sale, DROP CONSTRAINT orders_online_buyer_and_address`,
    );
    for (const column of ['buyer_user_id', 'recipient_name', 'phone', 'province', 'commune', 'street']) {
      await q.query(`ALTER TABLE orders ALTER COLUMN ${column} SET NOT NULL`);
    }
    await q.query(`ALTER TABLE orders DROP COLUMN receipt_token, DROP COLUMN market_day_id, DROP COLUMN channel`);
    await q.query(`DROP TABLE market_day_stalls`);
    await q.query(`DROP TABLE market_days`);
  }
}
