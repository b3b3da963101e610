import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One photo of a product, stored as WebP at each of `sizes` widths under `storage_key`. */
@Entity('product_images')
export class ProductImage {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'product_id', type: 'integer' }) productId: number;
  @Column({ name: 'storage_key', type: 'text', unique: true }) storageKey: string;
  @Column({ type: 'integer', array: true }) sizes: number[];
  @Column({ type: 'integer' }) width: number;
  @Column({ type: 'integer' }) height: number;
  /** 0 is the cover. */
  @Column({ type: 'integer', default: 0 }) position: number;
  @Column({ type: 'text', default: '' }) alt: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
