import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createLogger } from '../../../server/logger';
import { MailWorker } from '../../../server/modules/notifications';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { startSmtpSink as startSmtp } from '../../helpers/smtp';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const smtpTransport = (port: number) => nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 2000 });
const logger = createLogger('silent');

async function placeOrder(): Promise<{ code: string; email: string; orderId: number }> {
  const p = await ctx.factories.createProduct({ stock: 5, name: 'Trà hoa sen' });
  const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }]);
  const code = orderCodeFrom(await checkout(buyer.agent));
  const [{ id }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
  return { code, email: buyer.email, orderId: id };
}

describe('order emails', () => {
  it('are sent to a real SMTP server through the outbox', async () => {
    const smtp = await startSmtp();
    try {
      const { code, email, orderId } = await placeOrder();
      const worker = new MailWorker(ctx.ds, smtpTransport(smtp.port), logger);
      expect(await worker.runOnce()).toBeGreaterThanOrEqual(2);
      const toBuyer = smtp.received.find((m) => m.to.includes(email));
      expect(toBuyer).toBeDefined();
      expect(toBuyer!.data).toContain(code);
      const rows = await ctx.ds.query(`SELECT status, sent_at IS NOT NULL AS sent FROM outbox_emails WHERE dedupe_key LIKE $1`, [`order:${orderId}:%`]);
      expect(rows.every((r: { status: string; sent: boolean }) => r.status === 'sent' && r.sent)).toBe(true);
      // Nothing is sent twice.
      expect(await worker.runOnce()).toBe(0);
    } finally {
      await smtp.close();
    }
  });

  it('a dead SMTP server delays mail but never the order; it goes out once the server is back', async () => {
    const smtp = await startSmtp();
    const port = smtp.port;
    await smtp.close(); // nothing listens on this port now
    const { orderId, email } = await placeOrder();
    expect((await ctx.ds.query(`SELECT status FROM orders WHERE id = $1`, [orderId]))[0].status).toBe('pending_payment');

    const down = new MailWorker(ctx.ds, smtpTransport(port), logger);
    expect(await down.runOnce()).toBe(0);
    const [pending] = await ctx.ds.query(
      `SELECT status, attempts, last_error IS NOT NULL AS has_error, next_attempt_at > now() AS later FROM outbox_emails WHERE dedupe_key = $1`,
      [`order:${orderId}:placed:buyer`],
    );
    expect(pending).toEqual({ status: 'pending', attempts: 1, has_error: true, later: true });

    const back = await startSmtp();
    try {
      await ctx.ds.query(`UPDATE outbox_emails SET next_attempt_at = now() WHERE status = 'pending'`);
      const worker = new MailWorker(ctx.ds, smtpTransport(back.port), logger);
      expect(await worker.runOnce()).toBeGreaterThanOrEqual(2);
      expect(back.received.some((m) => m.to.includes(email))).toBe(true);
      expect((await ctx.ds.query(`SELECT status FROM outbox_emails WHERE dedupe_key = $1`, [`order:${orderId}:placed:buyer`]))[0].status).toBe('sent');
    } finally {
      await back.close();
    }
  });

  it('without SMTP_URL, mail is written as .eml files a person can open', async () => {
    await ctx.ds.query(`UPDATE outbox_emails SET status = 'sent' WHERE status = 'pending'`);
    const { code } = await placeOrder();
    const dir = path.join(ctx.mediaDir, 'mail-files');
    const worker = new MailWorker(ctx.ds, MailWorker.transportFor(undefined, dir), logger);
    expect(await worker.runOnce()).toBeGreaterThanOrEqual(2);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const all = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    expect(all).toContain(code);
  });
});
