import type { Zone } from './zones';

/** One zone's row of a cooperative's table: three weight steps. */
export interface ZoneRate {
  upTo500gVnd: number;
  upTo1kgVnd: number;
  /** Added for each started kilogram beyond the first (1001 g → one, 2001 g → two). */
  perExtraKgVnd: number;
}

export type RateTable = Record<Zone, ZoneRate>;

/** How a cooperative charges: its zone table, or (no table) its one flat fee for any zone and weight. */
export interface SellerShipping {
  flatFeeVnd: number;
  freeShippingThresholdVnd: number | null;
  rates: RateTable | null;
}

/** A zone's fee for a parcel of `weightGrams`: ≤ 500 g, ≤ 1 kg, then per started extra kilogram. */
export function feeForWeight(rate: ZoneRate, weightGrams: number): number {
  if (weightGrams <= 500) return rate.upTo500gVnd;
  if (weightGrams <= 1000) return rate.upTo1kgVnd;
  return rate.upTo1kgVnd + Math.ceil((weightGrams - 1000) / 1000) * rate.perExtraKgVnd;
}

/**
 * A cooperative's fee for its part of an order (one parcel): nothing for an empty part, free from its
 * threshold on (the part's items total), else its table's figure for the zone and weight, or its flat fee.
 */
export function parcelFee(shipping: SellerShipping, part: { itemsTotalVnd: number; weightGrams: number; zone: Zone }): number {
  if (part.itemsTotalVnd === 0) return 0;
  if (shipping.freeShippingThresholdVnd !== null && part.itemsTotalVnd >= shipping.freeShippingThresholdVnd) return 0;
  if (!shipping.rates) return shipping.flatFeeVnd;
  return feeForWeight(shipping.rates[part.zone], part.weightGrams);
}
