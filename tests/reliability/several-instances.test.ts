import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccount } from '../helpers/auth';
import { jpegWithExif } from '../helpers/images';
import { startLocalS3, type LocalS3 } from '../helpers/s3-server';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { createBuyers, orderCode, orderProblems, Shopper } from './support/shopper';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { killAllStores, startStoreProcess, waitFor, type StoreProcess } from './support/store-process';

/**
 * Two store processes on different ports over one PostgreSQL, as behind a load balancer: nothing a
 * user does may depend on which instance answers, and background work happens once, not twice.
 * They share no disk: photos live in one S3-compatible bucket (MEDIA_STORAGE=s3, a local s3rver).
 */

let ctx: TestContext;
let smtp: SmtpSink;
let s3: LocalS3;
let a: StoreProcess;
let b: StoreProcess;
const startedAt = Date.now();
beforeAll(async () => {
  ctx = await createTestContext();
  smtp = await startSmtpSink();
  s3 = await startLocalS3();
  const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ...s3.env };
  // Each instance its own data folder: nothing on disk is shared.
  const ownDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-instance-'));
  [a, b] = await Promise.all([
    startStoreProcess({ databaseUrl: ctx.url, mediaDir: ownDir(), env }),
    startStoreProcess({ databaseUrl: ctx.url, mediaDir: ownDir(), env }),
  ]);
}, 120_000);
afterAll(async () => {
  await killAllStores();
  await smtp?.close();
  await s3?.close();
  await ctx?.close();
});

const instance = (i: number) => (i % 2 === 0 ? a : b).url;

describe('two instances over one database', () => {
  it('a session made on one works on the other; signing out on one signs out on both', async () => {
    const [buyer] = await createBuyers(ctx.ds, 1, 'session');
    const shopper = new Shopper(a.url);
    expect((await shopper.signIn(buyer.email, a.url)).status).toBe(303);
    const onB = await shopper.get('/account', b.url);
    expect(onB.status).toBe(200);
    expect(onB.text).toContain(buyer.email);
    // A form token issued by one instance is accepted by the other (same secret).
    const token = await shopper.token('/account', a.url);
    expect((await shopper.post('/logout', { _csrf: token }, b.url)).status).toBe(303);
    const onA = await shopper.get('/account', a.url);
    expect(onA.status).toBe(302);
    expect(onA.location).toMatch(/^\/login/);
  });

  it('a cart filled on one instance checks out on the other', async () => {
    const product = await ctx.factories.createProduct({ stock: 10, priceVnd: 95_000 });
    const [buyer] = await createBuyers(ctx.ds, 1, 'cart');
    const shopper = new Shopper(a.url);
    expect((await shopper.signIn(buyer.email, a.url)).status).toBe(303);
    expect((await shopper.addToCart(product.id, 3, a.url)).status).toBe(303);
    const cartOnB = await shopper.get('/cart', b.url);
    expect(cartOnB.text).toContain(product.name);
    const res = await shopper.checkout(b.url);
    expect(res.status).toBe(303);
    const code = orderCode(res)!;
    expect((await shopper.get(`/orders/${code}`, a.url)).status).toBe(200);
    expect((await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [product.id]))[0].stock).toBe(7);
  });

  it('100 concurrent checkouts spread over both for 30 units: 30 orders, 70 clear refusals, never oversold', async () => {
    const product = await ctx.factories.createProduct({ name: 'Mật ong bạc hà Mèo Vạc', stock: 30, priceVnd: 180_000 });
    const buyers = await createBuyers(ctx.ds, 100, 'rush');
    const shoppers = buyers.map((_, i) => new Shopper(instance(i)));
    // Sign in and fill the cart on one instance, check out on the other.
    for (let i = 0; i < shoppers.length; i += 20) {
      await Promise.all(
        shoppers.slice(i, i + 20).map(async (s, j) => {
          expect((await s.signIn(buyers[i + j].email)).status).toBe(303);
          expect((await s.addToCart(product.id, 1)).status).toBe(303);
        }),
      );
    }
    const tokens = await Promise.all(shoppers.map((s, i) => s.token('/account', instance(i + 1))));
    const results = await Promise.all(shoppers.map((s, i) => s.checkout(instance(i + 1), tokens[i])));
    const statuses = results.map((r) => r.status);
    console.log(
      `several instances: 100 concurrent checkouts over 2 instances for 30 units → ${statuses.filter((s) => s === 303).length} orders, ${statuses.filter((s) => s === 409).length} refused`,
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 303)).toHaveLength(30);
    expect(statuses.filter((s) => s === 409)).toHaveLength(70);
    expect((await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [product.id]))[0].stock).toBe(0);
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM stock_movements WHERE product_id = $1 AND reason = 'sale'`, [product.id]);
    expect(n).toBe(30);
    expect(await orderProblems(ctx.ds, new Map([[product.id, 30]]))).toEqual([]);
  });

  it('the reservation sweepers of both instances return overdue stock once: one release row per item', async () => {
    const [due] = await ctx.ds.query(`UPDATE orders SET reserved_until = now() - interval '1 minute' WHERE status = 'pending_payment' RETURNING id`);
    expect(due.length).toBeGreaterThanOrEqual(31);
    // Each instance sweeps every 30 s from its start.
    await waitFor(
      'every overdue order to expire',
      async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'pending_payment'`))[0].n === 0,
      Math.max(45_000 - (Date.now() - startedAt), 5_000) + 30_000,
    );
    const releases = await ctx.ds.query(
      `SELECT i.order_id, i.product_id, i.quantity, count(m.id)::int AS rows, coalesce(sum(m.delta), 0)::int AS returned
       FROM order_items i LEFT JOIN stock_movements m ON m.order_id = i.order_id AND m.product_id = i.product_id AND m.reason = 'release'
       GROUP BY i.order_id, i.product_id, i.quantity`,
    );
    expect(releases.filter((r: { rows: number; returned: number; quantity: number }) => r.rows !== 1 || r.returned !== r.quantity)).toEqual([]);
    const [{ n: events }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM order_events WHERE to_status = 'expired'`);
    expect(events).toBe(due.length);
    const products = await ctx.ds.query(
      `SELECT id, (SELECT delta FROM stock_movements WHERE product_id = p.id AND reason = 'initial') AS initial FROM products p`,
    );
    expect(await orderProblems(ctx.ds, new Map(products.map((p: { id: number; initial: number }) => [p.id, p.initial])))).toEqual([]);
    console.log(`several instances: ${due.length} overdue orders expired by two sweepers, each released once`);
  });

  it('the mail workers of both instances send every outbox email exactly once', async () => {
    await waitFor(
      'the outbox to empty',
      async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM outbox_emails WHERE status <> 'sent'`))[0].n === 0,
      40_000,
    );
    const rows = await ctx.ds.query(`SELECT to_address FROM outbox_emails ORDER BY id`);
    expect(rows.length).toBeGreaterThan(60);
    // Give a second worker the chance to (wrongly) send something again.
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.received).toHaveLength(rows.length);
    const sentTo = smtp.received.map((m) => m.to.join(',')).sort();
    expect(sentTo).toEqual(rows.map((r: { to_address: string }) => r.to_address).sort());
    const distinct = new Set(smtp.received.map((m) => `${m.to.join(',')}|${m.subject}`));
    expect(distinct.size).toBe(smtp.received.length);
    console.log(`several instances: ${rows.length} outbox emails, ${smtp.received.length} delivered by two mail workers`);
  });

  it('a photo uploaded through one instance is in the bucket and served by the other; replaced and deleted through that one, it is gone for both', async () => {
    const owner = await createAccount(ctx.ds, { role: 'seller' });
    const [seller] = await ctx.ds.query(
      `INSERT INTO sellers (owner_user_id, name, slug, type, commune, address, description, status)
       VALUES ($1, 'HTX Hai máy', $2, 'htx', 'Phường Sa Pa', 'Tổ 1', 'HTX kiểm thử', 'approved') RETURNING id`,
      [owner.id, `htx-hai-may-${owner.id}`],
    );
    const product = await ctx.factories.createProduct({ sellerId: seller.id, status: 'active', name: 'Thảo quả sấy Bát Xát' });
    const shopper = new Shopper(a.url);
    expect((await shopper.signIn(owner.email, a.url)).status).toBe(303);
    const upload = async (base: string) => {
      const form = new FormData();
      form.set('_csrf', await shopper.token(`/seller/products/${product.id}`, base));
      form.set('images', new Blob([new Uint8Array(await jpegWithExif(1200, 900))], { type: 'image/jpeg' }), 'anh.jpg');
      expect((await shopper.request('POST', `/seller/products/${product.id}/images`, { multipart: form, base })).status).toBe(303);
    };
    await upload(a.url);

    const [image] = await ctx.ds.query(`SELECT id, storage_key FROM product_images WHERE product_id = $1`, [product.id]);
    const keys = [400, 800, 1600].map((w) => `${image.storage_key}-${w}.webp`);
    expect((await s3.keys()).filter((k) => k.startsWith(image.storage_key))).toEqual([...keys].sort());
    const page = await shopper.get(`/products/${product.slug}`, b.url);
    expect(page.text).toContain(`/media/${keys[1]}`);
    const served = await fetch(`${b.url}/media/${keys[1]}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals((await s3.read(keys[1]))!)).toBe(true);

    // Replaced: a new photo through B (a listed product keeps at least one), then the old one deleted through B.
    await upload(b.url);
    const token = await shopper.token(`/seller/products/${product.id}`, b.url);
    expect((await shopper.post(`/seller/products/${product.id}/images/${image.id}/delete`, { _csrf: token }, b.url)).status).toBe(303);
    expect((await s3.keys()).filter((k) => k.startsWith(image.storage_key))).toEqual([]);
    for (const base of [a.url, b.url]) expect((await fetch(`${base}/media/${keys[1]}`)).status).toBe(404);
  });

  it('login throttling counts failures across both instances', async () => {
    const [buyer] = await createBuyers(ctx.ds, 1, 'throttle');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const shopper = new Shopper(instance(i));
      statuses.push((await shopper.signIn(buyer.email, undefined, 'wrong-password-123')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // The sixth try, right password or not, on either instance: too many attempts.
    for (const base of [a.url, b.url]) {
      const res = await new Shopper(base).signIn(buyer.email);
      expect(res.status).toBe(429);
    }
  });
});
