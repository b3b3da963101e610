import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../server/db/data-source';
import { createDatabaseIfMissing } from '../server/db/database';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../server/db/embedded-postgres';
import { runMigrations } from '../server/db/migrate';
import { projectRoot } from '../server/lib/paths';
import { hashPassword } from '../server/modules/accounts/password';
import { generateCatalogue, SEARCH_CLASSES } from './catalogue-generator';

/**
 * `npm run bench [-- --large] [-- --write]`: the store against baselines that serve the same page
 * (bench/baseline-server.ts), same machine, same run. Every figure is the median of 3 runs. See bench/RESULTS.md.
 */
const args = new Set(process.argv.slice(2));
const PRODUCTS = args.has('--large') ? 500_000 : 50_000;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = 3;
const BURSTS = Number(process.env.BENCH_BURSTS ?? 20);

/** `bytesPerReq`: response bytes on the wire, headers included. */
interface Figure {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytesPerReq: number;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The V8 options `npm start` runs the store with: the `--flag=value`s before scripts/start.js in package.json. */
function startFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const start = pkg.scripts?.start ?? '';
  const at = start.indexOf('scripts/start.js');
  return at === -1 ? [] : (start.slice(0, at).match(/--[\w-]+=\S+/g) ?? []);
}

function startChild(script: string, argv: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(script, argv, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${path.basename(script)} exited (${code})`)));
    child.once('message', () => resolve(child));
  });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} never became ready`);
}

/** Peak resident memory of a process while `work` runs (Linux /proc). */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; rssMb: number }> {
  let peak = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb);
    } catch {
      /* gone */
    }
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await work();
    sample();
    return { result, rssMb: Math.round(peak / 1024) };
  } finally {
    clearInterval(timer);
  }
}

async function load(url: string, connections: number, paths: () => string): Promise<Figure> {
  const runs: Figure[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await autocannon({
      url,
      connections,
      duration: DURATION,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
    });
    runs.push({
      reqPerSec: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors,
      non2xx: result.non2xx,
      bytesPerReq: result.requests.total ? result.throughput.total / result.requests.total : 0,
    });
  }
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    bytesPerReq: median(runs.map((r) => r.bytesPerReq)),
  };
}

/** A minimal cookie-keeping client for the checkout burst (the store sits behind "TLS" via X-Forwarded-Proto). */
class Buyer {
  cookies = new Map<string, string>();
  token = '';
  constructor(private readonly base: string) {}
  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(method: string, p: string, form?: Record<string, string>): Promise<Response> {
    const res = await fetch(this.base + p, {
      method,
      redirect: 'manual',
      headers: { cookie: this.header(), 'x-forwarded-proto': 'https', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair.split('=');
      this.cookies.set(k, v.join('='));
    }
    return res;
  }
  async refreshToken(p: string): Promise<void> {
    const html = await (await this.request('GET', p)).text();
    this.token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (s: string) => process.stdout.write(`${s}\n`);
  // ---- a database of its own ----
  let pg: RunningPostgres | undefined;
  let adminUrl = process.env.DATABASE_URL;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-bench-'));
  fs.chmodSync(dir, 0o755);
  if (!adminUrl) {
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), passwordFile: path.join(dir, 'pw') });
    adminUrl = pg.url();
  }
  const dbName = `cho_bench_${Date.now()}`;
  await createDatabaseIfMissing(adminUrl, dbName);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const ds = createDataSource({ url, poolSize: 4 });
  await ds.initialize();
  await runMigrations(ds);
  const t0 = Date.now();
  await generateCatalogue(ds, PRODUCTS);
  log(`Generated ${PRODUCTS.toLocaleString('en')} products across 200 cooperatives in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const slugs = ((await ds.query(`SELECT slug FROM products ORDER BY random() LIMIT 2000`)) as { slug: string }[]).map((r) => r.slug);

  const children: ChildProcess[] = [];
  try {
    // ---- the store, as in production, and the baselines ----
    const storePort = await freePort();
    const storeUrl = `http://127.0.0.1:${storePort}`;
    const storeFlags = startFlags();
    const store = await (async () => {
      const child = fork(path.join(projectRoot, 'dist/server/main.js'), [], {
        execArgv: storeFlags,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          SESSION_SECRET: 'bench-secret-bench-secret',
          DATABASE_URL: url,
          PORT: String(storePort),
          LOG_LEVEL: 'warn',
          DATA_DIR: dir,
          VIETQR_BANK_BIN: '970405',
          VIETQR_ACCOUNT_NO: '8888000012345',
          VIETQR_ACCOUNT_NAME: 'CHO OCOP BENCH',
          PUBLIC_URL: storeUrl,
        },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      children.push(child);
      await waitReady(storeUrl);
      return child;
    })();
    // The baselines render the store's page, canonical link included.
    const baselineEnv = { ...process.env, PUBLIC_URL: storeUrl };
    const httpPort = await freePort();
    const expressPort = await freePort();
    const baselineScript = path.join(projectRoot, 'dist/bench/baseline-server.js');
    children.push(await startChild(baselineScript, ['http', String(httpPort), url], baselineEnv));
    children.push(await startChild(baselineScript, ['express', String(expressPort), url], baselineEnv));

    // Warm-up: templates compiled, pools opened, category tree cached.
    await load(storeUrl, 10, () => '/products').catch(() => undefined);

    const rows: string[][] = [];
    const row = (scenario: string, f: Figure, base?: Figure) =>
      rows.push([
        scenario,
        f.reqPerSec.toFixed(0),
        base ? base.reqPerSec.toFixed(0) : '—',
        base ? `${((f.reqPerSec / base.reqPerSec) * 100).toFixed(0)} %` : '—',
        `${f.p50} / ${f.p99} ms`,
        (f.bytesPerReq / 1000).toFixed(1),
        String(f.errors + f.non2xx),
      ]);

    const { result: figures, rssMb } = await peakRss(store.pid!, async () => {
      const sameHttp = await load(`http://127.0.0.1:${httpPort}`, 50, () => '/products');
      const sameExpress = await load(`http://127.0.0.1:${expressPort}`, 50, () => '/products');
      const bareHttp = await load(`http://127.0.0.1:${httpPort}`, 50, () => '/bare');
      const page1 = await load(storeUrl, 50, () => '/products');
      const maxPage = 1000;
      const deep = await load(storeUrl, 50, () => `/products?page=${2 + Math.floor(Math.random() * (maxPage - 1))}`);
      const product = await load(storeUrl, 50, () => `/products/${slugs[Math.floor(Math.random() * slugs.length)]}`);
      const search: [string, Figure][] = [];
      for (const cls of SEARCH_CLASSES) {
        search.push([
          cls.name,
          await load(storeUrl, 10, () => `/products?q=${encodeURIComponent(cls.queries[Math.floor(Math.random() * cls.queries.length)])}`),
        ]);
      }
      // A search page is a listing page: the same page from the bare baseline at 10 connections is the floor for its p99.
      const sameHttp10 = await load(`http://127.0.0.1:${httpPort}`, 10, () => '/products');
      return { sameHttp, sameExpress, bareHttp, page1, deep, product, search, sameHttp10 };
    });
    row("baseline: node:http, same page (1 query + the store's templates)", figures.sameHttp);
    row('baseline: Express 5, same page', figures.sameExpress);
    row('reference: node:http bare list of the same 24 products', figures.bareHttp);
    row('catalogue /products page 1 (vs Express)', figures.page1, figures.sameExpress);
    row('catalogue deep pages 2–1000 (vs page 1)', figures.deep, figures.page1);
    row('product page (vs Express)', figures.product, figures.sameExpress);
    for (const [name, f] of figures.search) row(`search: ${name} (10 conn.)`, f);
    row('reference: node:http same page, 10 conn. (floor for a search page)', figures.sameHttp10);

    // ---- checkout burst: 200 concurrent checkouts for 50 units ----
    const [{ id: productId }] = (await ds.query(`SELECT id FROM products ORDER BY id LIMIT 1`)) as { id: number }[];
    const hash = await hashPassword('Bench-buyer-password');
    await ds.query(
      `INSERT INTO users (email, full_name, password_hash, role, phone) SELECT 'buyer' || g || '@bench.cho-ocop.vn', 'Người mua ' || g, $1, 'buyer', '0912345678' FROM generate_series(1, 200) g`,
      [hash],
    );
    const buyers = Array.from({ length: 200 }, () => new Buyer(storeUrl));
    for (let i = 0; i < buyers.length; i += 20) {
      await Promise.all(
        buyers.slice(i, i + 20).map(async (b, j) => {
          await b.refreshToken('/login');
          await b.request('POST', '/login', { _csrf: b.token, email: `buyer${i + j + 1}@bench.cho-ocop.vn`, password: 'Bench-buyer-password' });
          await b.refreshToken('/account');
        }),
      );
    }
    const bursts: { ok: number; outOfStock: number; errors: number; oversold: number; p99: number; ms: number }[] = [];
    for (let rep = 0; rep < BURSTS; rep++) {
      await ds.transaction(async (m) => {
        const [[{ stock }]] = (await m.query(`UPDATE products SET stock = 50 WHERE id = $1 RETURNING (SELECT stock FROM products WHERE id = $1) AS stock`, [
          productId,
        ])) as [[{ stock: number }], number];
        if (stock !== 50)
          await m.query(`INSERT INTO stock_movements (product_id, delta, reason, balance_after, note) VALUES ($1, $2, 'stocktake', 50, 'bench reset')`, [
            productId,
            50 - stock,
          ]);
      });
      await Promise.all(buyers.map((b) => b.request('POST', '/cart/items', { _csrf: b.token, productId: String(productId), quantity: '1' })));
      const latencies: number[] = [];
      const burstStart = Date.now();
      const statuses = await Promise.all(
        buyers.map(async (b) => {
          const t = Date.now();
          const res = await b.request('POST', '/checkout', {
            _csrf: b.token,
            recipientName: 'Người mua',
            phone: '0912345678',
            province: 'Lào Cai',
            commune: 'Phường Sa Pa',
            street: '1 Cầu Mây',
            paymentMethod: 'vietqr',
          });
          await res.arrayBuffer();
          latencies.push(Date.now() - t);
          return res.status;
        }),
      );
      const ms = Date.now() - burstStart;
      const [{ stock }] = (await ds.query(`SELECT stock FROM products WHERE id = $1`, [productId])) as { stock: number }[];
      // Empty the carts of those who got nothing, for the next round.
      await ds.query(`DELETE FROM cart_items`);
      latencies.sort((a, b) => a - b);
      bursts.push({
        ok: statuses.filter((s) => s === 303).length,
        outOfStock: statuses.filter((s) => s === 409).length,
        errors: statuses.filter((s) => s >= 500 || s === 403).length,
        oversold: Math.max(0, statuses.filter((s) => s === 303).length - 50) + (stock < 0 ? -stock : 0),
        p99: latencies[Math.floor(latencies.length * 0.99) - 1],
        ms,
      });
    }
    const allFifty = bursts.every((b) => b.ok === 50);
    rows.push([
      `checkout burst: 200 × 50 units, ${BURSTS} reps`,
      `${median(bursts.map((b) => b.ok))} ok / ${median(bursts.map((b) => b.outOfStock))} sold out`,
      '—',
      allFifty ? 'exactly 50 every rep' : 'NOT 50 every rep',
      `p99 ${median(bursts.map((b) => b.p99))} ms · burst ${median(bursts.map((b) => b.ms))} ms`,
      '—',
      `${bursts.reduce((a, b) => a + b.errors, 0)} errors, ${bursts.reduce((a, b) => a + b.oversold, 0)} oversold`,
    ]);

    const header = ['scenario', 'store req/s', 'baseline req/s', 'ratio', 'store p50 / p99', 'KB/req', 'errors'];
    const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
    const summary = [
      `Chợ OCOP benchmark — ${PRODUCTS.toLocaleString('en')} products, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
      `Each figure: median of ${RUNS} autocannon runs of ${DURATION} s (50 connections unless noted). Store RSS peak under load: ${rssMb} MB.`,
      `Store run as \`npm start\` runs it: node ${[...storeFlags, 'dist/server/main.js'].join(' ')}. KB/req: response bytes on the wire, headers included (the store adds its security headers to the same page).`,
      '',
      table,
      '',
      `Checkout bursts: ${bursts.map((b) => `${b.ok}/${b.outOfStock}/${b.errors}`).join(' ')} (ok/sold out/errors per repetition)`,
      `Whole run: ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ].join('\n');
    log(`\n${summary}\n`);
    if (args.has('--write')) fs.writeFileSync(path.join(projectRoot, 'bench', `last-run${PRODUCTS > 50_000 ? '-large' : ''}.md`), `${summary}\n`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await ds.destroy();
    if (pg) {
      const admin = new Client({ connectionString: adminUrl });
      await admin
        .connect()
        .then(() => admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`))
        .finally(() => admin.end());
      await pg.stop();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
