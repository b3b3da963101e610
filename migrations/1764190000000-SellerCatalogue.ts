import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who verified an OCOP claim and when; the seller's product list index. */
export class SellerCatalogue1764190000000 implements MigrationInterface {
  name = 'SellerCatalogue1764190000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products ADD COLUMN ocop_verified_at timestamptz`);
    await q.query(`ALTER TABLE products ADD COLUMN ocop_verified_by integer REFERENCES users(id)`);
    await q.query(`CREATE INDEX products_seller_status_idx ON products (seller_id, status)`);
    // Admins look for claims waiting for verification.
    await q.query(`CREATE INDEX products_ocop_pending_idx ON products (id) WHERE ocop_stars IS NOT NULL AND NOT ocop_verified`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX products_ocop_pending_idx`);
    await q.query(`DROP INDEX products_seller_status_idx`);
    await q.query(`ALTER TABLE products DROP COLUMN ocop_verified_by`);
    await q.query(`ALTER TABLE products DROP COLUMN ocop_verified_at`);
  }
}
