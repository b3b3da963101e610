import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Community digital teams (tổ công nghệ số cộng đồng): teams, their members over time (a removal is
 * kept, with who and why), the households a team assists (a grant the household can revoke), and
 * which team onboarded a seller. Memberships and grants are rows with an end, never deleted, so the
 * audit trail of "who could act for whom, when" stays answerable.
 */
export class DigitalTeams1764400000000 implements MigrationInterface {
  name = 'DigitalTeams1764400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE digital_teams (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL CHECK (length(trim(name)) > 0),
        commune text NOT NULL,
        created_by integer REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE digital_team_members (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        team_id integer NOT NULL REFERENCES digital_teams(id),
        user_id integer NOT NULL REFERENCES users(id),
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by integer REFERENCES users(id),
        removed_at timestamptz,
        removed_by integer REFERENCES users(id),
        removed_reason text,
        CHECK ((removed_at IS NULL) = (removed_reason IS NULL))
      )`);
    // A member is active while removed_at IS NULL: at most one active membership per team and user.
    await q.query(`CREATE UNIQUE INDEX digital_team_members_active_uq ON digital_team_members (team_id, user_id) WHERE removed_at IS NULL`);
    // "Which teams is this user in?" on every /team request.
    await q.query(`CREATE INDEX digital_team_members_user_idx ON digital_team_members (user_id) WHERE removed_at IS NULL`);
    await q.query(`
      CREATE TABLE team_households (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        team_id integer NOT NULL REFERENCES digital_teams(id),
        seller_id integer NOT NULL REFERENCES sellers(id),
        granted_at timestamptz NOT NULL DEFAULT now(),
        granted_by_user_id integer REFERENCES users(id),
        revoked_at timestamptz,
        revoked_by_user_id integer REFERENCES users(id)
      )`);
    await q.query(`CREATE UNIQUE INDEX team_households_active_uq ON team_households (team_id, seller_id) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX team_households_seller_idx ON team_households (seller_id) WHERE revoked_at IS NULL`);
    await q.query(`ALTER TABLE sellers ADD COLUMN onboarded_by_team_id integer REFERENCES digital_teams(id)`);
    await q.query(`CREATE INDEX sellers_onboarded_by_team_idx ON sellers (onboarded_by_team_id) WHERE onboarded_by_team_id IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sellers DROP COLUMN onboarded_by_team_id`);
    await q.query(`DROP TABLE team_households`);
    await q.query(`DROP TABLE digital_team_members`);
    await q.query(`DROP TABLE digital_teams`);
  }
}
