import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21: shipping fees by destination and weight.
 *
 * - `products.weight_grams`: the packed weight of one unit. Existing products get 500 g (one small
 *   jar or bag), which the seller corrects on the product form; new listings must state it.
 * - `seller_shipping_rates`: a cooperative's fee table, one row per zone (same commune, rest of Lào
 *   Cai, northern provinces, rest of the country) with three steps: up to 500 g, up to 1 kg, and each
 *   further started kilogram. A cooperative without rows keeps its flat `sellers.shipping_fee_vnd`
 *   everywhere and for any weight (the behaviour before this migration), so nothing changes for it.
 *   The free-shipping threshold stays on `sellers`. Fees are integer đồng, like the flat fee.
 */
export class ShippingFees1764600000000 implements MigrationInterface {
  name = 'ShippingFees1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products ADD COLUMN weight_grams integer NOT NULL DEFAULT 500 CHECK (weight_grams BETWEEN 1 AND 50000)`);
    await q.query(`
      CREATE TABLE seller_shipping_rates (
        seller_id integer NOT NULL REFERENCES sellers(id),
        zone text NOT NULL CHECK (zone IN ('same_commune', 'province', 'north', 'country')),
        up_to_500g_vnd integer NOT NULL CHECK (up_to_500g_vnd BETWEEN 0 AND 10000000),
        up_to_1kg_vnd integer NOT NULL CHECK (up_to_1kg_vnd BETWEEN 0 AND 10000000),
        per_extra_kg_vnd integer NOT NULL CHECK (per_extra_kg_vnd BETWEEN 0 AND 10000000),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (seller_id, zone)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE seller_shipping_rates`);
    await q.query(`ALTER TABLE products DROP COLUMN weight_grams`);
  }
}
