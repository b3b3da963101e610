import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tax withheld for household and individual sellers (Decree 117/2025/NĐ-CP): the rates as dated data
 * (a new decree is a migration), the seller's identification and an admin's override, one row per
 * tax and kind of revenue withheld on a paid seller order (and its reversal), the months already
 * declared (frozen), and the payout ledger's tax lines.
 */
export class TaxWithholding1764260000000 implements MigrationInterface {
  name = 'TaxWithholding1764260000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tax_rates (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        effective_from date NOT NULL,
        kind text NOT NULL CHECK (kind IN ('goods', 'transport', 'service')),
        tax text NOT NULL CHECK (tax IN ('vat', 'pit')),
        rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
        legal_basis text NOT NULL,
        UNIQUE (effective_from, kind, tax)
      )`);
    // Resident households and individuals selling through a platform with a payment function.
    await q.query(`
      INSERT INTO tax_rates (effective_from, kind, tax, rate_bp, legal_basis) VALUES
        ('2025-07-01', 'goods', 'vat', 100, 'Nghị định 117/2025/NĐ-CP'),
        ('2025-07-01', 'goods', 'pit', 50, 'Nghị định 117/2025/NĐ-CP'),
        ('2025-07-01', 'transport', 'vat', 300, 'Nghị định 117/2025/NĐ-CP'),
        ('2025-07-01', 'transport', 'pit', 150, 'Nghị định 117/2025/NĐ-CP'),
        ('2025-07-01', 'service', 'vat', 500, 'Nghị định 117/2025/NĐ-CP'),
        ('2025-07-01', 'service', 'pit', 200, 'Nghị định 117/2025/NĐ-CP')`);

    // A 12-digit citizen ID (CCCD) identifies a household without a tax code.
    await q.query(`ALTER TABLE sellers ADD COLUMN citizen_id text CONSTRAINT sellers_citizen_id_format CHECK (citizen_id ~ '^[0-9]{12}$')`);
    // 'by_type': households and groups of individuals are withheld, organisations are not; an admin's
    // override ('withhold' / 'exempt') needs a reason (the audit log keeps who and when).
    await q.query(`
      ALTER TABLE sellers
        ADD COLUMN tax_withholding text NOT NULL DEFAULT 'by_type' CHECK (tax_withholding IN ('by_type', 'withhold', 'exempt')),
        ADD COLUMN tax_withholding_reason text,
        ADD CONSTRAINT sellers_tax_override_reason CHECK ((tax_withholding = 'by_type') = (tax_withholding_reason IS NULL))`);

    // Months are the first day of the month in Vietnam's time. A declared month never changes.
    await q.query(`
      CREATE TABLE tax_declarations (
        period date PRIMARY KEY CHECK (extract(day FROM period) = 1),
        declared_at timestamptz NOT NULL DEFAULT now(),
        declared_by integer NOT NULL REFERENCES users(id)
      )`);
    await q.query(`
      CREATE TABLE tax_withholdings (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seller_order_id integer NOT NULL REFERENCES seller_orders(id),
        seller_id integer NOT NULL REFERENCES sellers(id),
        entry text NOT NULL CHECK (entry IN ('withheld', 'reversal')),
        kind text NOT NULL CHECK (kind IN ('goods', 'transport', 'service')),
        tax text NOT NULL CHECK (tax IN ('vat', 'pit')),
        base_vnd bigint NOT NULL,
        rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
        amount_vnd bigint NOT NULL,
        period date NOT NULL CHECK (extract(day FROM period) = 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (entry = 'withheld' AND base_vnd >= 0 AND amount_vnd >= 0 OR entry = 'reversal' AND base_vnd <= 0 AND amount_vnd <= 0)
      )`);
    // Withheld once per part, tax and kind, however many webhooks confirm the payment.
    await q.query(`CREATE UNIQUE INDEX tax_withholdings_once ON tax_withholdings (seller_order_id, kind, tax, entry)`);
    await q.query(`CREATE INDEX tax_withholdings_period_idx ON tax_withholdings (period, seller_id)`);

    // The ledger's tax debits (and their reversal credits), one line per part and tax.
    await q.query(`ALTER TABLE seller_ledger DROP CONSTRAINT seller_ledger_kind_check`);
    await q.query(`ALTER TABLE seller_ledger DROP CONSTRAINT seller_ledger_check1`);
    await q.query(`
      ALTER TABLE seller_ledger
        ADD CONSTRAINT seller_ledger_kind_check
          CHECK (kind IN ('sale', 'commission', 'refund', 'commission_reversal', 'payout', 'tax_vat', 'tax_pit', 'tax_vat_reversal', 'tax_pit_reversal')),
        ADD CONSTRAINT seller_ledger_sign_check
          CHECK (kind IN ('sale', 'commission_reversal', 'tax_vat_reversal', 'tax_pit_reversal') AND amount_vnd >= 0
              OR kind IN ('commission', 'refund', 'payout', 'tax_vat', 'tax_pit') AND amount_vnd <= 0)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM seller_ledger WHERE kind LIKE 'tax_%'`);
    await q.query(`ALTER TABLE seller_ledger DROP CONSTRAINT seller_ledger_sign_check`);
    await q.query(`ALTER TABLE seller_ledger DROP CONSTRAINT seller_ledger_kind_check`);
    await q.query(`
      ALTER TABLE seller_ledger
        ADD CONSTRAINT seller_ledger_kind_check CHECK (kind IN ('sale', 'commission', 'refund', 'commission_reversal', 'payout')),
        ADD CONSTRAINT seller_ledger_check1
          CHECK (kind IN ('sale', 'commission_reversal') AND amount_vnd >= 0 OR kind IN ('commission', 'refund', 'payout') AND amount_vnd <= 0)`);
    await q.query(`DROP TABLE tax_withholdings`);
    await q.query(`DROP TABLE tax_declarations`);
    await q.query(`ALTER TABLE sellers DROP CONSTRAINT sellers_tax_override_reason`);
    await q.query(`ALTER TABLE sellers DROP COLUMN tax_withholding_reason, DROP COLUMN tax_withholding, DROP COLUMN citizen_id`);
    await q.query(`DROP TABLE tax_rates`);
  }
}
