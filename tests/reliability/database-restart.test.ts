import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createDatabaseIfMissing } from '../../server/db/database';
import { createDataSource } from '../../server/db/data-source';
import { startEmbeddedPostgres, type RunningPostgres } from '../../server/db/embedded-postgres';
import { systemClock } from '../../server/lib/clock';
import { makeFactories } from '../helpers/factories';
import { createBuyers, orderCode, orderProblems, Shopper } from './support/shopper';
import { BANK_ACCOUNT, BANK_WEBHOOK_SECRET, killAllStores, sleep, startStoreProcess, waitUntilReady, type StoreProcess } from './support/store-process';

/**
 * PostgreSQL stops in the middle of a load of checkouts and page reads, then starts again on the
 * same port and data. Every request gets an answer, also those in flight at the instant it stops;
 * while it is down the store answers 503 (retry), never 500; afterwards it recovers by itself, and
 * no order is lost or half-written. A bank webhook sent while it is down is refused so the bank
 * retries, and the retry pays the order once.
 */

const LOAD_SECONDS = 20;
const DOWN_AFTER_MS = 6_000;
const DOWN_FOR_MS = 5_000;
const SHOPPERS = 24;

let dir: string;
let pg: RunningPostgres;
let ds: DataSource;
let store: StoreProcess;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-pg-restart-'));
  fs.chmodSync(dir, 0o755);
  pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), passwordFile: path.join(dir, 'pg-password') });
  await createDatabaseIfMissing(pg.url(), 'cho_reliability');
  // The store migrates the empty database as it boots.
  store = await startStoreProcess({ databaseUrl: pg.url('cho_reliability'), mediaDir: path.join(dir, 'media') });
  ds = createDataSource({ url: pg.url('cho_reliability'), poolSize: 4 });
  await ds.initialize();
}, 120_000);
afterAll(async () => {
  if (store && store.child.exitCode !== null) console.log(`the store exited (${store.child.exitCode}):\n${store.output()}`);
  await killAllStores();
  if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
  await pg?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Sample {
  /** When the request was sent and when its answer came (or the request failed). */
  started: number;
  at: number;
  what: string;
  status: number;
}

function bankTransfer(code: string, amount: number, id: string) {
  return {
    id,
    gateway: 'Agribank',
    transactionDate: '2026-11-26 10:15:00',
    accountNumber: BANK_ACCOUNT,
    code: null,
    content: `${code} thanh toan don hang`,
    transferType: 'in',
    transferAmount: amount,
    accumulated: 0,
    subAccount: null,
    referenceCode: `FT${id}`,
  };
}
const sendBank = (body: unknown) =>
  fetch(`${store.url}/webhooks/bank`, {
    method: 'POST',
    headers: { authorization: `Apikey ${BANK_WEBHOOK_SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });

describe('PostgreSQL restarting under load', () => {
  it('answers every request, 503 while it is down, recovers by itself, loses nothing; a bank webhook during the outage is paid once on retry', async () => {
    const factories = makeFactories(ds, systemClock);
    const sellers = [await factories.createSeller(), await factories.createSeller()];
    const products = [
      await factories.createProduct({ sellerId: sellers[0].id, stock: 5000, priceVnd: 120_000 }),
      await factories.createProduct({ sellerId: sellers[0].id, stock: 5000, priceVnd: 45_000 }),
      await factories.createProduct({ sellerId: sellers[1].id, stock: 5000, priceVnd: 300_000 }),
    ];
    const initial = new Map(products.map((p) => [p.id, p.stock]));
    const buyers = await createBuyers(ds, SHOPPERS + 1, 'restart');
    const shoppers = buyers.map(() => new Shopper(store.url));
    await Promise.all(shoppers.map(async (s, i) => expect((await s.signIn(buyers[i].email)).status).toBe(303)));

    // An order that the bank will pay while the database is down.
    const payer = shoppers.pop()!;
    expect((await payer.addToCart(products[0].id, 1)).status).toBe(303);
    const placed = await payer.checkout();
    const payCode = orderCode(placed)!;
    const [{ total_vnd: payAmount }] = await ds.query(`SELECT total_vnd FROM orders WHERE code = $1`, [payCode]);

    const samples: Sample[] = [];
    const start = Date.now();
    let stopping = Infinity;
    let downAt = Infinity;
    let restarting = Infinity;
    let upAt = Infinity;
    let checkoutsTried = 0;
    const errors: string[] = [];
    const record = (what: string, status: number, started = Date.now()) => samples.push({ started, at: Date.now(), what, status });
    // Relative to the instant PostgreSQL was told to stop, to tell what was in flight then.
    const since = (t: number) => (Number.isFinite(stopping) ? `${t - stopping > 0 ? '+' : ''}${t - stopping} ms` : 'before the stop');
    const call = async <T extends { status: number }>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
      const started = Date.now();
      try {
        const res = await fn();
        record(what, res.status, started);
        return res;
      } catch (err) {
        record(what, 0, started); // no answer at all (timeout or reset)
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        errors.push(
          `${what} (sent ${since(started)}, failed ${since(Date.now())}): ${cause?.code ?? (err as Error).name} ${cause?.message ?? (err as Error).message}`,
        );
        return undefined;
      }
    };

    // The load: each shopper fills its cart, checks out, reads pages, again and again.
    const load = shoppers.map(async (s, i) => {
      while (Date.now() - start < LOAD_SECONDS * 1000) {
        const product = products[i % products.length];
        const page = await call('token', () => s.get('/account'));
        const token = page ? /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] : undefined;
        if (token) {
          await call('add to cart', () => s.post('/cart/items', { _csrf: token, productId: String(product.id), quantity: String(1 + (i % 3)) }));
          checkoutsTried++;
          const res = await call('checkout', () => s.checkout(undefined, token));
          if (res && orderCode(res)) await call('order page', () => s.get(res.location));
        }
        await call('home', () => s.get('/'));
        await call('listing', () => s.get('/products?sort=newest'));
        await call('healthz', () => s.get('/healthz'));
        await sleep(50);
      }
    });

    // The fault: PostgreSQL stops (fast shutdown) and comes back on the same port and data directory.
    const fault = (async () => {
      await sleep(DOWN_AFTER_MS);
      stopping = Date.now();
      await pg.stop();
      downAt = Date.now();
      // Meanwhile the bank reports the transfer: the store must not say "done".
      const sent = Date.now();
      const during = await sendBank(bankTransfer(payCode, payAmount, 'TX-OUTAGE-1'));
      record('bank webhook (down)', during.status, sent);
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBeTruthy();
      const ready = await fetch(`${store.url}/readyz`);
      expect(ready.status).toBe(503);
      await sleep(DOWN_FOR_MS);
      restarting = Date.now();
      pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), passwordFile: path.join(dir, 'pg-password'), port: pg.port });
      upAt = Date.now();
    })();
    await Promise.all([...load, fault]);

    // Down: sent after PostgreSQL had exited, answered before it was started again (by start and end,
    // not by end alone: a page read before the stop may take a while to render on a busy machine).
    const down = samples.filter((s) => s.started > downAt && s.at < restarting);
    const needsDatabase = down.filter((s) => s.what !== 'healthz');
    // In flight as it shut down: sent before PostgreSQL had exited, answered after it was told to stop.
    const inFlight = samples.filter((s) => s.started <= downAt && s.at >= stopping);
    const byStatus = (list: Sample[]) => list.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s.status]: (acc[s.status] ?? 0) + 1 }), {});
    console.log(
      `database restart: ${samples.length} requests (${checkoutsTried} checkouts tried) by ${SHOPPERS} shoppers over ${LOAD_SECONDS} s; ` +
        `PostgreSQL shut down in ${downAt - stopping} ms, down ${Math.round((upAt - downAt) / 100) / 10} s; answers in flight as it shut down ${JSON.stringify(byStatus(inFlight))}; ` +
        `while down ${JSON.stringify(byStatus(needsDatabase))} (and ${down.length - needsDatabase.length} /healthz); overall ${JSON.stringify(byStatus(samples))}; without an answer: ${errors.length}`,
    );
    if (errors.length) console.log(`requests without an answer (${errors.length}): ${errors.slice(0, 50).join(' | ')}\nthe store printed:\n${store.output()}`);
    // Every request gets an answer, also those in flight at the instant PostgreSQL stops.
    expect(errors).toEqual([]);
    // Never a 500; while down, whatever needs the database says 503.
    expect(samples.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    expect(needsDatabase.length).toBeGreaterThan(10);
    expect(needsDatabase.filter((s) => s.status !== 503)).toEqual([]);
    expect(down.filter((s) => s.what === 'healthz').every((s) => s.status === 200)).toBe(true);
    // And after it came back, checkouts succeeded again without anyone restarting the store.
    expect(samples.filter((s) => s.at > upAt && s.what === 'checkout' && s.status === 303).length).toBeGreaterThan(0);

    await waitUntilReady(store, 30_000);
    expect(store.child.exitCode).toBeNull();
    const after = shoppers[0];
    expect((await after.addToCart(products[1].id, 1)).status).toBe(303);
    expect((await after.checkout()).status).toBe(303);

    // The bank retries: paid exactly once, however often it retries.
    const retries = await Promise.all([1, 2, 3].map(() => sendBank(bankTransfer(payCode, payAmount, 'TX-OUTAGE-1'))));
    expect(retries.map((r) => r.status)).toEqual([200, 200, 200]);
    const [paid] = await ds.query(`SELECT id, status, paid_amount_vnd FROM orders WHERE code = $1`, [payCode]);
    expect(paid).toMatchObject({ status: 'paid', paid_amount_vnd: payAmount });
    expect(await ds.query(`SELECT 1 FROM payments WHERE order_id = $1`, [paid.id])).toHaveLength(1);
    expect(await ds.query(`SELECT 1 FROM webhook_events WHERE provider = 'bank' AND event_id = 'TX-OUTAGE-1'`)).toHaveLength(1);
    expect(await ds.query(`SELECT 1 FROM order_events WHERE order_id = $1 AND to_status = 'paid'`, [paid.id])).toHaveLength(1);

    // Nothing lost, nothing half-written: every order the store confirmed exists completely.
    const confirmed = samples.filter((s) => s.what === 'checkout' && s.status === 303).length;
    const [{ n: orders }] = await ds.query(`SELECT count(*)::int AS n FROM orders`);
    expect(orders).toBeGreaterThanOrEqual(confirmed + 2);
    const problems = await orderProblems(ds, initial);
    expect(problems).toEqual([]);
    console.log(
      `database restart: faults injected 1 stop + 1 webhook during the outage; ${orders} orders in the database, ${confirmed} confirmed under load, orders lost: 0, half-written: 0`,
    );
  });
});
