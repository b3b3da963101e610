import { preparedQuery } from '../../db/prepared';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError } from '../../lib/errors';
import type { StockReason } from './stock-movement.entity';
import { msg } from '../../rendering/i18n';

/** Reasons a seller may give for a manual adjustment (sales and releases come from orders). */
export const ADJUSTMENT_REASONS = ['restock', 'damage', 'stocktake', 'other'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export const STOCK_REASON_LABELS: Record<StockReason, string> = {
  initial: 'Tồn kho ban đầu',
  restock: 'Nhập hàng',
  damage: 'Hư hỏng',
  stocktake: 'Kiểm kê',
  other: 'Khác',
  sale: 'Bán hàng',
  stall_sale: 'Bán tại quầy (phiên chợ)',
  release: 'Hoàn kho',
  batch: 'Nhập lô hàng',
  import: 'Nhập từ tệp CSV',
};

export class InsufficientStockError extends ConflictError {
  constructor(
    readonly productId: number,
    message = msg('seller.error.notEnoughStock'),
  ) {
    super(message, 'insufficient_stock');
  }
}

export interface StockChange {
  productId: number;
  delta: number;
  reason: StockReason;
  actorUserId?: number | null;
  orderId?: number | null;
  note?: string | null;
}

export interface LedgerRow {
  id: number;
  delta: number;
  reason: StockReason;
  reasonLabel: string;
  balanceAfter: number;
  note: string | null;
  orderId: number | null;
  actorName: string | null;
  /** The actor is not the cooperative's owner (a digital-team member acting for the household, an admin). */
  byOtherThanOwner: boolean;
  createdAt: Date;
}

/**
 * The only way stock changes: a conditional UPDATE that can never go below zero, and one ledger
 * row with the balance after it, both in the caller's transaction.
 */
export class StockService {
  constructor(private readonly dataSource: DataSource) {}

  async applyChange(manager: EntityManager, change: StockChange): Promise<number> {
    if (!Number.isSafeInteger(change.delta) || change.delta === 0) throw new ConflictError(msg('seller.error.badDelta'));
    // The change and its ledger row in one statement: the product row stays locked for one round trip less.
    // Prepared: a flash sale runs it for every buyer who gets this far.
    const rows = await preparedQuery<{ balance_after: number }>(
      manager,
      `WITH changed AS (
         UPDATE products SET stock = stock + $2, updated_at = now() WHERE id = $1 AND stock + $2 >= 0 RETURNING id, stock
       )
       INSERT INTO stock_movements (product_id, delta, reason, balance_after, note, actor_user_id, order_id)
       SELECT id, $2, $3, stock, $4, $5, $6 FROM changed
       RETURNING balance_after`,
      [change.productId, change.delta, change.reason, change.note ?? null, change.actorUserId ?? null, change.orderId ?? null],
    );
    if (rows.length === 0) throw new InsufficientStockError(change.productId);
    return rows[0].balance_after;
  }

  /** Newest first. */
  async ledger(productId: number, limit = 100): Promise<LedgerRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT m.id, m.delta, m.reason, m.balance_after AS "balanceAfter", m.note, m.order_id AS "orderId",
              u.full_name AS "actorName", m.created_at AS "createdAt",
              (m.actor_user_id IS NOT NULL AND m.actor_user_id <> s.owner_user_id) AS "byOtherThanOwner"
       FROM stock_movements m LEFT JOIN users u ON u.id = m.actor_user_id
       JOIN products p ON p.id = m.product_id JOIN sellers s ON s.id = p.seller_id
       WHERE m.product_id = $1 ORDER BY m.id DESC LIMIT $2`,
      [productId, limit],
    )) as Omit<LedgerRow, 'reasonLabel'>[];
    return rows.map((r) => ({ ...r, reasonLabel: STOCK_REASON_LABELS[r.reason] }));
  }
}
