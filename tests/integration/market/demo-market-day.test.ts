import request from 'supertest';
import { seedDemoMarketDay } from '../../../server/seed/demo-market-day';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe("the demo's market day", () => {
  it('runs today in Sa Pa, once per day, and again on a later day', async () => {
    const cooperative = await ctx.factories.createSeller({ name: 'HTX Ong mật xã Lương Thịnh', commune: 'Xã Lương Thịnh' });
    const neighbour = await ctx.factories.createSeller({ commune: 'Phường Sa Pa' });
    await ctx.factories.createProduct({ sellerId: neighbour.id });
    // 10:00 in Vietnam on 10/12/2026, then again at 11:00 the same day.
    const first = new Date('2026-12-10T03:00:00Z');
    expect(await seedDemoMarketDay(ctx.ds, first)).toBe('phien-cho-4-0-sa-pa-10-12-2026');
    await seedDemoMarketDay(ctx.ds, new Date('2026-12-10T04:00:00Z'));
    const days = await ctx.ds.query(`SELECT id, commune, place, starts_at, ends_at FROM market_days`);
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ commune: 'Phường Sa Pa', place: 'Quảng trường Sa Pa' });
    expect(days[0].starts_at.toISOString()).toBe('2026-12-10T00:00:00.000Z');
    expect(days[0].ends_at.toISOString()).toBe('2026-12-10T10:00:00.000Z');
    const stalls = (await ctx.ds.query(`SELECT seller_id FROM market_day_stalls WHERE market_day_id = $1 ORDER BY seller_id`, [days[0].id])).map(
      (r: { seller_id: number }) => r.seller_id,
    );
    expect(stalls).toContain(cooperative.id);
    expect(stalls).toContain(neighbour.id);

    ctx.setNow(first);
    const page = await request(ctx.app).get('/market-days/phien-cho-4-0-sa-pa-10-12-2026').expect(200);
    expect(page.text).toMatch(/id="market-state">Đang diễn ra</);

    // Restarted three days later at 18:00: today's one, an evening market running until 23:00.
    const later = new Date('2026-12-13T11:00:00Z');
    expect(await seedDemoMarketDay(ctx.ds, later)).toBe('phien-cho-4-0-sa-pa-13-12-2026');
    const [today] = await ctx.ds.query(`SELECT starts_at, ends_at FROM market_days WHERE slug = 'phien-cho-4-0-sa-pa-13-12-2026'`);
    expect(today.starts_at.toISOString()).toBe('2026-12-13T00:00:00.000Z');
    expect(today.ends_at.toISOString()).toBe('2026-12-13T16:00:00.000Z');
    ctx.setNow(later);
    const home = await request(ctx.app).get('/').expect(200);
    expect(home.text).toContain('href="/market-days/phien-cho-4-0-sa-pa-13-12-2026"');
    expect(home.text).toContain('Phiên chợ đang diễn ra');
  });
});
