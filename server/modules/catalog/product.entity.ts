import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ProductStatus } from './product-state';

@Entity('products')
export class Product {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'seller_id', type: 'integer' }) sellerId: number;
  @Column({ name: 'category_id', type: 'integer' }) categoryId: number;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', unique: true }) slug: string;
  @Column({ type: 'text', default: '' }) description: string;
  /** Whole đồng. */
  @Column({ name: 'price_vnd', type: 'integer' }) priceVnd: number;
  @Column({ type: 'text', default: '' }) unit: string;
  /** Changed only by conditional updates that also write a stock_movements row. */
  @Column({ type: 'integer', default: 0, update: false }) stock: number;
  @Column({ name: 'low_stock_threshold', type: 'integer', default: 5 }) lowStockThreshold: number;
  /** Moved only through PRODUCT_TRANSITIONS (product.service.ts). */
  @Column({ type: 'text', default: 'draft' }) status: ProductStatus;
  @Column({ name: 'hidden_reason', type: 'text', nullable: true }) hiddenReason: string | null;
  @Column({ name: 'ocop_stars', type: 'smallint', nullable: true }) ocopStars: number | null;
  @Column({ name: 'ocop_certificate_no', type: 'text', nullable: true }) ocopCertificateNo: string | null;
  @Column({ name: 'ocop_decision_date', type: 'date', nullable: true }) ocopDecisionDate: string | null;
  @Column({ name: 'ocop_issuer', type: 'text', nullable: true }) ocopIssuer: string | null;
  @Column({ name: 'ocop_verified', type: 'boolean', default: false }) ocopVerified: boolean;
  /** Moves with every change of name, group, stars, certificate or decision date (product.service.ts). */
  @Column({ name: 'ocop_claim_version', type: 'integer', default: 1, insert: false, update: false }) ocopClaimVersion: number;
  @Column({ name: 'ocop_valid_until', type: 'date', nullable: true, insert: false, update: false })
  ocopValidUntil: string | null;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn({ type: 'integer' }) version: number;
}
