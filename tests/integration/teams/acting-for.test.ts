import request from 'supertest';
import { createAccount, csrfFrom, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { jpegWithExif } from '../../helpers/images';
import { placePaidOrder } from '../../helpers/sales';
import { databaseDigest } from '../../helpers/security';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
let categoryId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
});
afterAll(() => ctx.close());

const tokenOf = async (agent: request.Agent, path: string) => csrfFrom((await agent.get(path)).text);
/** The token first: the agent attaches its cookies when the request is built. */
async function post(agent: request.Agent, path: string, body: Record<string, string> = {}, tokenPath = '/team') {
  const _csrf = await tokenOf(agent, tokenPath);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf, ...body });
}

let teamSeq = 0;
/** A team (SQL), a member signed in (a buyer account: a member need not be a seller), and a household it may assist. */
async function setUp(memberName = 'Giàng Thị Mai') {
  teamSeq += 1;
  const household = await signInAsSeller(ctx.app, ctx.ds, { name: `Hộ Lý Seo Chử ${teamSeq}` });
  const [{ fullName: ownerName }] = await ctx.ds.query(`SELECT full_name AS "fullName" FROM users WHERE id = $1`, [household.userId]);
  const [team] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune) VALUES ($1, 'Phường Sa Pa') RETURNING id`, [`Tổ CNS ${teamSeq}`]);
  const account = await createAccount(ctx.ds, { fullName: memberName });
  await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id) VALUES ($1, $2)`, [team.id, account.id]);
  await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [team.id, household.sellerId]);
  const member = await signIn(ctx.app, account.email);
  return { household, ownerName: ownerName as string, teamId: team.id as number, memberId: account.id, member };
}

async function act(member: request.Agent, sellerId: number, status = 303) {
  const res = await post(member, `/team/households/${sellerId}/act`);
  if (res.status !== status) console.log(res.status, res.text.slice(0, 3000));
  return res.status === status;
}

describe('a digital-team member acts for a household', () => {
  it('lists a product for it (the household’s, on its storefront), adjusts stock; ledger, audit and the household’s pages name both', async () => {
    const { household, member, memberId } = await setUp('Giàng Thị Mai');
    const home = await member.get('/team').expect(200);
    expect(home.text).toContain(`action="/team/households/${household.sellerId}/act"`);
    const started = await post(member, `/team/households/${household.sellerId}/act`);
    expect(started.status).toBe(303);
    expect(started.headers.location).toBe('/seller');

    const dashboard = await member.get('/seller').expect(200);
    expect(dashboard.text).toContain(`Đang hỗ trợ: Hộ Lý Seo Chử ${teamSeq} — Giàng Thị Mai`);
    // The dashboard offers none of the pages a member may not open for the household.
    for (const path of ['/seller/tax-identification', '/seller/application', '/seller/payouts', '/seller/helpers'])
      expect(dashboard.text).not.toContain(`href="${path}"`);
    expect(dashboard.text).toContain('Dừng hỗ trợ');

    const created = await post(
      member,
      '/seller/products/new',
      {
        name: 'Chè Shan tuyết Y Tý',
        categoryId: String(categoryId),
        description: 'Chè cổ thụ.',
        priceVnd: '90.000',
        unit: 'gói 200g',
        weightGrams: '250',
        stock: '10',
        lowStockThreshold: '2',
      },
      '/seller/products/new',
    );
    expect(created.status).toBe(303);
    const id = Number(/\/seller\/products\/(\d+)/.exec(created.headers.location)![1]);
    const [product] = await ctx.ds.query(`SELECT seller_id, slug FROM products WHERE id = $1`, [id]);
    expect(product.seller_id).toBe(household.sellerId);

    const page = await member.get(`/seller/products/${id}`).expect(200);
    expect(page.text).toContain('Đang hỗ trợ:');
    await member
      .post(`/seller/products/${id}/images`)
      .field('_csrf', csrfFrom(page.text))
      .attach('images', await jpegWithExif(), 'che.jpg')
      .expect(303);
    expect((await post(member, `/seller/products/${id}/publish`, {}, `/seller/products/${id}`)).status).toBe(303);
    const storefront = await request(ctx.app).get(`/sellers/${household.slug}`).expect(200);
    expect(storefront.text).toContain('Chè Shan tuyết Y Tý');

    expect((await post(member, `/seller/products/${id}/stock`, { delta: '5', reason: 'restock', note: 'Nhập thêm' }, `/seller/products/${id}`)).status).toBe(
      303,
    );
    const ledger = await ctx.ds.query(
      `SELECT m.delta, m.actor_user_id, p.seller_id FROM stock_movements m JOIN products p ON p.id = m.product_id WHERE m.product_id = $1 ORDER BY m.id`,
      [id],
    );
    expect(ledger).toEqual([
      { delta: 10, actor_user_id: memberId, seller_id: household.sellerId },
      { delta: 5, actor_user_id: memberId, seller_id: household.sellerId },
    ]);

    // The audit names both: the member as actor, the household as target and in details.
    const audit = await ctx.ds.query(
      `SELECT actor_user_id, action, target_id, details FROM audit_log WHERE action = 'team.acted_for' AND target_id = $1 ORDER BY id`,
      [String(household.sellerId)],
    );
    expect(audit.map((a: { details: { what: string } }) => a.details.what)).toEqual([
      'product.create',
      'product.photo_upload',
      'product.publish',
      'product.stock',
    ]);
    for (const row of audit) {
      expect(row).toMatchObject({ actor_user_id: memberId, details: { onBehalfOfSellerId: household.sellerId, productId: id } });
    }
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    const auditPage = await admin.get('/admin/audit').expect(200);
    expect(auditPage.text).toContain(`thay mặt Hộ Lý Seo Chử ${teamSeq}`);

    // An order's fulfilment while acting: the order history the household sees says who did it.
    const order = await placePaidOrder(ctx, [{ productId: id, quantity: 1 }]);
    expect((await post(member, `/seller/orders/${order.code}/status`, { status: 'shipped', trackingNo: 'VN123' }, `/seller/orders/${order.code}`)).status).toBe(
      303,
    );
    const [event] = await ctx.ds.query(`SELECT actor_user_id FROM order_events WHERE order_id = $1 AND to_status = 'shipped'`, [order.id]);
    expect(event.actor_user_id).toBe(memberId);

    // The household, signed in as itself: no banner, and "Do … thực hiện" on its stock and order history.
    const own = await household.agent.get(`/seller/products/${id}`).expect(200);
    expect(own.text).not.toContain('Đang hỗ trợ:');
    expect(own.text).toContain('Do Giàng Thị Mai thực hiện');
    const ownOrder = await household.agent.get(`/seller/orders/${order.code}`).expect(200);
    expect(ownOrder.text).toContain('Do Giàng Thị Mai thực hiện');

    // Stop: the member is back to their own account (not a seller).
    const stopped = await post(member, '/team/act/stop', {}, '/seller');
    expect(stopped.headers.location).toBe('/team');
    expect((await member.get('/seller')).status).toBe(403);
  });

  it('a member of another team, or with no grant for that household: 404, nothing stored in the session', async () => {
    const a = await setUp('Thào A Dế');
    const b = await setUp('Lù Thị Hoa');
    expect(await act(b.member, a.household.sellerId, 404)).toBe(true);
    expect((await b.member.get('/seller')).status).toBe(403);
    expect(await act(b.member, 999_999, 404)).toBe(true);
  });

  it('while acting: bank details, tax identification, password and payouts are refused (403), nothing changed', async () => {
    const { household, member } = await setUp('Sùng A Páo');
    expect(await act(member, household.sellerId)).toBe(true);
    const before = await databaseDigest(ctx.ds);
    const token = await tokenOf(member, '/seller');
    const attempts: [string, Record<string, string>][] = [
      ['/seller/application', { bankBin: '970415', bankAccountNo: '0000111122223333', bankAccountName: 'SUNG A PAO' }],
      ['/seller/tax-identification', { taxCode: '0101234567' }],
      ['/account/password', { currentPassword: 'x', newPassword: 'Mat-khau-moi-2026', confirmPassword: 'Mat-khau-moi-2026' }],
    ];
    for (const [path, body] of attempts) {
      const res = await member
        .post(path)
        .type('form')
        .send({ _csrf: token, ...body });
      expect(res.status).toBe(403);
      expect(res.text).toContain('Khi đang hỗ trợ một hộ, bạn không thể thay đổi tài khoản ngân hàng');
    }
    for (const path of ['/seller/application', '/seller/tax-identification', '/seller/payouts', '/seller/helpers']) {
      expect((await member.get(path)).status).toBe(403);
    }
    expect(await databaseDigest(ctx.ds)).toEqual(before);
  });

  it('a revoke by the household ends access at the member’s next request in the same open session', async () => {
    const { household, member, teamId, memberId } = await setUp('Vàng Seo Sử');
    expect(await act(member, household.sellerId)).toBe(true);
    await member.get('/seller/products').expect(200);

    // The member cannot revoke for the household; the household lists its helper teams and revokes.
    expect((await post(member, `/seller/helpers/${teamId}/revoke`, {}, '/seller')).status).toBe(403);
    const helpers = await household.agent.get('/seller/helpers').expect(200);
    expect(helpers.text).toContain('Tổ hỗ trợ');
    expect(helpers.text).toContain(`action="/seller/helpers/${teamId}/revoke"`);
    const revoked = await post(household.agent, `/seller/helpers/${teamId}/revoke`, {}, '/seller/helpers');
    expect(revoked.status).toBe(303);
    const [grant] = await ctx.ds.query(`SELECT revoked_at, revoked_by_user_id FROM team_households WHERE team_id = $1`, [teamId]);
    expect(grant.revoked_at).not.toBeNull();
    expect(grant.revoked_by_user_id).toBe(household.userId);
    const [audit] = await ctx.ds.query(`SELECT actor_user_id, details FROM audit_log WHERE action = 'team.household_revoked' AND target_id = $1`, [
      String(teamId),
    ]);
    expect(audit).toEqual({ actor_user_id: household.userId, details: { sellerId: household.sellerId } });
    expect((await household.agent.get('/seller/helpers')).text).toContain('Chưa có tổ nào hỗ trợ hộ của bạn.');

    const refused = await member.get('/seller/products');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Quyền hỗ trợ hộ này đã kết thúc.');
    expect(refused.text).not.toContain('Đang hỗ trợ:');
    expect((await member.get('/seller')).status).toBe(403);
    expect(await act(member, household.sellerId, 404)).toBe(true);
    expect(memberId).toBeGreaterThan(0);
  });

  it('removing the member from the team ends access the same way; an admin can grant a second team', async () => {
    const { household, member, teamId, memberId } = await setUp('Hạng A Tủa');
    expect(await act(member, household.sellerId)).toBe(true);
    await member.get('/seller/products').expect(200);
    const { agent: admin } = await signInAsAdmin(ctx.app, ctx.ds);
    await post(admin, `/admin/teams/${teamId}/members/${memberId}/remove`, { reason: 'Chuyển công tác' }, `/admin/teams/${teamId}`);
    expect((await member.get('/seller/products')).status).toBe(403);

    // A second team, granted by an admin (audited): its member may act for the household.
    const [second] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune) VALUES ('Tổ CNS thứ hai', 'Phường Sa Pa') RETURNING id`);
    const other = await createAccount(ctx.ds, { fullName: 'Lò Văn Sáng' });
    await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id) VALUES ($1, $2)`, [second.id, other.id]);
    const granted = await post(admin, `/admin/teams/${second.id}/households`, { sellerId: String(household.sellerId) }, `/admin/teams/${second.id}`);
    expect(granted.status).toBe(303);
    const [audit] = await ctx.ds.query(`SELECT actor_user_id, details FROM audit_log WHERE action = 'team.household_granted' AND target_id = $1`, [
      String(second.id),
    ]);
    expect(audit.details).toEqual({ sellerId: household.sellerId });
    const otherMember = await signIn(ctx.app, other.email);
    expect(await act(otherMember, household.sellerId)).toBe(true);
    const page = await otherMember.get('/seller').expect(200);
    expect(page.text).toContain('Đang hỗ trợ:');
  });
});
