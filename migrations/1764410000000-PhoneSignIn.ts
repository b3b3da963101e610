import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Households without email sign in with a mobile number. `email` becomes optional; an account has
 * an email or a login phone. `login_phone` (normalised 0xxxxxxxxx) is the number that signs in and is
 * unique; the `phone` contact column stays as it is, since existing accounts (demo and test ones
 * among them) share contact numbers.
 */
export class PhoneSignIn1764410000000 implements MigrationInterface {
  name = 'PhoneSignIn1764410000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN login_phone text CHECK (login_phone ~ '^0[35789][0-9]{8}$')`);
    await q.query(`ALTER TABLE users ALTER COLUMN email DROP NOT NULL`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_email_or_login_phone CHECK (email IS NOT NULL OR login_phone IS NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX users_login_phone_key ON users (login_phone) WHERE login_phone IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // CASE: phone-only accounts cannot be kept once email is required again; down refuses rather than deleting them.
    await q.query(`DROP INDEX users_login_phone_key`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_email_or_login_phone`);
    await q.query(`ALTER TABLE users ALTER COLUMN email SET NOT NULL`);
    await q.query(`ALTER TABLE users DROP COLUMN login_phone`);
  }
}
