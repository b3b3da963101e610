import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { Logger } from '../../logger';

export const MAIL_FROM = 'Chợ OCOP <no-reply@cho-ocop.vn>';

/** The outboxes' back-off after a failed send: 30 s, 1 min, 2 min… capped at an hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.min(attempts - 1, 7));
}

interface Claimed {
  id: number;
  to_address: string;
  subject: string;
  text_body: string;
  attempts: number;
}

/**
 * Sends the outbox. Rows are claimed by pushing their next attempt into the future (committed at
 * once, SKIP LOCKED so several instances share the work), then sent outside any transaction. A
 * failing SMTP server only delays mail: each failure backs off and the row is tried again.
 */
export class MailWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transport: Transporter,
    private readonly logger: Logger,
    private readonly options: { batchSize?: number; maxAttempts?: number } = {},
  ) {}

  /** SMTP when configured; otherwise each message is written as an .eml file a person can open. */
  static transportFor(smtpUrl: string | undefined, mailDir: string): Transporter {
    if (smtpUrl) return nodemailer.createTransport(smtpUrl);
    const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return {
      sendMail: async (message: SendMailOptions) => {
        const info = await stream.sendMail(message);
        await fs.mkdir(mailDir, { recursive: true });
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(message.subject)
          .replace(/[^\p{L}\p{N}-]+/gu, '-')
          .slice(0, 60)}.eml`;
        await fs.writeFile(path.join(mailDir, name), info.message as Buffer);
        return info;
      },
    } as unknown as Transporter;
  }

  /** One pass over due mail; returns how many were sent. */
  async runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const claimed = (await this.dataSource
      .query(
        `UPDATE outbox_emails SET next_attempt_at = now() + interval '5 minutes', attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM outbox_emails WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, to_address, subject, text_body, attempts`,
        [this.options.batchSize ?? 20],
      )
      .then((r: [Claimed[], number]) => r[0])) as Claimed[];
    let sent = 0;
    for (const mail of claimed) {
      try {
        await this.transport.sendMail({ from: MAIL_FROM, to: mail.to_address, subject: mail.subject, text: mail.text_body });
        await this.dataSource.query(`UPDATE outbox_emails SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1`, [mail.id]);
        sent++;
      } catch (err) {
        const giveUp = mail.attempts >= (this.options.maxAttempts ?? 50);
        const delaySeconds = retryDelaySeconds(mail.attempts);
        await this.dataSource.query(
          `UPDATE outbox_emails SET status = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1`,
          [mail.id, giveUp ? 'failed' : 'pending', String((err as Error).message).slice(0, 500), delaySeconds],
        );
        this.logger.warn({ err, mailId: mail.id }, 'mail not sent; will retry');
      }
    }
    return sent;
  }

  /**
   * Passes until the due mail is gone: a full batch all sent means more may be waiting, so a burst of
   * orders is not sent at one batch per tick. A failure ends the round (the server is likely down).
   */
  async drain(maxPasses = 50): Promise<number> {
    let total = 0;
    for (let pass = 0; pass < maxPasses; pass++) {
      const sent = await this.runOnce();
      total += sent;
      // Fewer sent than a batch: the batch was not full, or a send failed.
      if (sent < (this.options.batchSize ?? 20)) break;
    }
    return total;
  }

  start(intervalMs = 10_000): void {
    this.timer = setInterval(() => void this.drain().catch((err) => this.logger.error({ err }, 'mail worker failed')), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
