import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Carts in the database, multi-seller orders, their history, shipping fees and the mail outbox. */
export class CartsAndOrders1764200000000 implements MigrationInterface {
  name = 'CartsAndOrders1764200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sellers ADD COLUMN shipping_fee_vnd integer NOT NULL DEFAULT 30000 CHECK (shipping_fee_vnd >= 0)`);
    await q.query(`ALTER TABLE sellers ADD COLUMN free_shipping_threshold_vnd integer CHECK (free_shipping_threshold_vnd > 0)`);

    // A guest's cart is found through its session; a signed-in buyer has exactly one.
    await q.query(`
      CREATE TABLE carts (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id integer UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE cart_items (
        cart_id integer NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
        product_id integer NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        -- The price the buyer saw when adding: a later change must be accepted before checkout.
        seen_price_vnd integer NOT NULL CHECK (seen_price_vnd >= 0),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (cart_id, product_id)
      )`);

    await q.query(`
      CREATE TABLE orders (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code text NOT NULL UNIQUE,
        buyer_user_id integer NOT NULL REFERENCES users(id),
        status text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'completed', 'cancelled', 'expired', 'refunded')),
        payment_method text NOT NULL CHECK (payment_method IN ('stripe', 'vietqr')),
        recipient_name text NOT NULL,
        phone text NOT NULL,
        province text NOT NULL,
        commune text NOT NULL,
        street text NOT NULL,
        note text,
        items_total_vnd integer NOT NULL CHECK (items_total_vnd >= 0),
        shipping_total_vnd integer NOT NULL CHECK (shipping_total_vnd >= 0),
        total_vnd integer NOT NULL CHECK (total_vnd = items_total_vnd + shipping_total_vnd),
        reserved_until timestamptz NOT NULL,
        paid_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX orders_buyer_idx ON orders (buyer_user_id, id DESC)`);
    // The sweeper's queue: unpaid orders by expiry.
    await q.query(`CREATE INDEX orders_pending_expiry_idx ON orders (reserved_until) WHERE status = 'pending_payment'`);

    await q.query(`
      CREATE TABLE seller_orders (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id integer NOT NULL REFERENCES orders(id),
        seller_id integer NOT NULL REFERENCES sellers(id),
        status text NOT NULL CHECK (status IN ('awaiting_payment', 'to_ship', 'shipped', 'delivered', 'cancelled')),
        items_total_vnd integer NOT NULL CHECK (items_total_vnd >= 0),
        shipping_fee_vnd integer NOT NULL CHECK (shipping_fee_vnd >= 0),
        total_vnd integer NOT NULL CHECK (total_vnd = items_total_vnd + shipping_fee_vnd),
        tracking_no text,
        shipped_at timestamptz,
        delivered_at timestamptz,
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (order_id, seller_id)
      )`);
    await q.query(`CREATE INDEX seller_orders_seller_idx ON seller_orders (seller_id, id DESC)`);

    await q.query(`
      CREATE TABLE order_items (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id integer NOT NULL REFERENCES orders(id),
        seller_order_id integer NOT NULL REFERENCES seller_orders(id),
        product_id integer NOT NULL REFERENCES products(id),
        product_name text NOT NULL,
        product_slug text NOT NULL,
        unit text NOT NULL,
        unit_price_vnd integer NOT NULL CHECK (unit_price_vnd >= 0),
        quantity integer NOT NULL CHECK (quantity > 0),
        line_total_vnd integer NOT NULL CHECK (line_total_vnd = unit_price_vnd * quantity)
      )`);
    await q.query(`CREATE INDEX order_items_order_idx ON order_items (order_id)`);
    await q.query(`CREATE INDEX order_items_seller_order_idx ON order_items (seller_order_id)`);

    await q.query(`
      CREATE TABLE order_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id integer NOT NULL REFERENCES orders(id),
        seller_order_id integer REFERENCES seller_orders(id),
        from_status text,
        to_status text NOT NULL,
        actor_user_id integer REFERENCES users(id),
        note text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX order_events_order_idx ON order_events (order_id, id)`);

    await q.query(`ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_order_fk FOREIGN KEY (order_id) REFERENCES orders(id)`);
    await q.query(`CREATE INDEX stock_movements_order_idx ON stock_movements (order_id) WHERE order_id IS NOT NULL`);

    // Mail is written here in the same transaction as the event, and sent later by a worker.
    await q.query(`
      CREATE TABLE outbox_emails (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dedupe_key text NOT NULL UNIQUE,
        to_address text NOT NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_emails_due_idx ON outbox_emails (next_attempt_at) WHERE status = 'pending'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_emails`);
    await q.query(`DROP INDEX stock_movements_order_idx`);
    await q.query(`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_order_fk`);
    await q.query(`DROP TABLE order_events`);
    await q.query(`DROP TABLE order_items`);
    await q.query(`DROP TABLE seller_orders`);
    await q.query(`DROP TABLE orders`);
    await q.query(`DROP TABLE cart_items`);
    await q.query(`DROP TABLE carts`);
    await q.query(`ALTER TABLE sellers DROP COLUMN free_shipping_threshold_vnd`);
    await q.query(`ALTER TABLE sellers DROP COLUMN shipping_fee_vnd`);
  }
}
