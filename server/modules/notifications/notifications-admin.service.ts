import type { DataSource } from 'typeorm';
import { assertAdmin, type Actor } from '../accounts';

export interface TroubleRow {
  channel: 'zalo' | 'email';
  id: string;
  status: 'pending' | 'failed' | 'fallback';
  /** The ZNS event, or the mail's subject. */
  what: string;
  /** 84… for Zalo, the address for mail. */
  to: string;
  orderCode: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  createdAt: Date;
}

/**
 * What an admin needs to see of both outboxes: messages that failed for good, Zalo messages that fell
 * back to email, and those still being retried (pending after a failed attempt), newest first.
 */
export class NotificationsAdminService {
  constructor(
    private readonly dataSource: DataSource,
    /** Whether Zalo is configured (ZALO_ZNS_ACCESS_TOKEN), to say so on the page. */
    private readonly zaloEnabled: boolean,
  ) {}

  async trouble(actor: Actor, limit = 100): Promise<{ zaloEnabled: boolean; zalo: TroubleRow[]; email: TroubleRow[]; counts: Record<string, number> }> {
    assertAdmin(actor);
    const zalo = (await this.dataSource.query(
      `SELECT 'zalo' AS channel, z.id, z.status, z.event AS what, z.phone AS "to", o.code AS "orderCode", z.attempts, z.last_error AS "lastError",
              z.next_attempt_at AS "nextAttemptAt", z.created_at AS "createdAt"
       FROM outbox_zalo z LEFT JOIN orders o ON o.id = z.order_id
       WHERE z.status IN ('failed', 'fallback') OR (z.status = 'pending' AND z.attempts > 0)
       ORDER BY z.id DESC LIMIT $1`,
      [limit],
    )) as TroubleRow[];
    const email = (await this.dataSource.query(
      `SELECT 'email' AS channel, id, status, subject AS what, to_address AS "to", NULL AS "orderCode", attempts, last_error AS "lastError",
              next_attempt_at AS "nextAttemptAt", created_at AS "createdAt"
       FROM outbox_emails
       WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL)
       ORDER BY id DESC LIMIT $1`,
      [limit],
    )) as TroubleRow[];
    const counts = (await this.dataSource.query(
      `SELECT 'zalo_' || status AS key, count(*)::int AS n FROM outbox_zalo GROUP BY status
       UNION ALL SELECT 'email_' || status, count(*)::int FROM outbox_emails GROUP BY status`,
    )) as { key: string; n: number }[];
    return { zaloEnabled: this.zaloEnabled, zalo, email, counts: Object.fromEntries(counts.map((c) => [c.key, c.n])) };
  }
}
