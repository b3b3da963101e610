import request from 'supertest';
import { createAccount, csrfFrom, csrfToken, signIn, signInAsAdmin } from '../../helpers/auth';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const HOUSEHOLD_PASSWORD = 'Che-shan-tuyet-Ta-Van-7';

/** A team (created by an admin through the back office) with one member, signed in. */
async function teamWithMember(teamName: string): Promise<{ teamId: number; memberId: number; member: request.Agent }> {
  const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
  const _csrf = await csrfToken(admin, '/admin/teams/new');
  await admin.post('/admin/teams/new').type('form').send({ _csrf, name: teamName, commune: 'Phường Sa Pa' }).expect(303);
  const [team] = await ctx.ds.query(`SELECT id FROM digital_teams WHERE name = $1`, [teamName]);
  const account = await createAccount(ctx.ds, { fullName: 'Lý Văn Sử' });
  await admin.post(`/admin/teams/${team.id}/members`).type('form').send({ _csrf, account: account.email }).expect(303);
  return { teamId: team.id, memberId: account.id, member: await signIn(ctx.app, account.email) };
}

function application(teamId: number, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    teamId: String(teamId),
    type: 'ho_san_xuat',
    cooperativeName: 'Hộ bà Giàng Thị Mai',
    fullName: 'Giàng Thị Mai',
    phone: '0912 345 678',
    email: '',
    commune: 'Phường Sa Pa',
    address: 'Thôn Lồ Lừ Chải',
    description: 'Chè Shan tuyết và thổ cẩm tự dệt.',
    taxCode: '',
    citizenId: '',
    bankBin: '970405',
    bankAccountNo: '1234 5678 9012',
    bankAccountName: 'Giàng Thị Mai',
    password: HOUSEHOLD_PASSWORD,
    confirmPassword: HOUSEHOLD_PASSWORD,
    consent: 'yes',
    ...overrides,
  };
}

async function submit(agent: request.Agent, body: Record<string, string>, status: number): Promise<request.Response> {
  const _csrf = await csrfToken(agent, '/team');
  return agent
    .post('/team/households/new')
    .type('form')
    .send({ _csrf, ...body })
    .expect(status);
}

const counts = async () =>
  (
    await ctx.ds.query(`SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM sellers) AS sellers,
      (SELECT count(*)::int FROM team_households) AS grants, (SELECT count(*)::int FROM audit_log) AS audit`)
  )[0];

describe('a team member helps a household apply to sell', () => {
  it('creates the household without email, the admin sees who helped and approves, the household signs in by phone', async () => {
    const { teamId, memberId, member } = await teamWithMember('Tổ CNS bản Tả Van');
    const home = await member.get('/team').expect(200);
    expect(home.text).toContain('href="/team/households/new"');
    const form = await member.get('/team/households/new').expect(200);
    expect(form.text).toContain('autocomplete="new-password"');
    expect(form.text).toContain('name="consent"');
    expect(form.text).toContain('<option value="ho_san_xuat" selected>');

    const res = await submit(member, application(teamId), 303);
    expect(res.headers.location).toBe('/team');

    const [user] = await ctx.ds.query(`SELECT id, email, login_phone, phone, role, full_name FROM users WHERE login_phone = '0912345678'`);
    expect(user).toMatchObject({ email: null, phone: '0912345678', role: 'seller', full_name: 'Giàng Thị Mai' });
    const [seller] = await ctx.ds.query(
      `SELECT id, name, type, status, onboarded_by_team_id, bank_account_no, bank_account_name FROM sellers WHERE owner_user_id = $1`,
      [user.id],
    );
    expect(seller).toMatchObject({
      name: 'Hộ bà Giàng Thị Mai',
      type: 'ho_san_xuat',
      status: 'pending',
      onboarded_by_team_id: teamId,
      bank_account_no: '123456789012',
      bank_account_name: 'GIANG THI MAI',
    });
    const grants = await ctx.ds.query(`SELECT team_id, granted_by_user_id, revoked_at FROM team_households WHERE seller_id = $1`, [seller.id]);
    expect(grants).toEqual([{ team_id: teamId, granted_by_user_id: user.id, revoked_at: null }]);
    const audit = await ctx.ds.query(`SELECT actor_user_id, action, details FROM audit_log WHERE target_type = 'seller' AND target_id = $1`, [
      String(seller.id),
    ]);
    expect(audit).toEqual([
      { actor_user_id: memberId, action: 'team.household_onboarded', details: { teamId, memberUserId: memberId, householdUserId: user.id } },
    ]);

    const after = await member.get('/team').expect(200);
    expect(after.text).toContain('Đã gửi hồ sơ của “Hộ bà Giàng Thị Mai”');
    expect(after.text).toMatch(new RegExp(`data-seller-id="${seller.id}">Hộ bà Giàng Thị Mai · Phường Sa Pa <span class="status status-pending">chờ duyệt`));

    // The normal admin review, which says who helped.
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const list = await admin.get('/admin/sellers?status=pending').expect(200);
    expect(list.text).toContain('Được tổ Tổ CNS bản Tả Van hỗ trợ đăng ký');
    const page = await admin.get(`/admin/sellers/${seller.id}`).expect(200);
    expect(page.text).toContain('Được tổ Tổ CNS bản Tả Van hỗ trợ đăng ký');
    await admin
      .post(`/admin/sellers/${seller.id}/approve`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reason: '' })
      .expect(303);
    expect(await ctx.ds.query(`SELECT status FROM sellers WHERE id = $1`, [seller.id])).toEqual([{ status: 'approved' }]);

    // The household signs in with its phone, in the spelling it knows, and the password it chose.
    const household = await signIn(ctx.app, '0912 345 678', HOUSEHOLD_PASSWORD);
    await household.get('/seller').expect(200);
  });

  it('refuses a missing consent, a weak or mismatched password, a phone already signing in, a non-member: nothing stored, no password echoed', async () => {
    const { teamId, member } = await teamWithMember('Tổ CNS xã Bản Hồ');
    const before = await counts();

    const noConsent = await submit(member, application(teamId, { phone: '0987 654 321', consent: '' }), 422);
    expect(noConsent.text).toContain('Người đại diện của hộ cần đồng ý để tổ hỗ trợ thay mặt hộ.');
    expect(noConsent.text).toContain('value="Hộ bà Giàng Thị Mai"');
    expect(noConsent.text).not.toContain(HOUSEHOLD_PASSWORD);

    const weak = await submit(member, application(teamId, { phone: '0987 654 321', password: 'abc', confirmPassword: 'abc' }), 422);
    expect(weak.text).toContain('Mật khẩu cần ít nhất 8 ký tự.');
    expect(weak.text).not.toContain('value="abc"');

    const mismatch = await submit(member, application(teamId, { phone: '0987 654 321', confirmPassword: 'Khac-mat-khau-2026' }), 422);
    expect(mismatch.text).toContain('Mật khẩu nhập lại không khớp.');
    expect(mismatch.text).not.toContain(HOUSEHOLD_PASSWORD);
    expect(mismatch.text).not.toContain('Khac-mat-khau-2026');

    await ctx.ds.query(`INSERT INTO users (full_name, phone, login_phone, password_hash, role) VALUES ('Hộ có sẵn', '0977111222', '0977111222', 'x', 'buyer')`);
    const before2 = await counts();
    const duplicate = await submit(member, application(teamId, { phone: '+84 977 111 222' }), 422);
    expect(duplicate.text).toContain('Số điện thoại này đã được dùng để đăng nhập cho một tài khoản khác.');
    expect(duplicate.text).not.toContain(HOUSEHOLD_PASSWORD);
    expect(await counts()).toEqual(before2);
    expect(before2.users).toBe(before.users + 1);
    expect(before2.sellers).toBe(before.sellers);
    expect(before2.grants).toBe(before.grants);
    expect(before2.audit).toBe(before.audit);

    // A member of one team cannot name another; an account in no team cannot open the form.
    const { teamId: otherTeam } = await teamWithMember('Tổ CNS xã Mường Hum');
    const before3 = await counts();
    await submit(member, application(otherTeam, { phone: '0987 654 321' }), 403);
    const outsider = await signIn(ctx.app, (await createAccount(ctx.ds)).email);
    await outsider.get('/team/households/new').expect(403);
    const _csrf = csrfFrom((await outsider.get('/account')).text);
    await outsider
      .post('/team/households/new')
      .type('form')
      .send({ _csrf, ...application(teamId, { phone: '0987 654 321' }) })
      .expect(403);
    const after = await counts();
    expect(after.users).toBe(before3.users + 1);
    expect({ ...after, users: 0 }).toEqual({ ...before3, users: 0 });
    expect(await ctx.ds.query(`SELECT 1 FROM users WHERE login_phone = '0987654321'`)).toEqual([]);
  });

  it('lets a member of several teams choose among their own teams only', async () => {
    const { teamId, member, memberId } = await teamWithMember('Tổ CNS xã Sử Pán');
    const { teamId: second } = await teamWithMember('Tổ CNS xã Thanh Bình');
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const [{ email }] = await ctx.ds.query(`SELECT email FROM users WHERE id = $1`, [memberId]);
    const _csrf = await csrfToken(admin, `/admin/teams/${second}`);
    await admin.post(`/admin/teams/${second}/members`).type('form').send({ _csrf, account: email }).expect(303);
    const form = await member.get('/team/households/new').expect(200);
    expect(form.text).toContain('<select id="f-teamId" name="teamId"');
    expect(form.text).toContain(`<option value="${teamId}"`);
    expect(form.text).toContain(`<option value="${second}"`);
    await submit(member, application(second, { phone: '0868 000 111', email: 'ho.a@example.vn' }), 303);
    const [row] = await ctx.ds.query(
      `SELECT u.email, u.login_phone, s.onboarded_by_team_id FROM users u JOIN sellers s ON s.owner_user_id = u.id WHERE u.login_phone = '0868000111'`,
    );
    expect(row).toEqual({ email: 'ho.a@example.vn', login_phone: '0868000111', onboarded_by_team_id: second });
  });

  it('shows the form in English', async () => {
    const { member } = await teamWithMember('Tổ CNS xã Tả Phìn');
    const form = await member.get('/team/households/new').set('Cookie', 'lang=en').expect(200);
    expect(form.text).toContain('Help a household apply to sell');
    expect(form.text).toContain('Representative&#x27;s full name');
    expect(form.text).toContain('I agree that the digital team helps and acts for the household');
    expect(form.text).toContain('<option value="ho_san_xuat" selected>Production household</option>');
  });
});
