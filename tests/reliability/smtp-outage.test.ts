import { freePort } from '../../server/db/embedded-postgres';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { createBuyers, orderCode, Shopper } from './support/shopper';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { killAllStores, startStoreProcess, waitFor, type StoreProcess } from './support/store-process';

/** The mail server is down: orders still go through; the mail goes out, once, when it is back. */

let ctx: TestContext;
let store: StoreProcess;
let smtp: SmtpSink | undefined;
let smtpPort: number;
beforeAll(async () => {
  ctx = await createTestContext();
  smtpPort = await freePort(); // nothing listens there yet
  store = await startStoreProcess({ databaseUrl: ctx.url, mediaDir: ctx.mediaDir, env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } });
}, 120_000);
afterAll(async () => {
  await killAllStores();
  await smtp?.close();
  await ctx?.close();
});

describe('SMTP down', () => {
  it('orders go through; the queued mail is sent exactly once after the SMTP server comes back', async () => {
    const product = await ctx.factories.createProduct({ stock: 50 });
    const buyers = await createBuyers(ctx.ds, 4, 'smtp');
    const codes: string[] = [];
    for (const buyer of buyers) {
      const s = new Shopper(store.url);
      expect((await s.signIn(buyer.email)).status).toBe(303);
      expect((await s.addToCart(product.id, 1)).status).toBe(303);
      const res = await s.checkout();
      expect(res.status).toBe(303);
      codes.push(orderCode(res)!);
    }
    const [{ n: orders }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'pending_payment'`);
    expect(orders).toBe(4);

    // The worker tries, fails, and keeps the mail for later.
    await waitFor(
      'a failed delivery attempt',
      async () =>
        (await ctx.ds.query(`SELECT count(*)::int AS n FROM outbox_emails WHERE attempts > 0 AND last_error IS NOT NULL AND status = 'pending'`))[0].n > 0,
      20_000,
    );
    const [{ n: queued }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM outbox_emails`);
    expect(queued).toBe(8); // buyer and cooperative, per order
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM outbox_emails WHERE status = 'sent'`))[0].n).toBe(0);

    // The SMTP server comes back on the same port; the worker's back-off (30 s after a first failure) runs out.
    smtp = await startSmtpSink(smtpPort);
    await waitFor(
      'every mail to be sent',
      async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM outbox_emails WHERE status <> 'sent'`))[0].n === 0,
      75_000,
      500,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.received).toHaveLength(queued);
    for (const buyer of buyers) expect(smtp.received.filter((m) => m.to.includes(buyer.email))).toHaveLength(1);
    const [{ attempts }] = await ctx.ds.query(`SELECT max(attempts)::int AS attempts FROM outbox_emails`);
    console.log(
      `smtp outage: faults injected 1 (SMTP down); ${codes.length} orders placed while down; ${queued} mails queued, ${smtp.received.length} delivered after it returned (up to ${attempts} attempts each), lost: 0`,
    );
  });
});
