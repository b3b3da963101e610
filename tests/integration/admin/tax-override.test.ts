import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { translate } from '../../../server/rendering/i18n';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

async function override(agent: request.Agent, sellerId: number, body: Record<string, string>) {
  const token = csrfFrom((await agent.get('/')).text);
  return agent
    .post(`/admin/sellers/${sellerId}/tax-withholding`)
    .type('form')
    .send({ _csrf: token, ...body });
}

async function adminOverride(agent: request.Agent, sellerId: number, body: Record<string, string>) {
  const token = csrfFrom((await agent.get(`/admin/sellers/${sellerId}`)).text);
  return agent
    .post(`/admin/sellers/${sellerId}/tax-withholding`)
    .type('form')
    .send({ _csrf: token, ...body });
}

const sellerRow = async (id: number) =>
  (await ctx.ds.query(`SELECT tax_withholding, tax_withholding_reason FROM sellers WHERE id = $1`, [id]))[0] as {
    tax_withholding: string;
    tax_withholding_reason: string | null;
  };
const auditRows = (id: number) =>
  ctx.ds.query(
    `SELECT action, reason, details, actor_user_id AS "actorUserId" FROM audit_log WHERE target_type = 'seller' AND target_id = $1 AND action = 'seller.tax-withholding' ORDER BY id`,
    [String(id)],
  );

describe("an admin's tax withholding override", () => {
  it('the admin seller page shows the rule, its result and the identification in full', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    await ctx.ds.query(`UPDATE sellers SET type = 'ho_san_xuat' WHERE id = $1`, [seller.sellerId]);
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    const page = await agent.get(`/admin/sellers/${seller.sellerId}`).expect(200);
    expect(page.text).toContain('Khấu trừ thuế (Nghị định 117/2025)');
    expect(page.text).toContain('Theo loại hình (hộ sản xuất, tổ hợp tác bị khấu trừ)');
    expect(page.text).toContain('Bị khấu trừ thuế');
    expect(page.text).toContain('Chưa có mã số thuế hoặc CCCD: tiền chuyển khoản đang chờ.');
    expect(page.text).toContain(`action="/admin/sellers/${seller.sellerId}/tax-withholding"`);

    await ctx.ds.query(`UPDATE sellers SET tax_code = '0101234567001' WHERE id = $1`, [seller.sellerId]);
    const withCode = await agent.get(`/admin/sellers/${seller.sellerId}`).expect(200);
    expect(withCode.text).toContain('0101234567001');
    expect(withCode.text).not.toContain('tiền chuyển khoản đang chờ');
  });

  it('an override with a reason is stored and audited in the same step, and shown', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds); // a cooperative: not withheld by type
    const { agent, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds);
    const res = await adminOverride(agent, seller.sellerId, { mode: 'withhold', reason: 'Thực chất là hộ kinh doanh cá thể' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/sellers/${seller.sellerId}`);
    expect(await sellerRow(seller.sellerId)).toEqual({ tax_withholding: 'withhold', tax_withholding_reason: 'Thực chất là hộ kinh doanh cá thể' });
    expect(await auditRows(seller.sellerId)).toEqual([
      {
        action: 'seller.tax-withholding',
        reason: 'Thực chất là hộ kinh doanh cá thể',
        details: { from: 'by_type', to: 'withhold' },
        actorUserId: adminId,
      },
    ]);
    const page = await agent.get(`/admin/sellers/${seller.sellerId}`).expect(200);
    expect(page.text).toContain('Luôn khấu trừ — Thực chất là hộ kinh doanh cá thể');
    expect(page.text).toContain('Bị khấu trừ thuế');
    expect(page.text).toContain('Đổi cách khấu trừ thuế');
    // The seller now sees it is withheld.
    expect((await seller.agent.get('/seller')).text).toContain('Gian hàng thuộc diện được sàn khấu trừ thuế GTGT và thuế TNCN');

    // Back to the seller's type: no reason needed, the stored reason is cleared, audited again.
    const back = await adminOverride(agent, seller.sellerId, { mode: 'by_type', reason: '' });
    expect(back.status).toBe(303);
    expect(await sellerRow(seller.sellerId)).toEqual({ tax_withholding: 'by_type', tax_withholding_reason: null });
    expect((await auditRows(seller.sellerId)).map((r: { details: unknown }) => r.details)).toEqual([
      { from: 'by_type', to: 'withhold' },
      { from: 'withhold', to: 'by_type' },
    ]);
    expect((await agent.get(`/admin/sellers/${seller.sellerId}`)).text).toContain('Không khấu trừ thuế');
  });

  it('exempting a household takes it out of withholding', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    await ctx.ds.query(`UPDATE sellers SET type = 'ho_san_xuat' WHERE id = $1`, [seller.sellerId]);
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    expect((await adminOverride(agent, seller.sellerId, { mode: 'exempt', reason: 'Đã đăng ký doanh nghiệp, tự kê khai' })).status).toBe(303);
    expect(await sellerRow(seller.sellerId)).toEqual({ tax_withholding: 'exempt', tax_withholding_reason: 'Đã đăng ký doanh nghiệp, tự kê khai' });
    const dashboard = await seller.agent.get('/seller');
    expect(dashboard.text).not.toContain('Gian hàng thuộc diện được sàn khấu trừ thuế');
    expect(dashboard.text).not.toContain('Tiền chuyển khoản cho gian hàng đang chờ');
  });

  it('an override without a reason is refused with 422 and changes nothing', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    const res = await adminOverride(agent, seller.sellerId, { mode: 'exempt', reason: '   ' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<p class="field-error" id="e-tax-reason">Vui lòng ghi lý do thay đổi cách khấu trừ thuế.</p>');
    expect(res.text).toMatch(/<option value="exempt" selected>/);
    const badMode = await adminOverride(agent, seller.sellerId, { mode: 'half', reason: 'x' });
    expect(badMode.status).toBe(422);
    expect(badMode.text).toContain('Vui lòng chọn cách khấu trừ thuế.');
    expect(await sellerRow(seller.sellerId)).toEqual({ tax_withholding: 'by_type', tax_withholding_reason: null });
    expect(await auditRows(seller.sellerId)).toEqual([]);
    expect((await adminOverride(agent, 999_999, { mode: 'withhold', reason: 'x' })).status).toBe(404);
  });

  it('a seller or a buyer cannot override (403)', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const own = await override(seller.agent, seller.sellerId, { mode: 'exempt', reason: 'Tôi muốn không bị khấu trừ' });
    expect(own.status).toBe(403);
    const buyer = await createAccount(ctx.ds);
    const buyerAgent = await signIn(ctx.app, buyer.email);
    const token = csrfFrom((await buyerAgent.get('/')).text);
    const res = await buyerAgent.post(`/admin/sellers/${seller.sellerId}/tax-withholding`).type('form').send({ _csrf: token, mode: 'exempt', reason: 'x' });
    expect(res.status).toBe(403);
    expect(await sellerRow(seller.sellerId)).toEqual({ tax_withholding: 'by_type', tax_withholding_reason: null });
    expect(await auditRows(seller.sellerId)).toEqual([]);
  });

  it('has English labels', async () => {
    for (const key of [
      'admin.tax.title',
      'admin.tax.mode.by_type',
      'admin.tax.mode.withhold',
      'admin.tax.mode.exempt',
      'admin.tax.reason',
      'admin.tax.withheld',
    ]) {
      expect(translate('en', key)).not.toBe(translate('vi', key));
    }
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    await agent.get(`/lang/en?next=/admin/sellers/${seller.sellerId}`).expect(303);
    const page = await agent.get(`/admin/sellers/${seller.sellerId}`).expect(200);
    expect(page.text).toContain('Tax withholding (Decree 117/2025)');
    expect(page.text).toContain('Never withhold');
  });
});
