export const STOCK_REASONS = ['initial', 'restock', 'damage', 'stocktake', 'other', 'sale', 'stall_sale', 'release', 'batch', 'import'] as const;
export type StockReason = (typeof STOCK_REASONS)[number];

/** The stock ledger (`stock_movements`): append-only, one row for every change of products.stock. */
export interface StockMovement {
  id: number;
  productId: number;
  delta: number;
  reason: StockReason;
  balanceAfter: number;
  note: string | null;
  actorUserId: number | null;
  orderId: number | null;
  createdAt: Date;
}
