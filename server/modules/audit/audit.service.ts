import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { SqlParams, whereAll } from '../../db/sql-params';
import { assertAdmin, type Actor } from '../accounts';

/** The household a team member is acting for during this request (issue 19): every audit row written then names it. */
const onBehalfOf = new AsyncLocalStorage<{ sellerId: number }>();

/** Runs a request's handlers with the household it acts for; the audit rows they write carry `onBehalfOfSellerId`. */
export function runOnBehalfOf<T>(sellerId: number, fn: () => T): T {
  return onBehalfOf.run({ sellerId }, fn);
}

export interface AuditEntryInput {
  actorUserId: number | null;
  action: string;
  /** 'tax_period': a declaration month, targetId YYYY-MM. 'market_day': a phiên chợ by id. 'team': a digital team by id. */
  targetType: 'seller' | 'product' | 'order' | 'user' | 'tax_period' | 'market_day' | 'team';
  targetId: string | number;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  actorUserId: number | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string;
  targetLabel: string | null;
  /** Written by a digital-team member acting for this household (details.onBehalfOfSellerId): its name. */
  onBehalfOfName: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

const SELECT_ENTRIES = `
  SELECT a.id, a.actor_user_id AS "actorUserId", u.full_name AS "actorName", u.email AS "actorEmail",
         a.action, a.target_type AS "targetType", a.target_id AS "targetId", a.reason, a.details, a.created_at AS "createdAt",
         CASE a.target_type WHEN 'seller' THEN s.name WHEN 'product' THEN p.name ELSE a.target_id END AS "targetLabel",
         ob.name AS "onBehalfOfName"
  FROM audit_log a
  LEFT JOIN users u ON u.id = a.actor_user_id
  LEFT JOIN sellers s ON a.target_type = 'seller' AND s.id::text = a.target_id
  LEFT JOIN products p ON a.target_type = 'product' AND p.id::text = a.target_id
  LEFT JOIN sellers ob ON ob.id::text = a.details->>'onBehalfOfSellerId'`;

/** Append-only record of decisions: written in the same transaction as the change it describes. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, entry: AuditEntryInput): Promise<void> {
    await manager.query(`INSERT INTO audit_log (actor_user_id, action, target_type, target_id, reason, details) VALUES ($1, $2, $3, $4, $5, $6)`, [
      entry.actorUserId,
      entry.action,
      entry.targetType,
      String(entry.targetId),
      entry.reason ?? null,
      this.withActingContext(entry.details ?? {}),
    ]);
  }

  private withActingContext(details: Record<string, unknown>): Record<string, unknown> {
    const acting = onBehalfOf.getStore();
    return acting ? { ...details, onBehalfOfSellerId: acting.sellerId } : details;
  }

  async forTarget(targetType: string, targetId: string | number): Promise<AuditEntry[]> {
    return this.dataSource.query(`${SELECT_ENTRIES} WHERE a.target_type = $1 AND a.target_id = $2 ORDER BY a.id DESC LIMIT 200`, [
      targetType,
      String(targetId),
    ]);
  }

  /** Newest first, keyset-paged by id. */
  async list(actor: Actor, options: { beforeId?: string; limit?: number } = {}): Promise<{ entries: AuditEntry[]; nextBeforeId: number | null }> {
    assertAdmin(actor);
    const limit = options.limit ?? 50;
    const p = new SqlParams();
    const where = whereAll(options.beforeId ? [`a.id < ${p.add(options.beforeId)}`] : []);
    const rows = (await this.dataSource.query(`${SELECT_ENTRIES} ${where} ORDER BY a.id DESC LIMIT ${p.add(limit + 1)}`, p.values)) as AuditEntry[];
    const entries = rows.slice(0, limit);
    return { entries, nextBeforeId: rows.length > limit ? entries[entries.length - 1].id : null };
  }
}
