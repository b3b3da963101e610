import type { DataSource } from 'typeorm';
import { DEMO_ACCOUNTS } from './demo-accounts';

/**
 * The demo's community digital team (tổ công nghệ số cộng đồng) in Sa Pa: the demo team member
 * (DEMO_ACCOUNTS.team) in it, and one household it onboarded and assists — a household producer in
 * Tả Phìn, next to Sa Pa (the demo data has no household in Sa Pa itself).
 */
export const DEMO_TEAM = {
  name: 'Tổ công nghệ số cộng đồng phường Sa Pa',
  commune: 'Phường Sa Pa',
  household: 'Cơ sở sản xuất Dịch vụ du lịch Khu vườn sinh thái đá Tả Phìn',
} as const;

/**
 * Creates the demo team, its member and its household once. Idempotent across restarts: the team is
 * found by name; the membership and the grant are added only if there never was one, so a member
 * removed or a grant the household revoked during the demo stays so. Demo only (the member is a
 * published login); nothing happens without the member account or the household.
 */
export async function seedDemoTeam(dataSource: DataSource): Promise<number | null> {
  return dataSource.transaction(async (m) => {
    const [member] = (await m.query(`SELECT id FROM users WHERE email = $1`, [DEMO_ACCOUNTS.team.email])) as { id: number }[];
    const [household] = (await m.query(`SELECT id, owner_user_id AS "ownerId" FROM sellers WHERE name = $1 AND type = 'ho_san_xuat'`, [
      DEMO_TEAM.household,
    ])) as { id: number; ownerId: number }[];
    if (!member || !household) return null;
    const [admin] = (await m.query(`SELECT id FROM users WHERE email = $1`, [DEMO_ACCOUNTS.admin.email])) as { id: number }[];
    let [team] = (await m.query(`SELECT id FROM digital_teams WHERE name = $1 ORDER BY id LIMIT 1`, [DEMO_TEAM.name])) as { id: number }[];
    if (!team) {
      [team] = (await m.query(`INSERT INTO digital_teams (name, commune, created_by) VALUES ($1, $2, $3) RETURNING id`, [
        DEMO_TEAM.name,
        DEMO_TEAM.commune,
        admin?.id ?? null,
      ])) as { id: number }[];
    }
    await m.query(
      `INSERT INTO digital_team_members (team_id, user_id, added_by)
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM digital_team_members WHERE team_id = $1 AND user_id = $2)`,
      [team.id, member.id, admin?.id ?? null],
    );
    await m.query(
      `INSERT INTO team_households (team_id, seller_id, granted_by_user_id)
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM team_households WHERE team_id = $1 AND seller_id = $2)`,
      [team.id, household.id, household.ownerId],
    );
    await m.query(`UPDATE sellers SET onboarded_by_team_id = $2 WHERE id = $1 AND onboarded_by_team_id IS NULL`, [household.id, team.id]);
    return team.id;
  });
}
