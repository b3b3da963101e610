import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20: verified-buyer reviews, traceable batches, and SKUs for the seller's CSV import.
 *
 * - A review belongs to one order item (a product of a delivered seller-order part), so "once per
 *   purchase" is a unique key. `product_ratings` is the maintained aggregate the listings read (one
 *   primary-key row per product, histogram included), written only by the reviews service in the same
 *   transaction as the review; hidden reviews are not counted.
 * - A batch (lô) is a seller's lot of a product; `trace_code` is the global, printable code of its
 *   public trace page (the seller's own `code` is unique only per seller). An order item records the
 *   batch it was shipped from.
 * - `sku` matches an import row to an existing product (unique per seller, any case). An uploaded CSV
 *   is kept in `product_imports` between its preview and the seller's confirmation, so confirming
 *   applies exactly the file that was previewed, once.
 */
export class TrustAndSupply1764500000000 implements MigrationInterface {
  name = 'TrustAndSupply1764500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reviews (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_item_id integer NOT NULL UNIQUE REFERENCES order_items(id),
        product_id integer NOT NULL REFERENCES products(id),
        seller_id integer NOT NULL REFERENCES sellers(id),
        author_user_id integer NOT NULL REFERENCES users(id),
        rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        comment text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        reply text CHECK (char_length(reply) BETWEEN 1 AND 2000),
        replied_at timestamptz,
        replied_by integer REFERENCES users(id),
        hidden_at timestamptz,
        hidden_reason text,
        hidden_by integer REFERENCES users(id),
        CHECK ((reply IS NULL) = (replied_at IS NULL)),
        CHECK ((hidden_at IS NULL) = (hidden_reason IS NULL))
      )`);
    // The product page: its newest visible reviews.
    await q.query(`CREATE INDEX reviews_product_visible_idx ON reviews (product_id, created_at DESC, id DESC) WHERE hidden_at IS NULL`);
    await q.query(`CREATE INDEX reviews_seller_idx ON reviews (seller_id, created_at DESC)`);
    await q.query(`CREATE INDEX reviews_author_idx ON reviews (author_user_id)`);
    await q.query(`
      CREATE TABLE product_ratings (
        product_id integer PRIMARY KEY REFERENCES products(id),
        review_count integer NOT NULL DEFAULT 0 CHECK (review_count >= 0),
        rating_sum integer NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
        stars_1 integer NOT NULL DEFAULT 0 CHECK (stars_1 >= 0),
        stars_2 integer NOT NULL DEFAULT 0 CHECK (stars_2 >= 0),
        stars_3 integer NOT NULL DEFAULT 0 CHECK (stars_3 >= 0),
        stars_4 integer NOT NULL DEFAULT 0 CHECK (stars_4 >= 0),
        stars_5 integer NOT NULL DEFAULT 0 CHECK (stars_5 >= 0),
        average numeric(3, 2) GENERATED ALWAYS AS
          (CASE WHEN review_count > 0 THEN round(rating_sum::numeric / review_count, 2) END) STORED,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (review_count = stars_1 + stars_2 + stars_3 + stars_4 + stars_5),
        CHECK (rating_sum = stars_1 + 2 * stars_2 + 3 * stars_3 + 4 * stars_4 + 5 * stars_5)
      )`);
    await q.query(`CREATE INDEX product_ratings_average_idx ON product_ratings (average DESC NULLS LAST, review_count DESC)`);

    await q.query(`
      CREATE TABLE product_batches (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seller_id integer NOT NULL REFERENCES sellers(id),
        product_id integer NOT NULL REFERENCES products(id),
        code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$'),
        trace_code text NOT NULL UNIQUE CHECK (trace_code ~ '^[A-Z0-9-]{6,40}$'),
        produced_on date NOT NULL,
        expires_on date CHECK (expires_on IS NULL OR expires_on >= produced_on),
        area text NOT NULL DEFAULT '' CHECK (char_length(area) <= 200),
        quantity integer NOT NULL CHECK (quantity > 0 AND quantity <= 1000000),
        note text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
        created_by integer REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX product_batches_seller_code_key ON product_batches (seller_id, lower(code))`);
    await q.query(`CREATE INDEX product_batches_product_idx ON product_batches (product_id, produced_on, id)`);
    await q.query(`ALTER TABLE order_items ADD COLUMN batch_id integer REFERENCES product_batches(id)`);
    await q.query(`CREATE INDEX order_items_batch_idx ON order_items (batch_id) WHERE batch_id IS NOT NULL`);

    await q.query(`ALTER TABLE products ADD COLUMN sku text CHECK (char_length(sku) BETWEEN 1 AND 64)`);
    await q.query(`CREATE UNIQUE INDEX products_seller_sku_key ON products (seller_id, lower(sku)) WHERE sku IS NOT NULL`);

    await q.query(`
      CREATE TABLE product_imports (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seller_id integer NOT NULL REFERENCES sellers(id),
        file_name text NOT NULL DEFAULT '' CHECK (char_length(file_name) <= 255),
        content text NOT NULL CHECK (octet_length(content) <= 4194304),
        created_by integer REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        applied_at timestamptz,
        applied_by integer REFERENCES users(id),
        summary jsonb,
        CHECK ((applied_at IS NULL) = (summary IS NULL))
      )`);
    await q.query(`CREATE INDEX product_imports_seller_idx ON product_imports (seller_id, created_at DESC)`);

    await q.query(`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check`);
    await q.query(`
      ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
        CHECK (reason IN ('initial', 'restock', 'damage', 'stocktake', 'other', 'sale', 'stall_sale', 'release', 'batch', 'import'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // The ledger is append-only: with 'batch' or 'import' rows the old CHECK fails and down refuses.
    await q.query(`ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check`);
    await q.query(`
      ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
        CHECK (reason IN ('initial', 'restock', 'damage', 'stocktake', 'other', 'sale', 'stall_sale', 'release'))`);
    await q.query(`DROP TABLE product_imports`);
    await q.query(`DROP INDEX products_seller_sku_key`);
    await q.query(`ALTER TABLE products DROP COLUMN sku`);
    await q.query(`DROP INDEX order_items_batch_idx`);
    await q.query(`ALTER TABLE order_items DROP COLUMN batch_id`);
    await q.query(`DROP TABLE product_batches`);
    await q.query(`DROP TABLE product_ratings`);
    await q.query(`DROP TABLE reviews`);
  }
}
