import type { DataSource } from 'typeorm';
import type { ZaloConfig } from '../../config';
import type { Logger } from '../../logger';
import { retryDelaySeconds } from './mail-worker';
import { enqueueEmail } from './outbox';
import { sendZns, type ZnsOutcome, type ZnsRequest } from './zns-client';

interface Claimed {
  id: string;
  phone: string;
  template_id: string;
  template_data: Record<string, string | number>;
  attempts: number;
}

/**
 * Sends the Zalo outbox, as MailWorker sends mail: rows are claimed by pushing their next attempt
 * into the future (committed at once, SKIP LOCKED so several instances share the work), then sent
 * outside any transaction. The row id is ZNS's tracking_id, so a row claimed again after a crash
 * between Zalo's answer and our update is recognised, not delivered twice.
 */
export class ZaloWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    /** Null without ZALO_ZNS_ACCESS_TOKEN: nothing is queued then, and the worker has nothing to do. */
    private readonly zalo: ZaloConfig | null,
    private readonly logger: Logger,
    private readonly options: { batchSize?: number; maxAttempts?: number } = {},
  ) {}

  /** One pass over due messages; returns how many were settled (sent or fallen back to email). */
  async runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    if (!this.zalo) return 0;
    const [claimed] = (await this.dataSource.query(
      `UPDATE outbox_zalo SET next_attempt_at = now() + interval '5 minutes', attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM outbox_zalo WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, phone, template_id, template_data, attempts`,
      [this.options.batchSize ?? 20],
    )) as [Claimed[], number];
    let settled = 0;
    for (const row of claimed.sort((a, b) => Number(a.id) - Number(b.id))) {
      const request: ZnsRequest = { phone: row.phone, template_id: row.template_id, template_data: row.template_data, tracking_id: String(row.id) };
      const outcome = await sendZns(this.zalo, request);
      if (outcome.kind === 'sent') {
        await this.dataSource.query(`UPDATE outbox_zalo SET status = 'sent', sent_at = now(), zalo_msg_id = $2, last_error = NULL WHERE id = $1`, [
          row.id,
          outcome.msgId,
        ]);
        settled++;
      } else if (outcome.kind === 'unreachable') {
        await this.fallBackToEmail(row.id, outcome.error);
        settled++;
      } else {
        await this.retryLater(row, outcome);
      }
    }
    return settled;
  }

  /** The person has no Zalo (or cannot get ZNS): the event's email goes instead, if they have one and want mail. */
  private async fallBackToEmail(id: string, error: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [[row]] = (await manager.query(
        `UPDATE outbox_zalo z SET status = 'fallback', last_error = $2 FROM users u
         WHERE z.id = $1 AND u.id = z.user_id AND z.status = 'pending'
         RETURNING u.email, z.fallback_dedupe_key AS "dedupeKey", z.fallback_subject AS subject, z.fallback_text AS text`,
        [id, error.slice(0, 500)],
      )) as [{ email: string | null; dedupeKey: string; subject: string; text: string }[], number];
      // enqueueEmail leaves it out for an account that turned email off; the event's own mail (same key) is never doubled.
      if (row?.email) await enqueueEmail(manager, { dedupeKey: row.dedupeKey, to: row.email, subject: row.subject, text: row.text });
    });
  }

  private async retryLater(row: Claimed, outcome: Extract<ZnsOutcome, { kind: 'retry' }>): Promise<void> {
    const giveUp = row.attempts >= (this.options.maxAttempts ?? 12);
    // Back off as mail does (quota answers wait with the rest).
    const delaySeconds = retryDelaySeconds(row.attempts);
    await this.dataSource.query(
      `UPDATE outbox_zalo SET status = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1 AND status = 'pending'`,
      [row.id, giveUp ? 'failed' : 'pending', outcome.error.slice(0, 500), delaySeconds],
    );
    this.logger.warn({ zaloId: row.id, error: outcome.error }, 'zalo message not sent; will retry');
  }

  /** Passes until the due messages are gone (a full batch settled means more may be waiting). */
  async drain(maxPasses = 50): Promise<number> {
    let total = 0;
    for (let pass = 0; pass < maxPasses; pass++) {
      const settled = await this.runOnce();
      total += settled;
      if (settled < (this.options.batchSize ?? 20)) break;
    }
    return total;
  }

  start(intervalMs = 10_000): void {
    if (!this.zalo) return;
    this.timer = setInterval(() => void this.drain().catch((err) => this.logger.error({ err }, 'zalo worker failed')), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
