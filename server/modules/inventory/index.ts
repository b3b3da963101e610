export { StockService, InsufficientStockError, ADJUSTMENT_REASONS, STOCK_REASON_LABELS } from './stock.service';
export type { AdjustmentReason, StockChange, LedgerRow } from './stock.service';
export { STOCK_REASONS, type StockMovement, type StockReason } from './stock-movement.entity';
