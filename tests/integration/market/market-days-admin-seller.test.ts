import { csrfToken, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/** 10:00 in Vietnam on 10/12/2026. */
const NOW = new Date('2026-12-10T03:00:00Z');
const HOUR = 3600_000;

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ now: NOW });
});
afterAll(() => ctx.close());
beforeEach(() => ctx.setNow(NOW));

async function insertDay(input: { name: string; commune?: string; startsAt: Date; endsAt: Date }): Promise<{ id: number; slug: string }> {
  const slug = `${input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${Math.random().toString(36).slice(2, 8)}`;
  const [row] = await ctx.ds.query(
    `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at) VALUES ($1, $2, $3, 'Sân văn hoá', $4, $5) RETURNING id, slug`,
    [slug, input.name, input.commune ?? 'Phường Sa Pa', input.startsAt, input.endsAt],
  );
  return row;
}

describe('an admin creates a market day', () => {
  const valid = {
    name: 'Phiên chợ 4.0 Bắc Hà',
    commune: 'Xã Bắc Hà',
    place: 'Chợ văn hoá Bắc Hà',
    startsAt: '2026-12-20T07:00',
    endsAt: '2026-12-20T17:30',
    description: 'Chợ phiên Chủ nhật',
  };

  it('stores it in Vietnam time with a slug from name and date, audited in the same transaction', async () => {
    const { agent, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds);
    const form = await agent.get('/admin/market-days/new').expect(200);
    expect(form.text).toContain('type="datetime-local"');
    const _csrf = await csrfToken(agent, '/admin/market-days/new');
    const res = await agent
      .post('/admin/market-days/new')
      .type('form')
      .send({ _csrf, ...valid })
      .expect(303);
    const [day] = await ctx.ds.query(`SELECT id, slug, commune, place, starts_at, ends_at, description, created_by FROM market_days WHERE name = $1`, [
      valid.name,
    ]);
    expect(res.headers.location).toBe(`/admin/market-days/${day.id}`);
    expect(day.slug).toBe('phien-cho-4-0-bac-ha-20-12-2026');
    expect(day.starts_at.toISOString()).toBe('2026-12-20T00:00:00.000Z');
    expect(day.ends_at.toISOString()).toBe('2026-12-20T10:30:00.000Z');
    expect(day).toMatchObject({ commune: 'Xã Bắc Hà', place: valid.place, description: valid.description, created_by: adminId });
    const audit = await ctx.ds.query(`SELECT actor_user_id, action FROM audit_log WHERE target_type = 'market_day' AND target_id = $1`, [String(day.id)]);
    expect(audit).toEqual([{ actor_user_id: adminId, action: 'market_day.created' }]);

    const page = await agent.get(`/admin/market-days/${day.id}`).expect(200);
    expect(page.text).toContain('Đã tạo phiên chợ “Phiên chợ 4.0 Bắc Hà”.');
    expect(page.text).toContain('20/12/2026 07:00 – 20/12/2026 17:30');
    const list = await agent.get('/admin/market-days').expect(200);
    expect(list.text).toContain(valid.name);
    const dashboard = await agent.get('/admin').expect(200);
    expect(dashboard.text).toContain('href="/admin/market-days"');
  });

  it.each([
    ['a commune outside the 2025 Lào Cai list', { commune: 'Xã Không Có' }, 'commune', 'trong danh sách của tỉnh Lào Cai'],
    ['an end before the start', { endsAt: '2026-12-20T06:00' }, 'endsAt', 'Thời gian kết thúc phải sau thời gian bắt đầu.'],
    ['an end equal to the start', { endsAt: '2026-12-20T07:00' }, 'endsAt', 'Thời gian kết thúc phải sau thời gian bắt đầu.'],
    ['an impossible date', { startsAt: '2026-02-30T07:00' }, 'startsAt', 'Vui lòng nhập thời gian bắt đầu'],
  ])('refuses %s with 422, stores nothing', async (_label, change, field, message) => {
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    const _csrf = await csrfToken(agent, '/admin/market-days/new');
    const name = `Phiên hỏng ${field} ${Math.random()}`;
    const res = await agent
      .post('/admin/market-days/new')
      .type('form')
      .send({ _csrf, ...valid, name, ...change })
      .expect(422);
    expect(res.text).toContain(message);
    expect(res.text).toContain(`id="e-${field}"`);
    expect(await ctx.ds.query(`SELECT 1 FROM market_days WHERE name = $1`, [name])).toEqual([]);
  });

  it('is for admins only', async () => {
    const { agent } = await signInAsSeller(ctx.app, ctx.ds);
    await agent.get('/admin/market-days').expect(403);
    await agent.get('/admin/market-days/new').expect(403);
  });

  it('adds and removes stalls of approved cooperatives, audited', async () => {
    const { agent, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds);
    const day = await insertDay({ name: 'Phiên quản trị', startsAt: new Date(NOW.getTime() + 24 * HOUR), endsAt: new Date(NOW.getTime() + 30 * HOUR) });
    const approved = await ctx.factories.createSeller({ name: 'HTX Được duyệt' });
    const pending = await ctx.factories.createSeller({ name: 'HTX Chờ duyệt', status: 'pending' });
    const _csrf = await csrfToken(agent, `/admin/market-days/${day.id}`);
    await agent.post(`/admin/market-days/${day.id}/stalls`).type('form').send({ _csrf, sellerId: approved.id }).expect(303);
    await agent.post(`/admin/market-days/${day.id}/stalls`).type('form').send({ _csrf, sellerId: pending.id }).expect(422);
    expect(await ctx.ds.query(`SELECT seller_id FROM market_day_stalls WHERE market_day_id = $1`, [day.id])).toEqual([{ seller_id: approved.id }]);
    const page = await agent.get(`/admin/market-days/${day.id}`).expect(200);
    expect(page.text).toContain(`data-seller-id="${approved.id}"`);

    await agent.post(`/admin/market-days/${day.id}/stalls/${approved.id}/remove`).type('form').send({ _csrf }).expect(303);
    expect(await ctx.ds.query(`SELECT 1 FROM market_day_stalls WHERE market_day_id = $1`, [day.id])).toEqual([]);
    const again = await agent.post(`/admin/market-days/${day.id}/stalls/${approved.id}/remove`).type('form').send({ _csrf });
    expect(again.status).toBe(404);
    await agent.post(`/admin/market-days/999999/stalls`).type('form').send({ _csrf, sellerId: approved.id }).expect(404);
    const audit = await ctx.ds.query(`SELECT actor_user_id, action, details FROM audit_log WHERE target_type = 'market_day' AND target_id = $1 ORDER BY id`, [
      String(day.id),
    ]);
    expect(audit).toEqual([
      { actor_user_id: adminId, action: 'market_day.stall_added', details: { sellerId: approved.id } },
      { actor_user_id: adminId, action: 'market_day.stall_removed', details: { sellerId: approved.id } },
    ]);
  });
});

describe('a seller joins and leaves market days', () => {
  it('lists upcoming ones of its own commune first, joins and leaves (database and page)', async () => {
    const { agent, sellerId } = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Tham gia' });
    // The seller's commune is Phường Sa Pa (signInAsSeller).
    const elsewhere = await insertDay({
      name: 'Phiên Bát Xát sớm',
      commune: 'Xã Bát Xát',
      startsAt: new Date(NOW.getTime() + 2 * HOUR),
      endsAt: new Date(NOW.getTime() + 5 * HOUR),
    });
    const own = await insertDay({ name: 'Phiên Sa Pa muộn', startsAt: new Date(NOW.getTime() + 48 * HOUR), endsAt: new Date(NOW.getTime() + 52 * HOUR) });
    const past = await insertDay({ name: 'Phiên Sa Pa đã qua', startsAt: new Date(NOW.getTime() - 48 * HOUR), endsAt: new Date(NOW.getTime() - 44 * HOUR) });

    const page = await agent.get('/seller/market-days').expect(200);
    expect(page.text.indexOf('Phiên Sa Pa muộn')).toBeGreaterThan(-1);
    expect(page.text.indexOf('Phiên Sa Pa muộn')).toBeLessThan(page.text.indexOf('Phiên Bát Xát sớm'));
    expect(page.text).not.toContain('Phiên Sa Pa đã qua');
    expect(page.text).toContain(`action="/seller/market-days/${own.id}/join"`);
    expect(page.text).toContain('Tham gia');

    const _csrf = await csrfToken(agent, '/seller/market-days');
    const joined = await agent.post(`/seller/market-days/${own.id}/join`).type('form').send({ _csrf }).expect(303);
    expect(joined.headers.location).toBe('/seller/market-days');
    // Joining twice changes nothing.
    await agent.post(`/seller/market-days/${own.id}/join`).type('form').send({ _csrf }).expect(303);
    expect(await ctx.ds.query(`SELECT market_day_id FROM market_day_stalls WHERE seller_id = $1`, [sellerId])).toEqual([{ market_day_id: own.id }]);
    const after = await agent.get('/seller/market-days').expect(200);
    expect(after.text).toContain('Bạn đã đăng ký gian hàng ở phiên chợ.');
    expect(after.text).toContain(`action="/seller/market-days/${own.id}/leave"`);
    expect(after.text).toContain('Rời phiên');

    await agent.post(`/seller/market-days/${own.id}/leave`).type('form').send({ _csrf }).expect(303);
    expect(await ctx.ds.query(`SELECT 1 FROM market_day_stalls WHERE seller_id = $1`, [sellerId])).toEqual([]);
    const left = await agent.get('/seller/market-days').expect(200);
    expect(left.text).toContain('Bạn đã rời phiên chợ.');
    expect(left.text).toContain(`action="/seller/market-days/${own.id}/join"`);
    void elsewhere;
    void past;
  });

  it('cannot join a market day that has ended (nothing stored), nor an unknown one', async () => {
    const { agent, sellerId } = await signInAsSeller(ctx.app, ctx.ds);
    const day = await insertDay({ name: 'Phiên sắp hết', startsAt: new Date(NOW.getTime() - 2 * HOUR), endsAt: new Date(NOW.getTime() + HOUR) });
    const _csrf = await csrfToken(agent, '/seller/market-days');
    ctx.setNow(new Date(NOW.getTime() + HOUR));
    const res = await agent.post(`/seller/market-days/${day.id}/join`).type('form').send({ _csrf }).expect(409);
    expect(res.text).toContain('Phiên chợ này đã kết thúc');
    await agent.post(`/seller/market-days/999999/join`).type('form').send({ _csrf }).expect(404);
    await agent.post(`/seller/market-days/abc/join`).type('form').send({ _csrf }).expect(404);
    expect(await ctx.ds.query(`SELECT 1 FROM market_day_stalls WHERE seller_id = $1`, [sellerId])).toEqual([]);
  });

  it('refuses a suspended (403) or pending (403) cooperative, and a buyer', async () => {
    const day = await insertDay({ name: 'Phiên cấm', startsAt: new Date(NOW.getTime() + HOUR), endsAt: new Date(NOW.getTime() + 5 * HOUR) });
    for (const status of ['suspended', 'pending'] as const) {
      const { agent, sellerId } = await signInAsSeller(ctx.app, ctx.ds, { status });
      const _csrf = await csrfToken(agent, '/seller');
      await agent.post(`/seller/market-days/${day.id}/join`).type('form').send({ _csrf }).expect(403);
      expect(await ctx.ds.query(`SELECT 1 FROM market_day_stalls WHERE seller_id = $1`, [sellerId])).toEqual([]);
    }
  });
});
