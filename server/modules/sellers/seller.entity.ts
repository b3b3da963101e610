import type { TaxWithholdingMode } from '../tax';

export const SELLER_TYPES = ['htx', 'to_hop_tac', 'doanh_nghiep', 'ho_san_xuat'] as const;
export type SellerType = (typeof SELLER_TYPES)[number];
export const SELLER_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export type SellerStatus = (typeof SELLER_STATUSES)[number];

/** A row of `sellers` (a cooperative's profile) as services read it (SELLER_COLUMNS). */
export interface Seller {
  id: number;
  ownerUserId: number;
  name: string;
  slug: string;
  type: SellerType;
  province: string;
  commune: string;
  address: string;
  description: string;
  phone: string | null;
  /** 10 or 13 digits, stored without the dash of the `0101234567-001` spelling. */
  taxCode: string | null;
  /** A 12-digit citizen ID (CCCD): identifies a household without a tax code. */
  citizenId: string | null;
  /** Who decides withholding under Decree 117/2025: the seller's type, or an admin's override (with its reason). */
  taxWithholding: TaxWithholdingMode;
  taxWithholdingReason: string | null;
  /** Moved only through SELLER_TRANSITIONS (seller-state.ts). */
  status: SellerStatus;
  statusReason: string | null;
  bankBin: string | null;
  bankAccountNo: string | null;
  bankAccountName: string | null;
  submittedAt: Date;
  reviewedAt: Date | null;
  /** Whole đồng. */
  shippingFeeVnd: number;
  freeShippingThresholdVnd: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The SELECT list that reads a Seller from `sellers`. */
export const SELLER_COLUMNS = `id, owner_user_id AS "ownerUserId", name, slug, type, province, commune, address, description, phone,
  tax_code AS "taxCode", citizen_id AS "citizenId", tax_withholding AS "taxWithholding",
  tax_withholding_reason AS "taxWithholdingReason", status, status_reason AS "statusReason", bank_bin AS "bankBin", bank_account_no AS "bankAccountNo",
  bank_account_name AS "bankAccountName", submitted_at AS "submittedAt", reviewed_at AS "reviewedAt", shipping_fee_vnd AS "shippingFeeVnd",
  free_shipping_threshold_vnd AS "freeShippingThresholdVnd", created_at AS "createdAt", updated_at AS "updatedAt"`;
