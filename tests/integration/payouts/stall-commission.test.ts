import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin } from '../../helpers/auth';

let ctx: TestContext;
let admin: { agent: request.Agent; id: number };
beforeAll(async () => {
  ctx = await createTestContext();
  admin = await signInAsAdmin(ctx.app, ctx.ds);
});
afterAll(() => ctx.close());

const setting = async (key: string) =>
  ((await ctx.ds.query(`SELECT (value #>> '{}')::int AS bp FROM platform_settings WHERE key = $1`, [key])) as { bp: number }[])[0]?.bp;

async function post(path: string, body: Record<string, string>) {
  const page = await admin.agent.get('/admin/payouts');
  return admin.agent
    .post(path)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...body });
}

describe('the stall commission setting', () => {
  it('is shown on the commission settings page, 0 % by default', async () => {
    const page = await admin.agent.get('/admin/payouts').expect(200);
    expect(page.text).toContain('action="/admin/settings/stall-commission"');
    expect(page.text).toContain('Phí sàn tại chợ phiên');
    expect(page.text).toMatch(/name="stallRate"[^>]*value="0"/);
  });

  it('refuses a malformed rate and one above the online rate, re-rendering the page with 422 and changing nothing', async () => {
    await post('/admin/settings/commission', { rate: '5' }).then((r) => expect(r.status).toBe(303));
    const malformed = await post('/admin/settings/stall-commission', { stallRate: 'abc' });
    expect(malformed.status).toBe(422);
    expect(malformed.text).toContain('Tỷ lệ phí sàn là số phần trăm');
    const above = await post('/admin/settings/stall-commission', { stallRate: '6' });
    expect(above.status).toBe(422);
    expect(above.text).toContain('không được cao hơn phí sàn bán trực tuyến (5 %)');
    expect(above.text).toMatch(/name="stallRate"[^>]*value="6"/);
    expect(await setting('stall_commission_rate_bp')).toBe(0);
    const extra = await post('/admin/settings/stall-commission', { stallRate: '1', rate: '9' });
    expect(extra.status).toBe(422);
    expect(await setting('stall_commission_rate_bp')).toBe(0);
  });

  it('saves a lower rate, audited with before and after, and only admins may', async () => {
    const saved = await post('/admin/settings/stall-commission', { stallRate: '1,5' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/payouts');
    expect(await setting('stall_commission_rate_bp')).toBe(150);
    expect(await setting('commission_rate_bp')).toBe(500);
    const [audit] = await ctx.ds.query(`SELECT actor_user_id, details FROM audit_log WHERE action = 'settings.stall_commission' ORDER BY id DESC LIMIT 1`);
    expect(audit).toEqual({ actor_user_id: admin.id, details: { before: 0, after: 150 } });
    const page = await admin.agent.get('/admin/payouts');
    expect(page.text).toContain('Đã lưu phí sàn tại chợ phiên.');
    expect(page.text).toMatch(/name="stallRate"[^>]*value="1,5"/);
    const auditPage = await admin.agent.get('/admin/audit');
    expect(auditPage.text).toContain('Đổi phí sàn tại chợ phiên');

    const anonymous = await request(ctx.app).post('/admin/settings/stall-commission').type('form').send({ stallRate: '0' });
    expect([302, 303, 403]).toContain(anonymous.status);
    expect(await setting('stall_commission_rate_bp')).toBe(150);
  });

  it('commissionRateFor: online is the seller’s rate or the platform’s; stall is the stall rate, never above online', async () => {
    const payouts = ctx.container.payouts;
    const m = ctx.ds.manager;
    const plain = await ctx.factories.createSeller();
    const cheap = await ctx.factories.createSeller();
    await ctx.ds.query(`UPDATE sellers SET commission_rate_bp = 100 WHERE id = $1`, [cheap.id]);
    expect(await payouts.commissionRateFor(m, plain.id, 'online')).toBe(500);
    expect(await payouts.commissionRateFor(m, plain.id, 'stall')).toBe(150);
    expect(await payouts.commissionRateFor(m, cheap.id, 'online')).toBe(100);
    expect(await payouts.commissionRateFor(m, cheap.id, 'stall')).toBe(100);
  });
});
