import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Sign out everywhere" deletes the account's session rows, but a request still running on another
 * device can write its session back after the delete. Like password_changed_at, this instant (the
 * app's clock) ends every session signed in before it, whether or not its row comes back.
 */
export class SessionsEndedAt1764820000000 implements MigrationInterface {
  name = 'SessionsEndedAt1764820000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN sessions_ended_at timestamptz`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN sessions_ended_at`);
  }
}
