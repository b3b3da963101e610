import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The language each account reads (issue 21): set when a signed-in user switches language, shown on
 * /account, and used for what is sent to them while they are not at the keyboard (order mail).
 */
export class UserLanguage1764620000000 implements MigrationInterface {
  name = 'UserLanguage1764620000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN language`);
  }
}
