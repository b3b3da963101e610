import { foldVietnamese } from '../../lib/text';
import { provinceList } from '../../lib/admin-units';

/**
 * Shipping zones, seen from a cooperative in Lào Cai: the same commune, the rest of its province,
 * the northern provinces, the rest of the country.
 */
export const ZONES = ['same_commune', 'province', 'north', 'country'] as const;
export type Zone = (typeof ZONES)[number];

/**
 * The northern provinces of 2025 by code (data/vn-provinces-2025.json): Bắc Bộ, i.e. the northern
 * midlands and mountains (Cao Bằng, Tuyên Quang, Điện Biên, Lai Châu, Sơn La, Thái Nguyên, Lạng Sơn,
 * Phú Thọ, and Lào Cai itself) and the Red River delta (Hà Nội, Quảng Ninh, Bắc Ninh, Hải Phòng, Hưng
 * Yên, Ninh Bình). Thanh Hóa and Nghệ An belong to Bắc Trung Bộ (the north-central coast): carriers
 * price them beyond the northern region, so they count as `country`, like every province not listed.
 */
export const NORTHERN_PROVINCE_CODES: ReadonlySet<string> = new Set([
  '01', // Thành phố Hà Nội
  '04', // Cao Bằng
  '08', // Tuyên Quang
  '11', // Điện Biên
  '12', // Lai Châu
  '14', // Sơn La
  '15', // Lào Cai (its own zone, `province`, for a cooperative there)
  '19', // Thái Nguyên
  '20', // Lạng Sơn
  '22', // Quảng Ninh
  '24', // Bắc Ninh
  '25', // Phú Thọ
  '31', // Thành phố Hải Phòng
  '33', // Hưng Yên
  '37', // Ninh Bình
]);

export interface Province {
  code: string;
  name: string;
}

const byKey = new Map<string, Province>();
for (const p of provinceList) {
  byKey.set(p.code, p);
  byKey.set(foldVietnamese(p.name), p);
  // "Thành phố Hà Nội" is also asked for as "Hà Nội" or "TP Hà Nội".
  const short = p.name.replace(/^Thành phố /, '');
  byKey.set(foldVietnamese(short), p);
  byKey.set(foldVietnamese(`TP ${short}`), p);
  byKey.set(foldVietnamese(`TP. ${short}`), p);
}

/** A province by its 2025 name (any case or accents, with or without "Thành phố"), or its code ("96" or "6"); null if unknown. */
export function findProvince(input: string): Province | null {
  const text = input.trim();
  if (/^\d{1,2}$/.test(text)) return byKey.get(text.padStart(2, '0')) ?? null;
  return byKey.get(foldVietnamese(text)) ?? null;
}

/**
 * The zone a parcel travels: within the seller's province, the same commune (compared without
 * accents or case) or the rest of the province; elsewhere, northern provinces or the rest of the country.
 */
export function zoneFor(seller: { province: string; commune: string }, destination: { province: Province; commune?: string | null }): Zone {
  const home = findProvince(seller.province);
  if (home && home.code === destination.province.code) {
    const commune = destination.commune?.trim();
    return commune && foldVietnamese(commune) === foldVietnamese(seller.commune) ? 'same_commune' : 'province';
  }
  return NORTHERN_PROVINCE_CODES.has(destination.province.code) ? 'north' : 'country';
}
