import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions (connect-pg-simple), login throttling, the admin audit log and the seller application fields. */
export class AccountsAndModeration1764180000000 implements MigrationInterface {
  name = 'AccountsAndModeration1764180000000';

  public async up(q: QueryRunner): Promise<void> {
    // The table connect-pg-simple expects (its own table.sql), under our name.
    await q.query(`
      CREATE TABLE sessions (
        sid varchar NOT NULL PRIMARY KEY,
        sess json NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_expire_idx ON sessions (expire)`);

    // Failed logins per key ("email:…" or "ip:…") inside a sliding window; shared by every app instance.
    await q.query(`
      CREATE TABLE login_failures (
        key text PRIMARY KEY,
        failures integer NOT NULL CHECK (failures > 0),
        window_started_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor_user_id integer REFERENCES users(id),
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        reason text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id DESC)`);
    await q.query(`CREATE INDEX audit_log_created_idx ON audit_log (id DESC)`);

    await q.query(`ALTER TABLE users ADD COLUMN last_login_at timestamptz`);
    await q.query(`ALTER TABLE users ADD COLUMN password_changed_at timestamptz`);

    await q.query(`ALTER TABLE sellers ADD COLUMN bank_bin text CHECK (bank_bin ~ '^[0-9]{6}$')`);
    await q.query(`ALTER TABLE sellers ADD COLUMN bank_account_no text CHECK (bank_account_no ~ '^[0-9]{4,19}$')`);
    await q.query(`ALTER TABLE sellers ADD COLUMN bank_account_name text`);
    await q.query(`ALTER TABLE sellers ADD COLUMN submitted_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE sellers ADD COLUMN reviewed_at timestamptz`);
    await q.query(`ALTER TABLE sellers ADD CONSTRAINT sellers_tax_code_format CHECK (tax_code ~ '^([0-9]{10}|[0-9]{13})$')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sellers DROP CONSTRAINT sellers_tax_code_format`);
    for (const col of ['reviewed_at', 'submitted_at', 'bank_account_name', 'bank_account_no', 'bank_bin']) {
      await q.query(`ALTER TABLE sellers DROP COLUMN ${col}`);
    }
    await q.query(`ALTER TABLE users DROP COLUMN password_changed_at`);
    await q.query(`ALTER TABLE users DROP COLUMN last_login_at`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE login_failures`);
    await q.query(`DROP TABLE sessions`);
  }
}
