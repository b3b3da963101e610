import request from 'supertest';
import { createAccount, csrfToken, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

async function createTeam(agent: request.Agent, body: Record<string, string>, status: number): Promise<request.Response> {
  const _csrf = await csrfToken(agent, '/admin/teams/new');
  return agent
    .post('/admin/teams/new')
    .type('form')
    .send({ _csrf, ...body })
    .expect(status);
}

describe('an admin manages digital teams', () => {
  it('creates a team in a Lào Cai commune, audited, and lists it with its counts', async () => {
    const { agent, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds);
    const form = await agent.get('/admin/teams/new').expect(200);
    expect(form.text).toContain('<option value="Phường Sa Pa">');
    const res = await createTeam(agent, { name: 'Tổ CNS thôn Lồ Lừ Chải', commune: 'Phường Sa Pa' }, 303);
    const [team] = await ctx.ds.query(`SELECT id, name, commune, created_by FROM digital_teams WHERE name = 'Tổ CNS thôn Lồ Lừ Chải'`);
    expect(team).toMatchObject({ commune: 'Phường Sa Pa', created_by: adminId });
    expect(res.headers.location).toBe(`/admin/teams/${team.id}`);
    const page = await agent.get(`/admin/teams/${team.id}`).expect(200);
    expect(page.text).toContain('Đã tạo tổ “Tổ CNS thôn Lồ Lừ Chải”.');
    const audit = await ctx.ds.query(`SELECT actor_user_id, action, details FROM audit_log WHERE target_type = 'team' AND target_id = $1`, [String(team.id)]);
    expect(audit).toEqual([{ actor_user_id: adminId, action: 'team.created', details: { name: 'Tổ CNS thôn Lồ Lừ Chải', commune: 'Phường Sa Pa' } }]);

    const list = await agent.get('/admin/teams').expect(200);
    expect(list.text).toContain(`href="/admin/teams/${team.id}"`);
    expect(list.text).toMatch(new RegExp(`data-team-id="${team.id}"[\\s\\S]*?data-count="members">0<`));
    const dashboard = await agent.get('/admin').expect(200);
    expect(dashboard.text).toContain('href="/admin/teams"');
  });

  it('refuses an empty name or a commune outside Lào Cai (422, nothing stored)', async () => {
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    const before = await ctx.ds.query(`SELECT count(*)::int AS n FROM digital_teams`);
    const noName = await createTeam(agent, { name: '   ', commune: 'Phường Sa Pa' }, 422);
    expect(noName.text).toContain('Vui lòng nhập tên tổ.');
    const badCommune = await createTeam(agent, { name: 'Tổ CNS Hà Nội', commune: 'Phường Hoàn Kiếm' }, 422);
    expect(badCommune.text).toContain('Vui lòng chọn xã/phường trong danh sách của tỉnh Lào Cai.');
    expect(badCommune.text).toContain('value="Tổ CNS Hà Nội"');
    await createTeam(agent, { name: 'Tổ thừa trường', commune: 'Phường Sa Pa', createdBy: '1' }, 422);
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM digital_teams`)).toEqual(before);
  });

  it('adds a member by email, says so when already a member, refuses an unknown account, removes with a reason', async () => {
    const { agent, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds);
    await createTeam(agent, { name: 'Tổ CNS bản Tả Van', commune: 'Phường Sa Pa' }, 303);
    const [team] = await ctx.ds.query(`SELECT id FROM digital_teams WHERE name = 'Tổ CNS bản Tả Van'`);
    const member = await createAccount(ctx.ds, { fullName: 'Giàng Thị Mai' });
    const _csrf = await csrfToken(agent, `/admin/teams/${team.id}`);

    // The email is matched whatever its case (citext).
    await agent.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: member.email.toUpperCase() }).expect(303);
    const rows = await ctx.ds.query(`SELECT user_id, added_by, removed_at FROM digital_team_members WHERE team_id = $1`, [team.id]);
    expect(rows).toEqual([{ user_id: member.id, added_by: adminId, removed_at: null }]);
    const page = await agent.get(`/admin/teams/${team.id}`).expect(200);
    expect(page.text).toContain('Giàng Thị Mai đã là thành viên của tổ.');
    expect(page.text).toContain(`data-user-id="${member.id}"`);
    expect(page.text).toContain('<span id="count-members">1 thành viên</span>');
    const list = await agent.get('/admin/teams').expect(200);
    expect(list.text).toMatch(new RegExp(`data-team-id="${team.id}"[\\s\\S]*?data-count="members">1<`));

    // Twice: a message, nothing changed.
    await agent.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: member.email }).expect(303);
    const again = await agent.get(`/admin/teams/${team.id}`).expect(200);
    expect(again.text).toContain('Giàng Thị Mai đã là thành viên của tổ này; không có gì thay đổi.');
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM digital_team_members WHERE team_id = $1`, [team.id])).toEqual([{ n: 1 }]);

    const unknown = await agent.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: 'khong-co@example.vn' }).expect(422);
    expect(unknown.text).toContain('Không có tài khoản nào với email hoặc số điện thoại này.');
    expect(unknown.text).toContain('value="khong-co@example.vn"');
    await agent.post(`/admin/teams/999999/members`).type('form').send({ _csrf, account: member.email }).expect(404);

    // Removing needs a reason.
    const noReason = await agent.post(`/admin/teams/${team.id}/members/${member.id}/remove`).type('form').send({ _csrf, reason: ' ' }).expect(422);
    expect(noReason.text).toContain('Vui lòng nhập lý do.');
    expect(await ctx.ds.query(`SELECT removed_at FROM digital_team_members WHERE team_id = $1`, [team.id])).toEqual([{ removed_at: null }]);

    await agent.post(`/admin/teams/${team.id}/members/${member.id}/remove`).type('form').send({ _csrf, reason: 'Chuyển công tác' }).expect(303);
    const [removed] = await ctx.ds.query(`SELECT removed_at, removed_by, removed_reason FROM digital_team_members WHERE team_id = $1`, [team.id]);
    expect(removed).toMatchObject({ removed_by: adminId, removed_reason: 'Chuyển công tác' });
    expect(removed.removed_at).toBeInstanceOf(Date);
    const after = await agent.get(`/admin/teams/${team.id}`).expect(200);
    expect(after.text).toContain('<span id="count-members">0 thành viên</span>');
    expect(after.text).toContain(`data-former-user-id="${member.id}"`);
    expect(after.text).toContain('Chuyển công tác');
    await agent.post(`/admin/teams/${team.id}/members/${member.id}/remove`).type('form').send({ _csrf, reason: 'Lần nữa' }).expect(404);

    const audit = await ctx.ds.query(`SELECT actor_user_id, action, reason, details FROM audit_log WHERE target_type = 'team' AND target_id = $1 ORDER BY id`, [
      String(team.id),
    ]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['team.created', 'team.member_added', 'team.member_removed']);
    expect(audit[1]).toEqual({ actor_user_id: adminId, action: 'team.member_added', reason: null, details: { userId: member.id } });
    expect(audit[2]).toEqual({ actor_user_id: adminId, action: 'team.member_removed', reason: 'Chuyển công tác', details: { userId: member.id } });

    // Added again later: a new active membership beside the ended one.
    await agent.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: member.email }).expect(303);
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM digital_team_members WHERE team_id = $1 AND removed_at IS NULL`, [team.id])).toEqual([{ n: 1 }]);
  });

  it('adds a household-side account by its sign-in phone, in any spelling', async () => {
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    await createTeam(agent, { name: 'Tổ CNS thôn Hầu Thào', commune: 'Phường Sa Pa' }, 303);
    const [team] = await ctx.ds.query(`SELECT id FROM digital_teams WHERE name = 'Tổ CNS thôn Hầu Thào'`);
    const [user] = await ctx.ds.query(
      `INSERT INTO users (email, full_name, password_hash, role, phone, login_phone) VALUES (NULL, 'Thào Thị Sua', 'x', 'buyer', '0987654321', '0987654321') RETURNING id`,
    );
    const _csrf = await csrfToken(agent, `/admin/teams/${team.id}`);
    await agent.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: '+84 987 654 321' }).expect(303);
    expect(await ctx.ds.query(`SELECT user_id FROM digital_team_members WHERE team_id = $1`, [team.id])).toEqual([{ user_id: user.id }]);
    await agent.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: '0987.654.321' }).expect(303);
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM digital_team_members WHERE team_id = $1`, [team.id])).toEqual([{ n: 1 }]);
    await agent.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: '0911111119' }).expect(422);
  });

  it('is for admins only', async () => {
    const { agent } = await signInAsSeller(ctx.app, ctx.ds);
    await agent.get('/admin/teams').expect(403);
    await agent.get('/admin/teams/new').expect(403);
    const buyer = await createAccount(ctx.ds);
    const buyerAgent = await signIn(ctx.app, buyer.email);
    await buyerAgent.get('/admin/teams').expect(403);
    const _csrf = await csrfToken(buyerAgent, '/');
    await buyerAgent.post('/admin/teams/new').type('form').send({ _csrf, name: 'Tổ lạ', commune: 'Phường Sa Pa' }).expect(403);
    expect(await ctx.ds.query(`SELECT 1 FROM digital_teams WHERE name = 'Tổ lạ'`)).toEqual([]);
    await request(ctx.app).get('/admin/teams').expect(302);
  });

  it('shows English labels', async () => {
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    await agent.get('/lang/en?next=/admin/teams').expect(303);
    const list = await agent.get('/admin/teams').expect(200);
    expect(list.text).toContain('Digital teams');
    expect(list.text).toContain('Households assisted');
    expect(list.text).toContain('Households onboarded');
    const form = await agent.get('/admin/teams/new').expect(200);
    expect(form.text).toContain('New digital team');
    expect(form.text).toContain('Team name');
  });
});

describe('the /team area', () => {
  it('shows a member their teams and the households each assists; a buyer can be a member', async () => {
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    await createTeam(admin, { name: 'Tổ CNS thôn Sín Chải', commune: 'Phường Sa Pa' }, 303);
    const [team] = await ctx.ds.query(`SELECT id FROM digital_teams WHERE name = 'Tổ CNS thôn Sín Chải'`);
    const buyer = await createAccount(ctx.ds, { fullName: 'Sùng A Páo' });
    const member = await signIn(ctx.app, buyer.email);
    await member.get('/team').expect(403);

    const _csrf = await csrfToken(admin, `/admin/teams/${team.id}`);
    await admin.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: buyer.email }).expect(303);
    const empty = await member.get('/team').expect(200);
    expect(empty.text).toContain(`data-team-id="${team.id}"`);
    expect(empty.text).toContain('Tổ CNS thôn Sín Chải');
    expect(empty.text).toContain('Chưa có hộ nào.');

    // A household the team assists (granted in a later part of issue 19; inserted directly here).
    const household = await ctx.factories.createSeller({ name: 'Hộ Giàng Thị Dua', commune: 'Phường Sa Pa' });
    await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [team.id, household.id]);
    const page = await member.get('/team').expect(200);
    expect(page.text).toContain('Hộ Giàng Thị Dua');
    const list = await admin.get('/admin/teams').expect(200);
    expect(list.text).toMatch(new RegExp(`data-team-id="${team.id}"[\\s\\S]*?data-count="assisted">1<`));
    await ctx.ds.query(`UPDATE sellers SET onboarded_by_team_id = $1 WHERE id = $2`, [team.id, household.id]);
    const onboarded = await admin.get(`/admin/teams/${team.id}`).expect(200);
    expect(onboarded.text).toContain('<span id="count-onboarded">1 hộ do tổ đăng ký</span>');
    expect(onboarded.text).toContain(`data-onboarded-seller-id="${household.id}"`);

    // The account can still buy: its own pages are untouched.
    await member.get('/cart').expect(200);

    await admin.post(`/admin/teams/${team.id}/members/${buyer.id}/remove`).type('form').send({ _csrf, reason: 'Không còn hoạt động' }).expect(303);
    await member.get('/team').expect(403);
  });

  it('refuses a non-member (403) and sends a visitor to sign in', async () => {
    const { agent } = await signInAsSeller(ctx.app, ctx.ds);
    await agent.get('/team').expect(403);
    const res = await request(ctx.app).get('/team').expect(302);
    expect(res.headers.location).toBe('/login?next=%2Fteam');
  });
});
