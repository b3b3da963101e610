import crypto from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { startStore } from '../../../server/boot';
import { loadConfig } from '../../../server/config';
import { buildContainer } from '../../../server/container';
import { createLogger } from '../../../server/logger';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { adminQuery, createTestContext, type TestContext } from '../../helpers/test-context';

/**
 * DATABASE_READ_URL: the public catalogue reads through a second pool. The "replica" here is the test
 * database itself reached through a role that may only SELECT and whose every transaction is read-only:
 * any write sent to the read pool fails (a 500 on the page), and the role's sessions in
 * pg_stat_activity show the catalogue's reads really went there.
 */
const reader = `cho_reader_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
const password = crypto.randomBytes(12).toString('hex');

let ctx: TestContext;
beforeAll(async () => {
  await adminQuery(`CREATE ROLE ${reader} LOGIN PASSWORD '${password}'`);
  ctx = await createTestContext({
    readReplica: async (url) => {
      const db = new Client({ connectionString: url });
      await db.connect();
      try {
        const name = new URL(url).pathname.slice(1);
        await db.query(`GRANT CONNECT ON DATABASE ${name} TO ${reader}`);
        await db.query(`GRANT USAGE ON SCHEMA public TO ${reader}`);
        await db.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`);
        await db.query(`ALTER ROLE ${reader} SET default_transaction_read_only = on`);
      } finally {
        await db.end();
      }
      const readUrl = new URL(url);
      readUrl.username = reader;
      readUrl.password = password;
      return readUrl.toString();
    },
  });
});
afterAll(async () => {
  await ctx.close();
  await adminQuery(`DROP ROLE IF EXISTS ${reader}`);
});

/** Every answer of the walk: none may be a 500 (a write or a missing grant on the read pool would be one). */
const answers: { path: string; status: number }[] = [];
async function visit(agent: request.Agent | ReturnType<typeof request>, path: string): Promise<request.Response> {
  const res = await agent.get(path);
  answers.push({ path, status: res.status });
  return res;
}

describe('catalogue reads from a replica (DATABASE_READ_URL)', () => {
  it('opens a second pool that cannot write; unset, the catalogue reads the primary', async () => {
    const { readDataSource, dataSource } = ctx.container;
    expect(readDataSource).not.toBe(dataSource);
    expect(ctx.config.databaseReadUrl).toContain(reader);
    // The premise of the test: the read pool refuses any write.
    await expect(readDataSource.query(`UPDATE products SET stock = stock WHERE false`)).rejects.toThrow(/read-only transaction/);
    // Even a session that asks for read-write may not write: the role has no grant but SELECT.
    const runner = readDataSource.createQueryRunner();
    try {
      await runner.query(`SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE`);
      await expect(runner.query(`INSERT INTO audit_log (action, target_type, target_id) VALUES ('x', 'x', 'x')`)).rejects.toThrow(/permission denied/);
      await runner.query(`SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`);
    } finally {
      await runner.release();
    }

    const plain = buildContainer({ config: { ...ctx.config, databaseReadUrl: undefined }, dataSource: ctx.ds, logger: createLogger('silent') });
    expect(plain.readDataSource).toBe(ctx.ds);
  });

  it('reads DATABASE_READ_URL: empty is unset, it must be a postgres URL and needs DATABASE_URL', () => {
    const primary = 'postgres://cho@db.internal/cho';
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: primary, DATABASE_READ_URL: '' }).databaseReadUrl).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: primary, DATABASE_READ_URL: 'postgres://r@replica/cho' }).databaseReadUrl).toBe(
      'postgres://r@replica/cho',
    );
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://replica/cho' })).toThrow(/DATABASE_READ_URL/);
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_READ_URL: 'postgres://r@replica/cho' })).toThrow(/DATABASE_URL too/);
  });

  it('serves the catalogue from the replica, checkout and the seller area from the primary, with no 500s', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Chè Suối Giàng' });
    const tea = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Chè Shan tuyết Suối Giàng', priceVnd: 250000, ocopStars: 4, stock: 10 });
    const honey = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Mật ong bạc hà', priceVnd: 180000, ocopStars: 5, stock: 10 });
    const anonymous = request(ctx.app);

    // The public catalogue, every page with its content.
    expect((await visit(anonymous, '/')).text).toContain('Mật ong bạc hà');
    expect((await visit(anonymous, '/products')).text).toContain('Chè Shan tuyết Suối Giàng');
    const fiveStars = await visit(anonymous, '/products?stars=5&sort=price_asc');
    expect(fiveStars.text).toContain('Mật ong bạc hà');
    expect(fiveStars.text).not.toContain('Chè Shan tuyết Suối Giàng');
    expect((await visit(anonymous, '/products?q=shan+tuyet')).text).toContain('Chè Shan tuyết Suối Giàng');
    expect((await visit(anonymous, '/products?category=I&minPrice=200000')).text).toContain('Chè Shan tuyết Suối Giàng');
    expect((await visit(anonymous, `/products/${tea.slug}`)).text).toContain('250.000');
    expect((await visit(anonymous, `/sellers/${seller.slug}`)).text).toContain('Mật ong bạc hà');
    expect((await visit(anonymous, '/api/v1/products?q=mat+ong')).body.items.map((p: { slug: string }) => p.slug)).toContain(honey.slug);
    expect((await visit(anonymous, `/api/v1/products/${honey.slug}`)).body).toMatchObject({ slug: honey.slug, priceVnd: 180000 });
    expect((await visit(anonymous, '/api/v1/categories')).status).toBe(200);
    expect((await visit(anonymous, '/sitemap.xml')).text).toContain(`/products/${tea.slug}`);
    expect(answers.every((a) => a.status === 200)).toBe(true);

    // The reads went to the replica's pool: its role holds sessions whose last query read products.
    const sessions = (await ctx.ds.query(`SELECT query FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()`, [reader])) as {
      query: string;
    }[];
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.some((s) => /FROM products/i.test(s.query))).toBe(true);

    // A buyer adds to the cart and checks out: writes (and the cart's own reads) on the primary.
    const buyer = await buyerWithCart(ctx, [{ productId: honey.id, quantity: 2 }]);
    expect((await visit(buyer.agent, '/cart')).text).toContain('Mật ong bạc hà');
    const placed = await checkout(buyer.agent);
    expect(placed.status).toBe(303);
    const code = orderCodeFrom(placed);
    expect((await visit(buyer.agent, `/orders/${code}`)).text).toContain(code);
    const [order] = await ctx.ds.query(`SELECT total_vnd, status FROM orders WHERE code = $1`, [code]);
    expect(order.status).toBe('pending_payment');
    expect((await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [honey.id]))[0].stock).toBe(8);

    // The seller edits a product and sees the change at once on their own pages (read from the primary).
    const form = await visit(seller.agent, `/seller/products/${tea.id}/edit`);
    const version = /name="version" value="(\d+)"/.exec(form.text)![1];
    const [{ category_id: categoryId }] = await ctx.ds.query(`SELECT category_id FROM products WHERE id = $1`, [tea.id]);
    const saved = await seller.agent
      .post(`/seller/products/${tea.id}/edit`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        version,
        name: 'Chè Shan tuyết cổ thụ',
        categoryId: String(categoryId),
        description: 'Búp chè từ cây cổ thụ',
        priceVnd: '320000',
        unit: 'hộp 200g',
        lowStockThreshold: '2',
        ocopStars: '4',
        ocopCertificateNo: '1234/QĐ-UBND',
        ocopDecisionDate: '2025-03-15',
      });
    expect(saved.status).toBe(303);
    const own = await visit(seller.agent, `/seller/products/${tea.id}`);
    expect(own.text).toContain('Chè Shan tuyết cổ thụ');
    expect(own.text).toContain('320.000');
    expect((await visit(seller.agent, '/seller/products')).text).toContain('Chè Shan tuyết cổ thụ');
    // Here the replica is the same database, so the public page has it too (with a real replica: after its lag).
    expect((await visit(anonymous, `/products/${tea.slug}`)).text).toContain('320.000');

    // The back office's dashboard and province report read the replica too (a SELECT-only role serves them).
    const admin = await signInAsAdmin(ctx.app, ctx.ds);
    expect((await visit(admin.agent, '/admin')).status).toBe(200);
    expect((await visit(admin.agent, '/admin/reports')).text).toContain('Phường Sa Pa');
    expect((await visit(admin.agent, '/admin/reports.csv?table=products-by-commune')).status).toBe(200);

    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  });

  it('is ready only while the replica answers too', async () => {
    expect((await request(ctx.app).get('/readyz').expect(200)).body).toEqual({ status: 'ready', database: 'ok', replica: 'ok' });
    // The replica gone: the read role may no longer connect and its sessions end.
    await adminQuery(`ALTER ROLE ${reader} NOLOGIN`);
    await ctx.ds.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [reader]);
    try {
      expect((await request(ctx.app).get('/readyz').expect(503)).body).toEqual({ status: 'unavailable', database: 'ok', replica: 'down' });
    } finally {
      await adminQuery(`ALTER ROLE ${reader} LOGIN`);
    }
    expect((await request(ctx.app).get('/readyz').expect(200)).body.replica).toBe('ok');
  });

  it('the store opens the read pool at start and closes it at stop', async () => {
    const readUrl = new URL(ctx.config.databaseReadUrl!);
    // Its own application name, to tell this store's read sessions from the test context's.
    readUrl.searchParams.set('application_name', 'cho-ocop-boot-read');
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: ctx.url,
      DATABASE_READ_URL: readUrl.toString(),
      PORT: '0',
      DATA_DIR: ctx.mediaDir,
      SEED_DEMO: '0',
    });
    const readSessions = async () =>
      (await ctx.ds.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND application_name = 'cho-ocop-boot-read'`, [reader]))[0]
        .n as number;
    const store = await startStore(config, createLogger('silent'));
    try {
      expect((await request(store.url).get('/products?q=mat+ong')).text).toContain('Mật ong bạc hà');
      expect(await readSessions()).toBeGreaterThan(0);
    } finally {
      await store.stop();
    }
    // A backend leaves pg_stat_activity a moment after its client hangs up.
    for (let i = 0; i < 40 && (await readSessions()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await readSessions()).toBe(0);
  });
});
