import request from 'supertest';
import { signInAsSeller } from '../../helpers/auth';
import { countQueries } from '../../helpers/queries';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { en } from '../../../server/rendering/locales/en';
import { vi } from '../../../server/rendering/locales/vi';

/** 10:00 in Vietnam on 10/12/2026. */
const NOW = new Date('2026-12-10T03:00:00Z');
const HOUR = 3600_000;

let ctx: TestContext;
let running: { id: number; slug: string };
let later: { id: number; slug: string };
let past: { id: number; slug: string };
let stallSeller: { id: number; slug: string; name: string };

async function insertDay(input: { name: string; slug: string; commune: string; startsAt: Date; endsAt: Date; description?: string }) {
  const [row] = await ctx.ds.query(
    `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at, description) VALUES ($1, $2, $3, 'Quảng trường Sa Pa', $4, $5, $6) RETURNING id, slug`,
    [input.slug, input.name, input.commune, input.startsAt, input.endsAt, input.description ?? ''],
  );
  return row as { id: number; slug: string };
}

beforeAll(async () => {
  ctx = await createTestContext({ now: NOW });
  // Today 07:00–17:00 Vietnam time.
  running = await insertDay({
    name: 'Phiên chợ 4.0 Sa Pa',
    slug: 'phien-cho-4-0-sa-pa-10-12-2026',
    commune: 'Phường Sa Pa',
    startsAt: new Date('2026-12-10T00:00:00Z'),
    endsAt: new Date('2026-12-10T10:00:00Z'),
    description: 'Thanh toán không dùng tiền mặt',
  });
  later = await insertDay({
    name: 'Phiên chợ Bắc Hà',
    slug: 'phien-cho-bac-ha',
    commune: 'Xã Bắc Hà',
    startsAt: new Date(NOW.getTime() + 72 * HOUR),
    endsAt: new Date(NOW.getTime() + 80 * HOUR),
  });
  past = await insertDay({
    name: 'Phiên chợ tuần trước',
    slug: 'phien-cho-tuan-truoc',
    commune: 'Phường Sa Pa',
    startsAt: new Date(NOW.getTime() - 170 * HOUR),
    endsAt: new Date(NOW.getTime() - 160 * HOUR),
  });
  stallSeller = await ctx.factories.createSeller({ name: 'HTX Mật ong Sa Pa' });
  const suspended = await ctx.factories.createSeller({ name: 'HTX Bị tạm ngừng', status: 'suspended' });
  await ctx.factories.createProduct({ sellerId: stallSeller.id, name: 'Mật ong bạc hà', ocopStars: 4, withImage: true });
  await ctx.factories.createProduct({ sellerId: stallSeller.id, name: 'Sản phẩm ẩn', status: 'hidden' });
  await ctx.factories.createProduct({ sellerId: suspended.id, name: 'Hàng của HTX tạm ngừng' });
  await ctx.ds.query(`INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2), ($1, $3)`, [running.id, stallSeller.id, suspended.id]);
});
afterAll(() => ctx.close());
beforeEach(() => ctx.setNow(NOW));

const cookieNames = (res: request.Response) => ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split('=')[0]);

describe('GET /market-days', () => {
  it('lists current and upcoming market days soonest first, not past ones, with the running badge', async () => {
    const res = await request(ctx.app).get('/market-days').expect(200);
    expect(res.text).toContain('Phiên chợ 4.0 Sa Pa');
    expect(res.text).toContain('Phiên chợ Bắc Hà');
    expect(res.text).not.toContain('Phiên chợ tuần trước');
    expect(res.text.indexOf('Phiên chợ 4.0 Sa Pa')).toBeLessThan(res.text.indexOf('Phiên chợ Bắc Hà'));
    expect(res.text).toContain('Đang diễn ra');
    expect(res.text).toContain(`href="/market-days/${running.slug}"`);
    expect(res.text).toContain('10/12/2026 07:00');
    void past;
  });

  it('filters by commune', async () => {
    const res = await request(ctx.app).get('/market-days').query({ commune: 'Xã Bắc Hà' }).expect(200);
    expect(res.text).toContain('Phiên chợ Bắc Hà');
    expect(res.text).not.toContain('Phiên chợ 4.0 Sa Pa');
    expect(res.text).toMatch(/<option value="Xã Bắc Hà" selected>/);
    const none = await request(ctx.app).get('/market-days').query({ commune: 'Xã Không Có' }).expect(200);
    expect(none.text).toContain('id="market-days-empty"');
  });
});

describe('GET /market-days/:slug', () => {
  it('shows place, time, the stalls of approved cooperatives with their listed products, and the state by the clock', async () => {
    const res = await request(ctx.app).get(`/market-days/${running.slug}`).expect(200);
    expect(res.text).toContain('<h1>Phiên chợ 4.0 Sa Pa</h1>');
    expect(res.text).toContain('Quảng trường Sa Pa');
    expect(res.text).toContain('Phường Sa Pa');
    expect(res.text).toContain('10/12/2026 07:00</time> – <time datetime="');
    expect(res.text).toContain('10/12/2026 17:00');
    expect(res.text).toContain('Thanh toán không dùng tiền mặt');
    expect(res.text).toMatch(/id="market-state">Đang diễn ra</);
    expect(res.text).toContain(`<a href="/sellers/${stallSeller.slug}">HTX Mật ong Sa Pa</a>`);
    expect(res.text).toContain('Mật ong bạc hà');
    expect(res.text).not.toContain('Sản phẩm ẩn');
    expect(res.text).not.toContain('HTX Bị tạm ngừng');
    expect(res.text).not.toContain('Hàng của HTX tạm ngừng');

    ctx.setNow(new Date('2026-12-09T12:00:00Z'));
    const before = await request(ctx.app).get(`/market-days/${running.slug}`).expect(200);
    expect(before.text).toMatch(/id="market-state">Sắp diễn ra</);
    ctx.setNow(new Date('2026-12-10T10:00:00Z'));
    const after = await request(ctx.app).get(`/market-days/${running.slug}`).expect(200);
    expect(after.text).toMatch(/id="market-state">Đã kết thúc</);
  });

  it('answers 404 for an unknown slug', async () => {
    await request(ctx.app).get('/market-days/khong-co-phien-nay').expect(404);
    await request(ctx.app).get('/market-days/KHÔNG%20HỢP%20LỆ').expect(404);
  });

  it('is in English for an English reader', async () => {
    const res = await request(ctx.app).get(`/market-days/${later.slug}`).set('Cookie', 'lang=en').expect(200);
    expect(res.text).toMatch(/id="market-state">Upcoming</);
  });
});

describe('readers get no session', () => {
  it('the list and a market day page set no session cookie and write no session row', async () => {
    const [{ n: before }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM sessions`);
    for (const path of ['/market-days', `/market-days/${running.slug}`, '/market-days?commune=Ph%C6%B0%E1%BB%9Dng%20Sa%20Pa']) {
      const queries = await countQueries(ctx.ds, async () => {
        const res = await request(ctx.app).get(path).expect(200);
        // No session, and no cookie at all: these pages carry no form, so not even a CSRF cookie.
        expect(cookieNames(res)).toEqual([]);
        expect(res.headers['cache-control']).not.toBe('no-store');
      });
      expect(queries.filter((q) => /\bsessions\b/.test(q))).toEqual([]);
      expect(queries.filter((q) => /^(INSERT|UPDATE|DELETE)\b/i.test(q))).toEqual([]);
    }
    const [{ n: after }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM sessions`);
    expect(after).toBe(before);
  });

  it('a signed-in reader goes through the full stack and sees the same page', async () => {
    const { agent } = await signInAsSeller(ctx.app, ctx.ds);
    const res = await agent.get(`/market-days/${running.slug}`).expect(200);
    expect(res.text).toContain('Mật ong bạc hà');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('the home page', () => {
  it('shows the running (or next) market day in one small block', async () => {
    const res = await request(ctx.app).get('/').expect(200);
    expect(res.text).toContain('id="next-market-day"');
    expect(res.text).toContain('Phiên chợ đang diễn ra');
    expect(res.text).toContain(`href="/market-days/${running.slug}"`);
    // Once it is over, the next one.
    ctx.setNow(new Date('2026-12-10T11:00:00Z'));
    const next = await request(ctx.app).get('/').expect(200);
    expect(next.text).toContain('Phiên chợ sắp tới');
    expect(next.text).toContain(`href="/market-days/${later.slug}"`);
    expect(next.text).toContain('Xã Bắc Hà');
    // None at all: no block.
    ctx.setNow(new Date('2027-06-01T00:00:00Z'));
    const none = await request(ctx.app).get('/').expect(200);
    expect(none.text).not.toContain('id="next-market-day"');
  });
});

describe('labels', () => {
  it('every market key exists in Vietnamese and English', () => {
    const keys = Object.keys(vi).filter((k) => k.startsWith('market.'));
    expect(keys.length).toBeGreaterThan(30);
    for (const key of keys) expect((en as Record<string, string>)[key]).toBeTruthy();
    expect(en['market.state.running']).toBe('On now');
  });
});
