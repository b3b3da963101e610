import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The version of a product's OCOP claim (name, group, stars, certificate number, decision date): it
 * moves on every change of any of them, and an admin's verification applies only to the version
 * the admin was shown.
 */
export class OcopClaimVersion1764233000000 implements MigrationInterface {
  name = 'OcopClaimVersion1764233000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products ADD COLUMN ocop_claim_version integer NOT NULL DEFAULT 1`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products DROP COLUMN ocop_claim_version`);
  }
}
