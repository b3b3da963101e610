export { StockService, InsufficientStockError, ADJUSTMENT_REASONS, STOCK_REASON_LABELS } from './stock.service';
export type { AdjustmentReason, StockChange, LedgerRow } from './stock.service';
export { StockMovement, STOCK_REASONS, type StockReason } from './stock-movement.entity';
