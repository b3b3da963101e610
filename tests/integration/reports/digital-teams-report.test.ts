import request from 'supertest';
import { signInAsAdmin } from '../../helpers/auth';
import { parseCsv, placeOrder, placePaidOrder, tableRows } from '../../helpers/sales';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { todayInVietnam } from '../../../server/lib/dates';
import { formatVnd } from '../../../server/lib/money';
import { addIsoDays } from '../../../server/modules/reports';

/**
 * The province report's "digital teams" table: per team, the households it onboarded (approved,
 * with a listed product), what they sold in the period, and the parts its members shipped or
 * delivered for households the team assists.
 */
let ctx: TestContext;
let admin: request.Agent;
let adminId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: admin, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds));
});
afterAll(() => ctx.close());

const SA_PA_TEAM = 'Tổ CNS phường Sa Pa';
const BAN_HO_TEAM = 'Tổ CNS xã Bản Hồ';

async function team(name: string, commune: string): Promise<number> {
  const [row] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune, created_by) VALUES ($1, $2, $3) RETURNING id`, [name, commune, adminId]);
  return row.id;
}

async function member(teamId: number): Promise<number> {
  const user = await ctx.factories.createUser({ fullName: 'Tổ viên' });
  await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id, added_by) VALUES ($1, $2, $3)`, [teamId, user.id, adminId]);
  return user.id;
}

/** A household onboarded by the team, with an active grant unless told otherwise. */
async function household(teamId: number, input: { status?: 'approved' | 'pending'; granted?: boolean } = {}) {
  const seller = await ctx.factories.createSeller({ type: 'ho_san_xuat', status: input.status ?? 'approved' });
  await ctx.ds.query(`UPDATE sellers SET onboarded_by_team_id = $2 WHERE id = $1`, [seller.id, teamId]);
  if (input.granted !== false) {
    await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id, granted_by_user_id) VALUES ($1, $2, $3)`, [teamId, seller.id, seller.ownerUserId]);
  }
  return seller;
}

/**
 * A household's part of an order shipped (or delivered) by a team member acting for it: the owner's
 * transition through the order lifecycle, then its event names the member, as acting-for records it.
 */
async function shipAs(userId: number, seller: { id: number; ownerUserId: number }, code: string, status: 'shipped' | 'delivered' = 'shipped') {
  await ctx.container.orders.updateSellerOrder({ id: seller.ownerUserId, role: 'seller' }, code, { status, trackingNo: 'VN123456789' });
  await ctx.ds.query(
    `UPDATE order_events SET actor_user_id = $1
     WHERE id = (SELECT e.id FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.code = $2 AND e.to_status = $3 ORDER BY e.id DESC LIMIT 1)`,
    [userId, code, status],
  );
}

let query: string;

beforeAll(async () => {
  const f = ctx.factories;
  const saPa = await team(SA_PA_TEAM, 'Phường Sa Pa');
  const banHo = await team(BAN_HO_TEAM, 'Xã Bản Hồ');
  await team('Tổ CNS xã Y Tý', 'Xã Y Tý'); // no households yet: a row of zeros
  const mai = await member(saPa);
  const formerMember = await member(saPa);
  const banHoMember = await member(banHo);

  // Sa Pa: three households onboarded (one pending, one with only a draft), one more it assists without onboarding.
  const listed = await household(saPa);
  const draftOnly = await household(saPa);
  await household(saPa, { status: 'pending' });
  const assistedOnly = await ctx.factories.createSeller({ type: 'ho_san_xuat' });
  await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [saPa, assistedOnly.id]);
  const honey = await f.createProduct({ sellerId: listed.id, priceVnd: 150000, stock: 50 });
  await f.createProduct({ sellerId: draftOnly.id, status: 'draft' });
  const assistedTea = await f.createProduct({ sellerId: assistedOnly.id, priceVnd: 90000, stock: 50 });
  // Bản Hồ: one household, listed, whose grant was revoked.
  const revoked = await household(banHo);
  const banHoTea = await f.createProduct({ sellerId: revoked.id, priceVnd: 70000, stock: 50 });

  // Sales: two paid orders of the Sa Pa household (2 × 150 000 + 1 × 150 000), an unpaid one (not counted).
  const first = await placePaidOrder(ctx, [{ productId: honey.id, quantity: 2 }]);
  const second = await placePaidOrder(ctx, [{ productId: honey.id, quantity: 1 }]);
  const third = await placePaidOrder(ctx, [{ productId: honey.id, quantity: 1 }]);
  await placeOrder(ctx, [{ productId: honey.id, quantity: 3 }]);
  // Shipped by Mai, then delivered by her (one part counted once); shipped by a member since removed.
  await shipAs(mai, listed, first.code);
  await shipAs(mai, listed, first.code, 'delivered');
  await shipAs(formerMember, listed, second.code);
  await ctx.ds.query(`UPDATE digital_team_members SET removed_at = now(), removed_by = $2, removed_reason = 'Chuyển công tác' WHERE user_id = $1`, [
    formerMember,
    adminId,
  ]);
  // Shipped by the owner herself: not the team's work.
  await ctx.container.orders.updateSellerOrder({ id: listed.ownerUserId, role: 'seller' }, third.code, { status: 'shipped', trackingNo: 'VN1' });
  // A household the team assists but did not onboard: its shipment counts, its sales do not.
  const assisted = await placePaidOrder(ctx, [{ productId: assistedTea.id, quantity: 1 }]);
  await shipAs(mai, assistedOnly, assisted.code);
  // Bản Hồ: sold 3 × 70 000; its member shipped after the grant was revoked (not counted).
  const banHoSale = await placePaidOrder(ctx, [{ productId: banHoTea.id, quantity: 3 }]);
  await shipAs(banHoMember, revoked, banHoSale.code);
  await ctx.ds.query(`UPDATE team_households SET revoked_at = now() - interval '1 minute', revoked_by_user_id = $2 WHERE seller_id = $1`, [
    revoked.id,
    revoked.ownerUserId,
  ]);
  await ctx.ds.query(`UPDATE order_events SET created_at = now() WHERE actor_user_id = $1`, [banHoMember]);

  const today = todayInVietnam(new Date());
  query = `from=${addIsoDays(today, -1)}&to=${addIsoDays(today, 1)}`;
});

const count = (n: number) => new Intl.NumberFormat('vi-VN').format(n);

describe('the digital teams table of /admin/reports', () => {
  it('shows per team and commune the households onboarded, approved, listing, their sales and the parts members fulfilled', async () => {
    const html = (await admin.get(`/admin/reports?${query}`).expect(200)).text;
    expect(html).toContain('Tổ công nghệ số cộng đồng');
    expect(tableRows(html, 'table-digital-teams')).toEqual([
      [SA_PA_TEAM, 'Phường Sa Pa', '3', '2', '1', formatVnd(600000), '3'],
      [BAN_HO_TEAM, 'Xã Bản Hồ', '1', '1', '1', formatVnd(210000), '0'],
      ['Tổ CNS xã Y Tý', 'Xã Y Tý', '0', '0', '0', formatVnd(0), '0'],
      ['Tổng cộng', '', '4', '3', '2', formatVnd(810000), count(3)],
    ]);
  });

  it('downloads the same figures as CSV, money in whole đồng', async () => {
    const res = await admin.get(`/admin/reports.csv?${query}&table=digital-teams`).buffer(true).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('bao-cao-ocop_digital-teams_');
    expect(parseCsv(res.text.replace(/^\uFEFF/, ''))).toEqual([
      ['Tổ', 'Xã/phường', 'Hộ đã hướng dẫn đăng ký', 'Hộ đã được duyệt', 'Hộ có sản phẩm đang bán', 'Doanh số (đồng)', 'Đơn tổ viên giao'],
      [SA_PA_TEAM, 'Phường Sa Pa', '3', '2', '1', '600000', '3'],
      [BAN_HO_TEAM, 'Xã Bản Hồ', '1', '1', '1', '210000', '0'],
      ['Tổ CNS xã Y Tý', 'Xã Y Tý', '0', '0', '0', '0', '0'],
      ['Tổng cộng', '', '4', '3', '2', '810000', '3'],
    ]);
  });

  it('counts nothing of a period before the sales and shipments', async () => {
    const rows = tableRows((await admin.get('/admin/reports?from=2020-01-01&to=2020-01-31').expect(200)).text, 'table-digital-teams');
    expect(rows[0]).toEqual([SA_PA_TEAM, 'Phường Sa Pa', '3', '2', '1', formatVnd(0), '0']);
  });
});
