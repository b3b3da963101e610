import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { startStore, type RunningStore } from '../../../server/boot';
import { loadConfig } from '../../../server/config';
import { createLogger } from '../../../server/logger';
import { taxAmount } from '../../../server/modules/tax';
import { DEMO_ACCOUNTS, demoLoginsWithPublishedPasswords } from '../../../server/seed/demo-accounts';
import { DEMO_TEAM } from '../../../server/seed/demo-team';
import { adminQuery, databaseUrl } from '../../helpers/test-context';

const DEMO_PRODUCTS = 77;
const logger = createLogger('silent');

/** Product names on a page, in the order they are shown (HTML entities decoded). */
function cardNames(html: string): string[] {
  return [...html.matchAll(/<span class="card-name">([^<]*)<\/span>/g)].map((m) =>
    m[1]
      .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // As root, the embedded PostgreSQL runs as "postgres" and must be able to enter this folder.
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Lists every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('startStore with DATABASE_URL and SEED_DEMO=1', () => {
  const dbName = `cho_test_boot_${crypto.randomBytes(4).toString('hex')}`;
  let url: string;
  let dir: string;
  let store: RunningStore | undefined;

  const config = () =>
    loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      SEED_DEMO: '1',
      PORT: '0',
      DATA_DIR: dir,
      MEDIA_DIR: path.join(dir, 'media'),
      LOG_LEVEL: 'silent',
    });

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${dbName}`);
    url = databaseUrl(dbName);
    dir = tempDir('cho-ocop-boot-');
    store = await startStore(config(), logger);
  }, 120_000);

  afterAll(async () => {
    await store?.stop();
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the home page with demo products', async () => {
    const res = await request(store!.url).get('/').expect(200);
    const newest = await query<{ name: string }>(url, `SELECT name FROM products ORDER BY id DESC LIMIT 8`);
    expect(newest).toHaveLength(8);
    const shown = cardNames(res.text);
    for (const { name } of newest) expect(shown).toContain(name);
    expect(res.text).toContain('Sản phẩm OCOP 5 sao quốc gia');
  });

  it('loads the 77 demo products, all listed', async () => {
    const [{ total, active }] = await query<{ total: number; active: number }>(
      url,
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE p.status = 'active' AND s.status = 'approved')::int AS active
       FROM products p JOIN sellers s ON s.id = p.seller_id`,
    );
    expect(total).toBe(DEMO_PRODUCTS);
    expect(active).toBe(DEMO_PRODUCTS);
    const res = await request(store!.url).get('/products').expect(200);
    expect(res.text).toContain(`${DEMO_PRODUCTS} sản phẩm`);
  });

  it('writes exactly one initial stock movement per stocked product, with the stock as balance', async () => {
    const rows = await query<{ id: number; stock: number; initial: number; balance: number | null; delta: number | null; sold: number }>(
      url,
      `SELECT p.id, p.stock,
              count(m.id) FILTER (WHERE m.reason = 'initial')::int AS initial,
              max(m.balance_after) FILTER (WHERE m.reason = 'initial') AS balance,
              max(m.delta) FILTER (WHERE m.reason = 'initial') AS delta,
              coalesce(sum(m.delta) FILTER (WHERE m.reason <> 'initial'), 0)::int AS sold
       FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
       GROUP BY p.id, p.stock ORDER BY p.id`,
    );
    expect(rows).toHaveLength(DEMO_PRODUCTS);
    expect(rows.some((r) => r.stock === 0)).toBe(true);
    for (const r of rows) {
      if (r.delta !== null) expect(r).toEqual({ ...r, initial: 1, balance: r.delta, stock: r.delta + r.sold });
      else expect(r).toEqual({ ...r, stock: 0, initial: 0, balance: null, sold: 0 });
    }
    // The only other movements: the demo orders (the household's paid order of 2, next test; the
    // reviewers' delivered orders; the sixty days of history), each a 'sale' of exactly its order's
    // items, and the history's one order cancelled before payment giving its items back ('release').
    const others = await query<{ reason: string; orderId: number | null; delta: number; ordered: number; status: string }>(
      url,
      `SELECT m.reason, m.order_id AS "orderId", m.delta, o.status,
              (SELECT sum(i.quantity)::int FROM order_items i WHERE i.order_id = m.order_id AND i.product_id = m.product_id) AS ordered
       FROM stock_movements m LEFT JOIN orders o ON o.id = m.order_id WHERE m.reason <> 'initial' ORDER BY m.id`,
    );
    expect(others.length).toBeGreaterThan(1);
    const released = others.filter((m) => m.reason === 'release');
    for (const m of others.filter((o) => o.reason !== 'release')) {
      expect(m).toEqual({ reason: 'sale', orderId: expect.any(Number), delta: -m.ordered, ordered: m.ordered, status: m.status });
    }
    expect(released.length).toBeGreaterThan(0);
    for (const m of released) expect(m).toEqual({ reason: 'release', orderId: expect.any(Number), delta: m.ordered, ordered: m.ordered, status: 'cancelled' });
    // Each release gives back exactly what the sale of the same order took.
    for (const m of released) expect(others.filter((o) => o.orderId === m.orderId && o.reason === 'sale').map((o) => o.delta)).toEqual([-m.delta]);
    expect(new Set(released.map((m) => m.orderId)).size).toBe(1);
    expect(rows.filter((r) => r.sold !== 0).map((r) => r.sold)).toContain(-2);
  });

  it('has a household seller with a citizen ID and one order paid through the bank path, withheld, so /admin/tax is not empty', async () => {
    const [household] = await query<{ id: number; type: string; citizen_id: string }>(url, `SELECT id, type, citizen_id FROM sellers WHERE name = $1`, [
      'Hộ kinh doanh Hà Thị Dung',
    ]);
    expect(household).toMatchObject({ type: 'ho_san_xuat', citizen_id: '010190012345' });
    const orders = await query<{ status: string; outcome: string }>(
      url,
      `SELECT o.status, e.outcome FROM seller_orders so JOIN orders o ON o.id = so.order_id JOIN webhook_events e ON e.order_id = o.id WHERE so.seller_id = $1`,
      [household.id],
    );
    expect(orders).toEqual([{ status: 'paid', outcome: 'applied' }]);
    const [part] = await query<{ items: number; shipping: number }>(
      url,
      `SELECT items_total_vnd AS items, shipping_fee_vnd AS shipping FROM seller_orders WHERE seller_id = $1`,
      [household.id],
    );
    expect(part.items).toBe(300_000);
    const withheld = await query<{ tax: string; amount: number }>(
      url,
      `SELECT tax, sum(amount_vnd)::int AS amount FROM tax_withholdings WHERE seller_id = $1 AND entry = 'withheld' GROUP BY tax ORDER BY tax`,
      [household.id],
    );
    // 2 × 150.000 ₫ of goods at 1 % VAT and 0,5 % PIT, the shipping fee at 3 % and 1,5 %.
    expect(withheld).toEqual([
      { tax: 'pit', amount: taxAmount(300_000, 50) + taxAmount(part.shipping, 150) },
      { tax: 'vat', amount: taxAmount(300_000, 100) + taxAmount(part.shipping, 300) },
    ]);
  });

  it('gives every product a cover image whose files exist in the media folder', async () => {
    const rows = await query<{ product_id: number; storage_key: string; sizes: number[] }>(
      url,
      `SELECT DISTINCT ON (p.id) p.id AS product_id, i.storage_key, i.sizes
       FROM products p LEFT JOIN product_images i ON i.product_id = p.id
       ORDER BY p.id, i.position, i.id`,
    );
    expect(rows).toHaveLength(DEMO_PRODUCTS);
    const mediaDir = store!.container.config.mediaDir;
    expect(mediaDir).toBe(path.join(dir, 'media'));
    for (const row of rows) {
      expect(row.storage_key).toEqual(expect.any(String));
      expect(row.sizes.length).toBeGreaterThan(0);
      for (const width of row.sizes) {
        const file = path.join(mediaDir, `${row.storage_key}-${width}.webp`);
        expect({ file, exists: fs.existsSync(file) && fs.statSync(file).size > 0 }).toEqual({ file, exists: true });
      }
    }
    // And the store serves them.
    const first = rows[0];
    const res = await request(store!.url).get(`/media/${first.storage_key}-${first.sizes[0]}.webp`).expect(200);
    expect(res.headers['content-type']).toBe('image/webp');
  });

  it('runs a market day today in Sa Pa with the demo cooperative and its neighbours at their stalls', async () => {
    const days = await query<{ slug: string; name: string; commune: string; running: boolean; stalls: string[] }>(
      url,
      `SELECT d.slug, d.name, d.commune, (now() >= d.starts_at AND now() < d.ends_at) AS running,
              (SELECT array_agg(s.name ORDER BY s.name) FROM market_day_stalls st JOIN sellers s ON s.id = st.seller_id WHERE st.market_day_id = d.id) AS stalls
       FROM market_days d`,
    );
    expect(days).toHaveLength(1);
    const [day] = days;
    expect(day).toMatchObject({ name: 'Phiên chợ 4.0 Sa Pa', commune: 'Phường Sa Pa' });
    expect(day.stalls).toContain('HTX Ong mật xã Lương Thịnh');
    expect(day.stalls.length).toBe(3);
    const [{ startsAt, endsAt }] = await query<{ startsAt: string; endsAt: string }>(
      url,
      `SELECT to_char(starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') AS "startsAt",
              to_char(ends_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') AS "endsAt"
       FROM market_days`,
    );
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    expect(startsAt).toBe(`${today} 07:00`);
    // 17:00, or 23:00 when the demo started after 16:00 (an evening market).
    expect([`${today} 17:00`, `${today} 23:00`]).toContain(endsAt);
    const page = await request(store!.url).get(`/market-days/${day.slug}`).expect(200);
    expect(page.text).toContain('Quảng trường Sa Pa');
    expect(page.text).toContain('HTX Ong mật xã Lương Thịnh');
    const hour = (new Date().getUTCHours() + 7) % 24;
    if (hour >= 7 && hour < 23) {
      // Started between 07:00 and 23:00 Vietnam time: running now, and on the home page.
      expect(day.running).toBe(true);
      expect(page.text).toMatch(/id="market-state">Đang diễn ra</);
      const home = await request(store!.url).get('/').expect(200);
      expect(home.text).toContain(`href="/market-days/${day.slug}"`);
    }
  });

  it('has a digital team in Sa Pa with the demo member (a buyer who signs in) and one household it onboarded and assists', async () => {
    const rows = await query<{ team: string; commune: string; member: string; role: string; household: string; type: string; onboarded: boolean }>(
      url,
      `SELECT t.name AS team, t.commune, u.email AS member, u.role, s.name AS household, s.type, s.onboarded_by_team_id = t.id AS onboarded
       FROM digital_teams t
       JOIN digital_team_members m ON m.team_id = t.id AND m.removed_at IS NULL JOIN users u ON u.id = m.user_id
       JOIN team_households th ON th.team_id = t.id AND th.revoked_at IS NULL JOIN sellers s ON s.id = th.seller_id`,
    );
    expect(rows).toEqual([
      {
        team: DEMO_TEAM.name,
        commune: 'Phường Sa Pa',
        member: DEMO_ACCOUNTS.team.email,
        role: 'buyer',
        household: DEMO_TEAM.household,
        type: 'ho_san_xuat',
        onboarded: true,
      },
    ]);
    // The member's login is one of the published ones: a production start on this database would refuse it.
    expect(await demoLoginsWithPublishedPasswords(store!.container.dataSource)).toContain(DEMO_ACCOUNTS.team.email);
  });

  it('has sixty days of demo orders by the demo customers, so the back office shows figures', async () => {
    const [history] = await query<{ orders: number; days: number; refunded: number; cancelled: number }>(
      url,
      `SELECT count(*)::int AS orders, count(DISTINCT o.created_at::date)::int AS days,
              count(*) FILTER (WHERE o.status = 'refunded')::int AS refunded, count(*) FILTER (WHERE o.status = 'cancelled')::int AS cancelled
       FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE u.full_name LIKE 'Khách demo %' AND o.note = 'Dữ liệu minh họa'`,
    );
    expect(history.orders).toBeGreaterThan(60);
    expect(history.days).toBeGreaterThan(50);
    expect(history).toMatchObject({ refunded: 1, cancelled: 1 });
    expect((await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM payouts`))[0].n).toBeGreaterThan(0);
  });

  it('finds the honey with /products?q=mat%20ong', async () => {
    const res = await request(store!.url).get('/products?q=mat%20ong').expect(200);
    const names = cardNames(res.text);
    expect(names.length).toBeGreaterThan(0);
    expect(names).toContain('Mật ong Thanh Xuân');
    // Names with "Mật ong" come first; products that only mention honey in their description follow.
    const honeys = names.filter((n) => n.startsWith('Mật ong'));
    expect(honeys.length).toBeGreaterThanOrEqual(3);
    expect(names.slice(0, honeys.length)).toEqual(honeys);
  });

  it('adds nothing when started again on the same database', async () => {
    const count = async (table: string) => (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`))[0].n;
    const before = {
      products: await count('products'),
      sellers: await count('sellers'),
      users: await count('users'),
      product_images: await count('product_images'),
      stock_movements: await count('stock_movements'),
      market_days: await count('market_days'),
      market_day_stalls: await count('market_day_stalls'),
      digital_teams: await count('digital_teams'),
      digital_team_members: await count('digital_team_members'),
      team_households: await count('team_households'),
      orders: await count('orders'),
      payouts: await count('payouts'),
    };
    const media = filesUnder(path.join(dir, 'media'));
    await store!.stop();
    store = undefined;

    store = await startStore(config(), logger);
    await request(store.url).get('/readyz').expect(200);
    expect({
      products: await count('products'),
      sellers: await count('sellers'),
      users: await count('users'),
      product_images: await count('product_images'),
      stock_movements: await count('stock_movements'),
      market_days: await count('market_days'),
      market_day_stalls: await count('market_day_stalls'),
      digital_teams: await count('digital_teams'),
      digital_team_members: await count('digital_team_members'),
      team_households: await count('team_households'),
      orders: await count('orders'),
      payouts: await count('payouts'),
    }).toEqual(before);
    expect(before.digital_teams).toBe(1);
    expect(before.products).toBe(DEMO_PRODUCTS);
    expect(filesUnder(path.join(dir, 'media'))).toEqual(media);
  }, 120_000);
});

describe('startStore with DATABASE_URL and no SEED_DEMO', () => {
  const dbName = `cho_test_boot_${crypto.randomBytes(4).toString('hex')}`;
  let dir: string;

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${dbName}`);
    dir = tempDir('cho-ocop-boot-');
  });
  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrates but loads no demo data', async () => {
    const url = databaseUrl(dbName);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' });
    expect(config.seedDemo).toBe(false);
    const store = await startStore(config, logger);
    try {
      expect(store.database.embedded).toBe(false);
      const res = await request(store.url).get('/products').expect(200);
      expect(res.text).toContain('0 sản phẩm');
      const [{ products, categories }] = await query<{ products: number; categories: number }>(
        url,
        `SELECT (SELECT count(*)::int FROM products) AS products, (SELECT count(*)::int FROM categories) AS categories`,
      );
      expect(products).toBe(0);
      expect(categories).toBe(39);
      expect(filesUnder(path.join(dir, 'media'))).toEqual([]);
    } finally {
      await store.stop();
    }
  });
});

describe('startStore with the embedded PostgreSQL (no DATABASE_URL)', () => {
  let dir: string;

  beforeAll(() => {
    dir = tempDir('cho-ocop-embedded-');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = () => loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dir, SEED_DEMO: '0', LOG_LEVEL: 'silent' });

  /** A pid no process has right now. */
  function deadPid(): number {
    for (let pid = 999_999; ; pid++) {
      try {
        process.kill(pid, 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid;
      }
    }
  }

  it('starts its own PostgreSQL, and recovers from a stale postmaster.pid', async () => {
    const lockFile = path.join(dir, 'db', 'postmaster.pid');

    let store = await startStore(config(), logger);
    let realLock: string;
    try {
      expect(store.database.embedded).toBe(true);
      expect(store.database.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/cho_ocop$/);
      await request(store.url).get('/readyz').expect(200, { status: 'ready', database: 'ok' });
      expect(fs.existsSync(path.join(dir, 'db', 'PG_VERSION'))).toBe(true);
      realLock = fs.readFileSync(lockFile, 'utf8');
    } finally {
      await store.stop();
    }
    // A clean stop removes the lock file.
    expect(fs.existsSync(lockFile)).toBe(false);

    // A crash leaves the lock file behind, naming a process that no longer exists.
    const [, ...rest] = realLock.split('\n');
    const owner = fs.statSync(path.join(dir, 'db'));
    fs.writeFileSync(lockFile, [String(deadPid()), ...rest].join('\n'), { mode: 0o600 });
    fs.chownSync(lockFile, owner.uid, owner.gid);

    store = await startStore(config(), logger);
    try {
      await request(store.url).get('/readyz').expect(200, { status: 'ready', database: 'ok' });
      // The same cluster and database as before: migrated once, still there.
      const res = await request(store.url).get('/api/v1/categories').expect(200);
      expect(res.body.items.map((c: { code: string }) => c.code)).toEqual(['I', 'II', 'III', 'IV', 'V', 'VI']);
      const lock = fs.readFileSync(lockFile, 'utf8').split('\n');
      expect(Number(lock[0])).not.toBe(Number(realLock.split('\n')[0]));
      expect(() => process.kill(Number(lock[0]), 0)).not.toThrow();
    } finally {
      await store.stop();
    }
    expect(fs.existsSync(lockFile)).toBe(false);
  }, 180_000);
});
