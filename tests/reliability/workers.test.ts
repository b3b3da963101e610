import fs from 'node:fs';
import http from 'node:http';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { createBuyers, orderProblems, Shopper } from './support/shopper';
import { killAllStores, sleep, startStoreProcess, waitFor, type StoreProcess } from './support/store-process';

/**
 * WEB_CONCURRENCY=2: one store process, a primary and two workers (node:cluster) on one port. Requests
 * reach both workers; a killed worker is replaced; background work runs in both and still happens once;
 * SIGTERM lets a request in flight finish and the whole store exits 0.
 */

let ctx: TestContext;
let smtp: SmtpSink;
let store: StoreProcess;
const startedAt = Date.now();
beforeAll(async () => {
  ctx = await createTestContext();
  smtp = await startSmtpSink();
  store = await startStoreProcess({
    databaseUrl: ctx.url,
    mediaDir: ctx.mediaDir,
    // Every listing rendered (no page cache), so each worker's share of the requests shows in its CPU time.
    env: { WEB_CONCURRENCY: '2', PAGE_CACHE_SECONDS: '0', SMTP_URL: `smtp://127.0.0.1:${smtp.port}` },
  });
}, 120_000);
afterAll(async () => {
  await killAllStores();
  await smtp?.close();
  await ctx?.close();
});

/** The primary's child processes (the database is external: they are the workers). */
const workers = (): number[] => {
  const pid = store.child.pid!;
  return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
};
/** utime + stime of a process, in clock ticks. */
const cpuTicks = (pid: number): number => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
/** n GETs of the listing, 10 at a time, each on a new connection; their statuses. */
async function browse(n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, () =>
        fetch(`${store.url}/products`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(20_000) }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    statuses.push(...batch);
  }
  return statuses;
}
/** Which of the workers did work (CPU) while `work` ran. */
async function busy(pids: number[], work: () => Promise<unknown>): Promise<number[]> {
  const before = pids.map(cpuTicks);
  await work();
  return pids.map((pid, i) => cpuTicks(pid) - before[i]);
}

describe('WEB_CONCURRENCY=2', () => {
  it('runs two workers under one primary, and requests to the one port reach both', async () => {
    const pids = workers();
    expect(pids).toHaveLength(2);
    await browse(20); // warm both
    let statuses: number[] = [];
    const ticks = await busy(pids, async () => (statuses = await browse(200)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    console.log(`workers: 200 listing requests → CPU ticks per worker ${ticks.join(' / ')}`);
    for (const t of ticks) expect(t).toBeGreaterThanOrEqual(3);
  });

  it('background work runs in both workers and happens once: every outbox email sent once, every overdue order released once', async () => {
    const product = await ctx.factories.createProduct({ name: 'Chè Shan tuyết Suối Giàng', stock: 100, priceVnd: 150_000 });
    const buyers = await createBuyers(ctx.ds, 40, 'workers');
    // Sign-ins 10 at a time: 40 at once from one address can exceed its 30 login attempts in flight.
    for (let i = 0; i < buyers.length; i += 10) {
      await Promise.all(
        buyers.slice(i, i + 10).map(async (buyer) => {
          const s = new Shopper(store.url);
          expect((await s.signIn(buyer.email)).status).toBe(303);
          expect((await s.addToCart(product.id, 2)).status).toBe(303);
          expect((await s.checkout()).status).toBe(303);
        }),
      );
    }
    // Mail: both workers drain the same outbox.
    await waitFor(
      'the outbox to empty',
      async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM outbox_emails WHERE status <> 'sent'`))[0].n === 0,
      40_000,
    );
    const rows = await ctx.ds.query(`SELECT to_address FROM outbox_emails ORDER BY id`);
    expect(rows.length).toBeGreaterThanOrEqual(40);
    await sleep(1000);
    expect(smtp.received).toHaveLength(rows.length);
    expect(smtp.received.map((m) => m.to.join(',')).sort()).toEqual(rows.map((r: { to_address: string }) => r.to_address).sort());

    // Sweeper: both workers sweep every 30 s from their start, at nearly the same moment.
    const [due] = await ctx.ds.query(`UPDATE orders SET reserved_until = now() - interval '1 minute' WHERE status = 'pending_payment' RETURNING id`);
    expect(due.length).toBe(40);
    await waitFor(
      'every overdue order to expire',
      async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'pending_payment'`))[0].n === 0,
      Math.max(35_000 - (Date.now() - startedAt), 5_000) + 35_000,
    );
    const releases = await ctx.ds.query(
      `SELECT i.order_id, i.quantity, count(m.id)::int AS rows, coalesce(sum(m.delta), 0)::int AS returned
       FROM order_items i LEFT JOIN stock_movements m ON m.order_id = i.order_id AND m.product_id = i.product_id AND m.reason = 'release'
       GROUP BY i.order_id, i.quantity`,
    );
    expect(releases).toHaveLength(40);
    expect(releases.filter((r: { rows: number; returned: number; quantity: number }) => r.rows !== 1 || r.returned !== r.quantity)).toEqual([]);
    const [{ n: expired }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM order_events WHERE to_status = 'expired'`);
    expect(expired).toBe(40);
    expect((await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [product.id]))[0].stock).toBe(100);
    expect(await orderProblems(ctx.ds, new Map([[product.id, 100]]))).toEqual([]);
    console.log(`workers: ${rows.length} emails sent once, ${due.length} overdue orders released once, by two workers`);
  }, 120_000);

  it('a worker killed with SIGKILL is replaced, and the store keeps answering meanwhile', async () => {
    const [victim, survivor] = workers();
    process.kill(victim, 'SIGKILL');
    await sleep(200);
    // The survivor answers alone until the replacement listens.
    expect((await browse(10)).filter((s) => s !== 200)).toEqual([]);
    const replaced = await waitFor(
      'a new worker',
      async () => {
        const now = workers();
        return now.length === 2 && !now.includes(victim) && now.includes(survivor) ? now : undefined;
      },
      15_000,
    );
    const fresh = replaced.find((p) => p !== survivor)!;
    await waitFor('the new worker to serve', async () => (await busy([fresh], () => browse(20)))[0] >= 2, 20_000, 0);
    expect(store.output()).toContain('worker died; starting another');
  });

  it('SIGTERM drains: a request in flight is answered, every worker stops and the store exits 0', async () => {
    const pids = workers();
    // A form POST whose body is still arriving: in flight in a worker when the signal comes.
    const body = 'email=a%40b.vn&password=xxxxxxxx';
    const answer = new Promise<number>((resolve, reject) => {
      const req = http.request(`${store.url}/login`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        store.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 1000);
      }, 300);
    });
    const exited = new Promise<number | null>((resolve) => store.child.once('exit', (code) => resolve(code)));
    const status = await answer;
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    expect(await exited).toBe(0);
    for (const pid of pids) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  });
});
