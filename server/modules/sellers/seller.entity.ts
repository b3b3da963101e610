import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const SELLER_TYPES = ['htx', 'to_hop_tac', 'doanh_nghiep', 'ho_san_xuat'] as const;
export type SellerType = (typeof SELLER_TYPES)[number];
export const SELLER_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export type SellerStatus = (typeof SELLER_STATUSES)[number];

@Entity('sellers')
export class Seller {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'owner_user_id', type: 'integer', unique: true }) ownerUserId: number;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', unique: true }) slug: string;
  @Column({ type: 'text' }) type: SellerType;
  @Column({ type: 'text', default: 'Lào Cai' }) province: string;
  @Column({ type: 'text' }) commune: string;
  @Column({ type: 'text', default: '' }) address: string;
  @Column({ type: 'text', default: '' }) description: string;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ name: 'tax_code', type: 'text', nullable: true }) taxCode: string | null;
  @Column({ type: 'text', default: 'pending' }) status: SellerStatus;
  @Column({ name: 'status_reason', type: 'text', nullable: true }) statusReason: string | null;
  @Column({ name: 'bank_bin', type: 'text', nullable: true }) bankBin: string | null;
  @Column({ name: 'bank_account_no', type: 'text', nullable: true }) bankAccountNo: string | null;
  @Column({ name: 'bank_account_name', type: 'text', nullable: true }) bankAccountName: string | null;
  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' }) submittedAt: Date;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
  @Column({ name: 'shipping_fee_vnd', type: 'integer', default: 30000 }) shippingFeeVnd: number;
  @Column({ name: 'free_shipping_threshold_vnd', type: 'integer', nullable: true }) freeShippingThresholdVnd: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
