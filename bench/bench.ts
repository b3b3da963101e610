import autocannon from 'autocannon';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../server/db/data-source';
import { createDatabaseIfMissing } from '../server/db/database';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../server/db/embedded-postgres';
import { runMigrations } from '../server/db/migrate';
import { projectRoot } from '../server/lib/paths';
import { hashPassword } from '../server/modules/accounts/password';
import { generateCatalogue, SEARCH_CLASSES } from './catalogue-generator';
import { findNginx, runBehindNginx } from './nginx';

/**
 * `npm run bench [-- --large] [-- --write] [-- --node 24] [-- --workers 1,2]`: the store against baselines
 * that serve the same page (bench/baseline-server.ts), same machine, same run. Every figure is the median
 * of 3 runs. `--node 24` also runs every store scenario with the store on Node 24 (the `node` package from
 * npm, installed once under ~/.cache/cho-ocop-bench); `--workers 1,2` runs them with WEB_CONCURRENCY=1 and
 * 2. Without them the store runs on the bench's Node with production's default workers (one per CPU).
 * `--burst-only` runs the checkout burst alone (no baselines, no page scenarios, no page-cache-off variant).
 * `--nginx` also runs listing, product and search pages through nginx's cache configured as README.md
 * shows (bench/nginx.ts), per store variant, if nginx is on PATH.
 * See bench/RESULTS.md.
 */
const argv = process.argv.slice(2);
const args = new Set(argv);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
};
const PRODUCTS = args.has('--large') ? 500_000 : 50_000;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = 3;
const BURSTS = Number(process.env.BENCH_BURSTS ?? 20);
/** `--burst-only`: the checkout burst alone (no baselines, no page scenarios), to measure a change to checkout quickly. */
const BURST_ONLY = args.has('--burst-only');

/** `bytesPerReq`: response bytes on the wire, headers included. `cpuMsPerReq`: the server's CPU (all its processes) per response. */
interface Figure {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytesPerReq: number;
  cpuMsPerReq: number;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The V8 options `npm start` runs the store with: the `--flag=value`s before scripts/start.js in package.json. */
function startFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const start = pkg.scripts?.start ?? '';
  const at = start.indexOf('scripts/start.js');
  return at === -1 ? [] : (start.slice(0, at).match(/--[\w-]+=\S+/g) ?? []);
}

/** A Node binary of the given major version: this one, or the `node` package from npm, installed once into a cache. */
function nodeBinary(major: string): { execPath: string; version: string } {
  if (process.version.startsWith(`v${major}.`)) return { execPath: process.execPath, version: process.version };
  const prefix = path.join(os.homedir(), '.cache', 'cho-ocop-bench', `node${major}`);
  const execPath = path.join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!fs.existsSync(execPath)) {
    process.stdout.write(`Installing Node ${major} from npm into ${prefix} (once)…\n`);
    fs.mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `node@${major}`], { stdio: 'inherit' });
  }
  return { execPath, version: execFileSync(execPath, ['--version'], { encoding: 'utf8' }).trim() };
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

/** A process and its descendants (a cluster's primary and its workers), Linux /proc. */
function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    for (const child of fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      pids.push(...processTree(Number(child)));
    }
  } catch {
    /* gone */
  }
  return pids;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU milliseconds a process tree has used so far: utime + stime of each process, plus the children each
 * has waited for (a worker that died and was replaced still counts). PostgreSQL is not in the tree.
 */
/** The embedded PostgreSQL's postmaster (the first line of postmaster.pid): its backends are its children. */
function postmasterPid(dataDir: string): number | undefined {
  const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14–17 of proc(5), counted from the state (field 3).
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      /* gone */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Peak resident memory of a process tree (all its processes together) while `work` runs (Linux /proc). */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; rssMb: number }> {
  let peak = 0;
  const sample = () => {
    let kb = 0;
    for (const p of processTree(pid)) {
      try {
        kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      } catch {
        /* gone */
      }
    }
    peak = Math.max(peak, kb);
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

/** RUNS autocannon runs; CPU ms per request: the server's CPU over all the runs divided by the responses of all the runs. */
async function load(
  url: string,
  connections: number,
  paths: () => string,
  serverPid: number,
  options: { headers?: Record<string, string>; notModified?: { count: number; of: number } } = {},
): Promise<Figure> {
  const runs: Omit<Figure, 'cpuMsPerReq'>[] = [];
  let responses = 0;
  const cpuBefore = cpuMs(serverPid);
  for (let i = 0; i < RUNS; i++) {
    const result = await autocannon({
      url,
      connections,
      duration: DURATION,
      headers: options.headers,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
    });
    responses += result.requests.total;
    // A revalidation run expects 304s: they are its answers, not errors.
    if (options.notModified) {
      options.notModified.count += result['3xx'];
      options.notModified.of += result.requests.total;
    }
    runs.push({
      reqPerSec: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors,
      non2xx: result.non2xx - (options.notModified ? result['3xx'] : 0),
      bytesPerReq: result.requests.total ? result.throughput.total / result.requests.total : 0,
    });
  }
  const cpu = cpuMs(serverPid) - cpuBefore;
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    bytesPerReq: median(runs.map((r) => r.bytesPerReq)),
    cpuMsPerReq: responses ? cpu / responses : 0,
  };
}

/** A page's ETag, on a fresh connection; tried three times (a fetch right after a load run has failed now and then). */
async function etagOf(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await fetch(url, { headers: { connection: 'close' } })).headers.get('etag') ?? '';
    } catch (err) {
      if (attempt === 3) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
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

/** How the store runs in one pass over the store scenarios. `workers` unset: production's default (one per CPU). */
interface Variant {
  label: string;
  execPath: string;
  workers?: number;
  /** Extra environment (PAGE_CACHE_SECONDS=0: every page rendered, as the baselines do). */
  env?: Record<string, string>;
}

/** The Node versions the store ran on, for the summary. */
const nodeVersions: string[] = [];

function variants(): Variant[] {
  const majors = [process.versions.node.split('.')[0], ...(option('--node')?.split(',') ?? [])].map((m) => m.trim()).filter(Boolean);
  const counts = option('--workers')
    ?.split(',')
    .map((w) => Number(w.trim()));
  if (counts?.some((w) => !Number.isInteger(w) || w < 1)) throw new Error('--workers takes a list of whole numbers, e.g. 1,2');
  const list: Variant[] = [];
  for (const major of [...new Set(majors)]) {
    const node = nodeBinary(major);
    nodeVersions.push(`${node.version} (${node.execPath})`);
    for (const workers of counts ?? [undefined]) {
      const n = workers ?? os.availableParallelism();
      list.push({ label: `node ${major} · ${n} worker${n === 1 ? '' : 's'}${workers ? '' : ' (default)'}`, execPath: node.execPath, workers });
    }
  }
  // The first variant again without the page cache: what rendering each page costs, against the baselines.
  if (!BURST_ONLY) list.push({ ...list[0], label: `${list[0].label} · page cache off`, env: { PAGE_CACHE_SECONDS: '0' } });
  return list;
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const storeVariants = variants();
  // ---- a database of its own ----
  let pg: RunningPostgres | undefined;
  let adminUrl = process.env.DATABASE_URL;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-bench-'));
  fs.chmodSync(dir, 0o755);
  if (!adminUrl) {
    // pg_stat_statements counts the statements of a checkout (an external DATABASE_URL may not have it loaded).
    pg = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'db'),
      passwordFile: path.join(dir, 'pw'),
      settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' },
    });
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
  const statementsCounted = await ds.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`).then(
    () => true,
    () => false,
  );
  const t0 = Date.now();
  await generateCatalogue(ds, PRODUCTS);
  log(`Generated ${PRODUCTS.toLocaleString('en')} products across 200 cooperatives in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const slugs = ((await ds.query(`SELECT slug FROM products ORDER BY random() LIMIT 2000`)) as { slug: string }[]).map((r) => r.slug);

  const children: ChildProcess[] = [];
  try {
    // ---- the baselines, then the store in each variant, as in production ----
    const storePort = await freePort();
    const storeUrl = `http://127.0.0.1:${storePort}`;
    // BENCH_NODE_FLAGS: extra Node options for the store (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile its workers).
    const storeFlags = [...startFlags(), ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [])];
    // The baselines render the store's page, canonical link included.
    const baselineEnv = { ...process.env, PUBLIC_URL: storeUrl };
    const rows: string[][] = [];
    const row = (scenario: string, store: string, f: Figure, base?: Figure) =>
      rows.push([
        scenario,
        store,
        f.reqPerSec.toFixed(0),
        base ? base.reqPerSec.toFixed(0) : '—',
        base ? `${((f.reqPerSec / base.reqPerSec) * 100).toFixed(0)} %` : '—',
        `${f.p50} / ${f.p99} ms`,
        f.cpuMsPerReq.toFixed(2),
        (f.bytesPerReq / 1000).toFixed(1),
        String(f.errors + f.non2xx),
      ]);
    let sameExpress: Figure | undefined;
    if (!BURST_ONLY) {
      const httpPort = await freePort();
      const expressPort = await freePort();
      const baselineScript = path.join(projectRoot, 'dist/bench/baseline-server.js');
      const httpBaseline = await startChild(baselineScript, ['http', String(httpPort), url], baselineEnv);
      children.push(httpBaseline);
      const expressBaseline = await startChild(baselineScript, ['express', String(expressPort), url], baselineEnv);
      children.push(expressBaseline);
      const httpUrl = `http://127.0.0.1:${httpPort}`;
      const expressUrl = `http://127.0.0.1:${expressPort}`;

      const sameHttp = await load(httpUrl, 50, () => '/products', httpBaseline.pid!);
      sameExpress = await load(expressUrl, 50, () => '/products', expressBaseline.pid!);
      const bareHttp = await load(httpUrl, 50, () => '/bare', httpBaseline.pid!);
      // A search page is a listing page: the same page from the bare baseline at 10 connections is the floor for its p99.
      const sameHttp10 = await load(httpUrl, 10, () => '/products', httpBaseline.pid!);
      row("baseline: node:http, same page (1 query + the store's templates)", '—', sameHttp);
      row('baseline: Express 5, same page', '—', sameExpress);
      row('reference: node:http bare list of the same 24 products', '—', bareHttp);
      row('reference: node:http same page, 10 conn. (floor for a search page)', '—', sameHttp10);
    }

    // ---- checkout burst set-up: 200 signed-in buyers (sessions live in PostgreSQL: they outlast a store restart) ----
    const [{ id: productId }] = (await ds.query(`SELECT id FROM products ORDER BY id LIMIT 1`)) as { id: number }[];
    const hash = await hashPassword('Bench-buyer-password');
    await ds.query(
      `INSERT INTO users (email, full_name, password_hash, role, phone) SELECT 'buyer' || g || '@bench.cho-ocop.vn', 'Người mua ' || g, $1, 'buyer', '0912345678' FROM generate_series(1, 200) g`,
      [hash],
    );
    const buyers = Array.from({ length: 200 }, () => new Buyer(storeUrl));
    let signedIn = false;

    const notes: string[] = [];
    const burstLines: string[] = [];
    const nginxRows: string[][] = [];
    const nginxNotes: string[] = [];
    for (const variant of storeVariants) {
      log(`Store: ${variant.label}`);
      const store = await startStore(variant, { storePort, storeUrl, storeFlags, url, dir });
      try {
        const pid = store.child.pid!;
        if (!BURST_ONLY) {
          // Warm-up: templates compiled, pools opened, category tree cached (in every worker).
          await load(storeUrl, 10, () => '/products', pid).catch(() => undefined);
          const { result: figures, rssMb } = await peakRss(pid, async () => {
            const page1 = await load(storeUrl, 50, () => '/products', pid);
            const maxPage = 1000;
            const deep = await load(storeUrl, 50, () => `/products?page=${2 + Math.floor(Math.random() * (maxPage - 1))}`, pid);
            const product = await load(storeUrl, 50, () => `/products/${slugs[Math.floor(Math.random() * slugs.length)]}`, pid);
            const search: [string, Figure][] = [];
            for (const cls of SEARCH_CLASSES) {
              search.push([
                cls.name,
                await load(storeUrl, 10, () => `/products?q=${encodeURIComponent(cls.queries[Math.floor(Math.random() * cls.queries.length)])}`, pid),
              ]);
            }
            // Cold search: a common word, never the same request twice (a price bound nobody notices makes
            // each one a new ranking and facet summary), so no search is answered from the catalogue cache.
            const coldWords = SEARCH_CLASSES.filter((c) => c.name.startsWith('one word')).flatMap((c) => c.queries);
            let coldN = 0;
            const cold = await load(
              storeUrl,
              10,
              () => `/products?q=${encodeURIComponent(coldWords[coldN % coldWords.length])}&maxPrice=${900_000_000 + coldN++}`,
              pid,
            );
            // A CDN revalidating the listing: the store answers 304 without a body when the page is unchanged.
            const etag = await etagOf(`${storeUrl}/products`);
            const notModified = { count: 0, of: 0 };
            const revalidate = await load(storeUrl, 50, () => '/products', pid, { headers: { 'if-none-match': etag }, notModified });
            return { page1, deep, product, search, cold, revalidate, notModified };
          });
          row('catalogue /products page 1 (vs Express)', variant.label, figures.page1, sameExpress);
          row('catalogue deep pages 2–1000 (vs page 1)', variant.label, figures.deep, figures.page1);
          row('product page (vs Express)', variant.label, figures.product, sameExpress);
          for (const [name, f] of figures.search) row(`search: ${name} (10 conn.)`, variant.label, f);
          row('cold search: common word, never repeated (10 conn.)', variant.label, figures.cold);
          row('revalidation: /products with If-None-Match (vs page 1)', variant.label, figures.revalidate, figures.page1);
          notes.push(
            `${variant.label}: revalidation answered 304 to ${figures.notModified.count} of ${figures.notModified.of} requests (the origin's 304 rate)`,
          );
          notes.push(`${variant.label}: peak RSS under load ${rssMb} MB (all its processes)`);

          // Behind nginx's cache (--nginx): the same load() through the README's config, as browsers ask (gzip).
          const nginx = args.has('--nginx') ? findNginx() : undefined;
          if (nginx && 'skipped' in nginx) {
            log(`Behind nginx: skipped, ${nginx.skipped}`);
            nginxNotes.push(`${variant.label}: skipped, ${nginx.skipped}`);
          } else if (nginx) {
            // A signed-in visitor: nginx must pass every one of its requests to the store.
            const visitor = new Buyer(storeUrl);
            await visitor.refreshToken('/login');
            await visitor.request('POST', '/login', { _csrf: visitor.token, email: 'buyer200@bench.cho-ocop.vn', password: 'Bench-buyer-password' });
            // The page after signing in: the browser then holds the new visitor id and form token too.
            await visitor.refreshToken('/account');
            const session = [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
            if (!/cho\.sid=./.test(session)) throw new Error('the signed-in visitor of the nginx rows got no session cookie');
            const gzip = { 'accept-encoding': 'gzip' };
            const queries = SEARCH_CLASSES.flatMap((c) => c.queries);
            const results = await runBehindNginx(
              nginx.bin,
              storePort,
              [
                { name: 'catalogue /products page 1', connections: 50, path: () => '/products', headers: gzip, direct: figures.page1 },
                {
                  name: 'catalogue deep pages 2–1000',
                  connections: 50,
                  path: () => `/products?page=${2 + Math.floor(Math.random() * 999)}`,
                  headers: gzip,
                  direct: figures.deep,
                },
                {
                  name: 'product page',
                  connections: 50,
                  path: () => `/products/${slugs[Math.floor(Math.random() * slugs.length)]}`,
                  headers: gzip,
                  direct: figures.product,
                },
                {
                  name: `search: the ${queries.length} queries of every class (10 conn.)`,
                  connections: 10,
                  path: () => `/products?q=${encodeURIComponent(queries[Math.floor(Math.random() * queries.length)])}`,
                  headers: gzip,
                  direct: undefined,
                },
                {
                  name: '/products page 1 with a session cookie (bypass)',
                  connections: 50,
                  path: () => '/products',
                  headers: { ...gzip, cookie: session },
                  direct: figures.page1,
                },
              ],
              (nginxUrl, s) => load(nginxUrl, s.connections, s.path, pid, { headers: s.headers }),
              cpuMs,
            );
            for (const { scenario, figure: f, cache, nginxCpuMsPerReq } of results) {
              nginxRows.push([
                scenario.name,
                variant.label,
                f.reqPerSec.toFixed(0),
                scenario.direct ? scenario.direct.reqPerSec.toFixed(0) : '—',
                scenario.direct ? `${((f.reqPerSec / scenario.direct.reqPerSec) * 100).toFixed(0)} %` : '—',
                `${f.p50} / ${f.p99} ms`,
                cache.answered ? `${(((cache.byStatus.HIT ?? 0) / cache.answered) * 100).toFixed(1)} %` : '—',
                `${cache.toStore} of ${cache.answered}`,
                f.cpuMsPerReq.toFixed(3),
                nginxCpuMsPerReq.toFixed(3),
                (f.bytesPerReq / 1000).toFixed(1),
                String(f.errors + f.non2xx),
              ]);
              const statuses = Object.entries(cache.byStatus)
                .sort((a, b) => b[1] - a[1])
                .map(([k, n]) => `${k} ${n}`)
                .join(', ');
              const failed = Object.entries(cache.failed).map(([code, n]) => `HTTP ${code} × ${n}`);
              nginxNotes.push(`${variant.label}, ${scenario.name}: ${[statuses, ...failed].join(', ')}`);
            }
          }
        }
        if (!signedIn) {
          for (let i = 0; i < buyers.length; i += 20) {
            await Promise.all(
              buyers.slice(i, i + 20).map(async (b, j) => {
                await b.refreshToken('/login');
                await b.request('POST', '/login', { _csrf: b.token, email: `buyer${i + j + 1}@bench.cho-ocop.vn`, password: 'Bench-buyer-password' });
                await b.refreshToken('/account');
              }),
            );
          }
          signedIn = true;
        }
        const burst = await checkoutBursts(ds, buyers, productId, pid, statementsCounted, pg ? postmasterPid(path.join(dir, 'db')) : undefined);
        const allFifty = burst.bursts.every((b) => b.ok === 50);
        rows.push([
          `checkout burst: 200 × 50 units, ${BURSTS} reps`,
          variant.label,
          `${median(burst.bursts.map((b) => b.ok))} ok / ${median(burst.bursts.map((b) => b.outOfStock))} sold out`,
          '—',
          allFifty ? 'exactly 50 every rep' : 'NOT 50 every rep',
          `p99 ${median(burst.bursts.map((b) => b.p99))} ms · burst ${median(burst.bursts.map((b) => b.ms))} ms`,
          `${burst.cpuMsPerAttempt.toFixed(2)} per attempt${burst.postgresCpuMsPerAttempt === undefined ? '' : ` (+ PostgreSQL ${burst.postgresCpuMsPerAttempt.toFixed(2)})`}`,
          '—',
          `${burst.bursts.reduce((a, b) => a + b.errors, 0)} errors, ${burst.bursts.reduce((a, b) => a + b.oversold, 0)} oversold`,
        ]);
        burstLines.push(
          `Checkout bursts, ${variant.label}: ${burst.bursts.map((b) => `${b.ok}/${b.outOfStock}/${b.errors}`).join(' ')} (ok/sold out/errors per repetition)`,
        );
        if (burst.statements) {
          burstLines.push(
            `  ${burst.statements.perAttempt.toFixed(1)} statements per checkout attempt (every statement the store sent during the bursts, BEGIN/COMMIT, session store and background workers included, from pg_stat_statements), PostgreSQL planning ${burst.statements.planMsPerAttempt.toFixed(2)} ms + execution ${burst.statements.execMsPerAttempt.toFixed(2)} ms per attempt${burst.postgresCpuMsPerAttempt === undefined ? '' : `, PostgreSQL CPU (all its processes) ${burst.postgresCpuMsPerAttempt.toFixed(2)} ms per attempt`}; the most frequent per attempt (calls, planning + execution ms): ${burst.statements.top.map(([q, n, ms]) => `${n.toFixed(2)} × ${ms.toFixed(3)} ms \`${q}\``).join('; ')}`,
          );
        }
      } finally {
        await store.stop();
      }
    }

    const header = ['scenario', 'store', 'req/s', 'baseline req/s', 'ratio', 'p50 / p99', 'CPU ms/req', 'KB/req', 'errors'];
    const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
    const summary = [
      `Chợ OCOP benchmark — ${PRODUCTS.toLocaleString('en')} products, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, bench and baselines on Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
      `Each figure: median of ${RUNS} autocannon runs of ${DURATION} s (50 connections unless noted). CPU ms/req: utime + stime of the server's processes (the store's primary and workers; a baseline's one process) over the ${RUNS} runs, divided by the responses; PostgreSQL's CPU is not in it.`,
      `Store run as \`npm start\` runs it: node ${[...storeFlags, 'dist/server/main.js'].join(' ')}, NODE_ENV=production; Node ${nodeVersions.join(', ')}; workers: WEB_CONCURRENCY, or (default) production's one per CPU = ${os.availableParallelism()} here. KB/req: response bytes on the wire, headers included (the store adds its security headers to the same page).`,
      ...notes.map((n) => `- ${n}`),
      '',
      table,
      '',
      ...burstLines,
      ...(nginxRows.length || nginxNotes.length
        ? [
            '',
            "Behind nginx's cache (`--nginx`): nginx with README.md's config (cache key, session and ship_to bypass, gzip; bench/nginx.ts) in front of the store, the scenarios in this order through one cache, requests with `Accept-Encoding: gzip`. HIT: answers from a fresh cached copy. Reached the store: requests nginx sent on (MISS, EXPIRED, BYPASS and background updates, from its access log) of the answers. Store CPU ms/req: the store's CPU per answer nginx gave.",
            '',
            ...(nginxRows.length
              ? [
                  [
                    [
                      'scenario behind nginx',
                      'store',
                      'req/s',
                      'direct req/s',
                      'ratio',
                      'p50 / p99',
                      'HIT',
                      'reached the store',
                      'store CPU ms/req',
                      'nginx CPU ms/req',
                      'KB/req',
                      'errors',
                    ],
                    Array(12).fill('---'),
                    ...nginxRows,
                  ]
                    .map((r) => `| ${r.join(' | ')} |`)
                    .join('\n'),
                  '',
                ]
              : []),
            ...nginxNotes.map((n) => `- ${n}`),
          ]
        : []),
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

/** The store as production runs it, in one variant; ready once it prints its address (after every worker listens). */
async function startStore(
  variant: Variant,
  at: { storePort: number; storeUrl: string; storeFlags: string[]; url: string; dir: string },
): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    SESSION_SECRET: 'bench-secret-bench-secret',
    DATABASE_URL: at.url,
    PORT: String(at.storePort),
    LOG_LEVEL: 'warn',
    DATA_DIR: at.dir,
    VIETQR_BANK_BIN: '970405',
    VIETQR_ACCOUNT_NO: '8888000012345',
    VIETQR_ACCOUNT_NAME: 'CHO OCOP BENCH',
    PUBLIC_URL: at.storeUrl,
  };
  if (variant.workers) env.WEB_CONCURRENCY = String(variant.workers);
  Object.assign(env, variant.env);
  const child = fork(path.join(projectRoot, 'dist/server/main.js'), [], {
    execPath: variant.execPath,
    execArgv: at.storeFlags,
    env,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes(at.storeUrl.replace('127.0.0.1', 'localhost'))) resolve();
    });
    void exited.then(() => reject(new Error(`the store (${variant.label}) exited during start-up`)));
  });
  await waitReady(at.storeUrl);
  return {
    child,
    stop: async () => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    },
  };
}

interface Burst {
  ok: number;
  outOfStock: number;
  errors: number;
  oversold: number;
  p99: number;
  ms: number;
}

/**
 * BURSTS repetitions of 200 concurrent checkouts for 50 units. CPU ms per attempt: the store's processes
 * during the checkout requests, divided by the attempts. Statements: pg_stat_statements, reset right before
 * each burst and read right after (the bench sends nothing meanwhile).
 */
async function checkoutBursts(
  ds: DataSource,
  buyers: Buyer[],
  productId: number,
  storePid: number,
  statementsCounted: boolean,
  postgresPid?: number,
): Promise<{
  bursts: Burst[];
  cpuMsPerAttempt: number;
  postgresCpuMsPerAttempt?: number;
  statements?: { perAttempt: number; planMsPerAttempt: number; execMsPerAttempt: number; top: [string, number, number][] };
}> {
  const bursts: Burst[] = [];
  let cpu = 0;
  let pgCpu = 0;
  let planMs = 0;
  let execMs = 0;
  // Per statement: calls, and PostgreSQL's planning + execution ms.
  const calls = new Map<string, { n: number; ms: number }>();
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
    if (statementsCounted) await ds.query(`SELECT pg_stat_statements_reset()`);
    const cpuBefore = cpuMs(storePid);
    const pgCpuBefore = postgresPid ? cpuMs(postgresPid) : 0;
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
    cpu += cpuMs(storePid) - cpuBefore;
    if (postgresPid) pgCpu += cpuMs(postgresPid) - pgCpuBefore;
    if (statementsCounted) {
      const rows = (await ds.query(
        `SELECT query, calls::int AS calls, total_plan_time AS plan, total_exec_time AS exec FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'`,
      )) as { query: string; calls: number; plan: number; exec: number }[];
      for (const r of rows) {
        const q = r.query.replace(/\s+/g, ' ').trim().slice(0, 90);
        const seen = calls.get(q) ?? { n: 0, ms: 0 };
        calls.set(q, { n: seen.n + r.calls, ms: seen.ms + r.plan + r.exec });
        planMs += r.plan;
        execMs += r.exec;
      }
    }
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
  const attempts = BURSTS * buyers.length;
  const total = [...calls.values()].reduce((a, c) => a + c.n, 0);
  return {
    bursts,
    cpuMsPerAttempt: cpu / attempts,
    postgresCpuMsPerAttempt: postgresPid ? pgCpu / attempts : undefined,
    statements: statementsCounted
      ? {
          perAttempt: total / attempts,
          planMsPerAttempt: planMs / attempts,
          execMsPerAttempt: execMs / attempts,
          top: [...calls]
            .sort((a, b) => b[1].n - a[1].n)
            .slice(0, BURST_ONLY ? 40 : 8)
            .map(([q, c]) => [q, c.n / attempts, c.ms / attempts]),
        }
      : undefined,
  };
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
