import { todayInVietnam } from '../../lib/dates';
import type { SellerType } from '../sellers';

/**
 * Who is withheld under Decree 117/2025/NĐ-CP, and the arithmetic. Pure: the rates themselves are
 * dated rows in `tax_rates` (a new decree is a migration), read by the tax service.
 */

/** Households and groups of individuals declare through the platform; cooperatives and enterprises declare their own tax. */
export const WITHHELD_SELLER_TYPES: readonly SellerType[] = ['ho_san_xuat', 'to_hop_tac'];

export const TAX_WITHHOLDING_MODES = ['by_type', 'withhold', 'exempt'] as const;
export type TaxWithholdingMode = (typeof TAX_WITHHOLDING_MODES)[number];

export const REVENUE_KINDS = ['goods', 'transport', 'service'] as const;
export type RevenueKind = (typeof REVENUE_KINDS)[number];
export const TAXES = ['vat', 'pit'] as const;
export type Tax = (typeof TAXES)[number];

export interface WithholdingSubject {
  type: SellerType;
  taxWithholding: TaxWithholdingMode;
  taxCode: string | null;
  citizenId: string | null;
}

/** An admin's override wins; otherwise the seller's type decides. */
export function isWithheld(seller: Pick<WithholdingSubject, 'type' | 'taxWithholding'>): boolean {
  if (seller.taxWithholding === 'withhold') return true;
  if (seller.taxWithholding === 'exempt') return false;
  return WITHHELD_SELLER_TYPES.includes(seller.type);
}

/** A tax code (10 or 13 digits) or a 12-digit citizen ID. */
export function hasTaxIdentification(seller: Pick<WithholdingSubject, 'taxCode' | 'citizenId'>): boolean {
  return Boolean(seller.taxCode || seller.citizenId);
}

/** A withheld seller without identification keeps selling, but payouts wait until it is given. */
export function payoutsWaitForIdentification(seller: WithholdingSubject): boolean {
  return isWithheld(seller) && !hasTaxIdentification(seller);
}

/** base × rate, rounded to whole đồng half up (away from zero for a reversal's negative base). */
export function taxAmount(baseVnd: number, rateBp: number): number {
  const sign = baseVnd < 0 ? -1n : 1n;
  const exact = BigInt(Math.abs(baseVnd)) * BigInt(rateBp);
  return Number(sign * ((exact + 5_000n) / 10_000n));
}

/** The declaration month a moment falls in, in Vietnam's time: `YYYY-MM-01`. */
export function periodOf(moment: Date): string {
  return `${todayInVietnam(moment).slice(0, 7)}-01`;
}

/** Shows only the last 3 digits of a tax code or citizen ID (everyone but the seller and admins). */
export function maskIdentification(value: string | null): string | null {
  if (!value) return null;
  return `${'•'.repeat(Math.max(0, value.length - 3))}${value.slice(-3)}`;
}
