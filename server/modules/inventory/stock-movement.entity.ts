import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const STOCK_REASONS = ['initial', 'restock', 'damage', 'stocktake', 'other', 'sale', 'release'] as const;
export type StockReason = (typeof STOCK_REASONS)[number];

/** The stock ledger: append-only, one row for every change of products.stock. */
@Entity('stock_movements')
export class StockMovement {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: number;
  @Column({ name: 'product_id', type: 'integer' }) productId: number;
  @Column({ type: 'integer' }) delta: number;
  @Column({ type: 'text' }) reason: StockReason;
  @Column({ name: 'balance_after', type: 'integer' }) balanceAfter: number;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'actor_user_id', type: 'integer', nullable: true }) actorUserId: number | null;
  @Column({ name: 'order_id', type: 'integer', nullable: true }) orderId: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
