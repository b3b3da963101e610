import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../../../server/logger';
import { MailWorker } from '../../../server/modules/notifications';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

interface Received { to: string[]; data: string }

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

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
