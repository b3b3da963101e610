import { feeForWeight, parcelFee, type RateTable, type SellerShipping } from '../../../server/modules/shipping/shipping-fee';
import { NORTHERN_PROVINCE_CODES, findProvince, zoneFor } from '../../../server/modules/shipping/zones';
import { formatWeight } from '../../../server/modules/shipping/weight';
import { provinceList } from '../../../server/lib/admin-units';

const RATES: RateTable = {
  same_commune: { upTo500gVnd: 10_000, upTo1kgVnd: 15_000, perExtraKgVnd: 3_000 },
  province: { upTo500gVnd: 20_000, upTo1kgVnd: 25_000, perExtraKgVnd: 5_000 },
  north: { upTo500gVnd: 30_000, upTo1kgVnd: 35_000, perExtraKgVnd: 8_000 },
  country: { upTo500gVnd: 35_000, upTo1kgVnd: 45_000, perExtraKgVnd: 12_000 },
};
const table: SellerShipping = { flatFeeVnd: 30_000, freeShippingThresholdVnd: 500_000, rates: RATES };
const flat: SellerShipping = { flatFeeVnd: 30_000, freeShippingThresholdVnd: null, rates: null };

describe('the fee by weight step', () => {
  it.each([
    [1, 35_000],
    [500, 35_000],
    [501, 45_000],
    [1000, 45_000],
    [1001, 57_000], // one started kilogram beyond the first
    [2000, 57_000],
    [2001, 69_000], // two
    [50_000, 45_000 + 49 * 12_000],
  ])('%d g to the rest of the country costs %d ₫', (grams, fee) => {
    expect(feeForWeight(RATES.country, grams)).toBe(fee);
  });

  it('each zone has its own row', () => {
    expect(
      (['same_commune', 'province', 'north', 'country'] as const).map((zone) => parcelFee(table, { itemsTotalVnd: 100_000, weightGrams: 1001, zone })),
    ).toEqual([18_000, 30_000, 43_000, 57_000]);
  });

  it('is free from the threshold on (the part’s goods total), whatever the zone and weight', () => {
    expect(parcelFee(table, { itemsTotalVnd: 499_999, weightGrams: 3000, zone: 'country' })).toBe(45_000 + 2 * 12_000);
    expect(parcelFee(table, { itemsTotalVnd: 500_000, weightGrams: 3000, zone: 'country' })).toBe(0);
  });

  it('a cooperative without a table keeps its flat fee everywhere and for any weight; an empty part costs nothing', () => {
    for (const zone of ['same_commune', 'province', 'north', 'country'] as const) {
      for (const weightGrams of [1, 500, 501, 1001, 20_000]) expect(parcelFee(flat, { itemsTotalVnd: 1, weightGrams, zone })).toBe(30_000);
    }
    expect(parcelFee(flat, { itemsTotalVnd: 0, weightGrams: 500, zone: 'country' })).toBe(0);
  });
});

describe('zones over the 34 provinces of 2025', () => {
  const seller = { province: 'Lào Cai', commune: 'Phường Sa Pa' };

  it('finds a province by name (any accents or case, with or without "Thành phố") or by code', () => {
    expect(findProvince('Cà Mau')?.code).toBe('96');
    expect(findProvince('ca mau')?.name).toBe('Cà Mau');
    expect(findProvince('96')?.name).toBe('Cà Mau');
    expect(findProvince('1')?.name).toBe('Thành phố Hà Nội');
    expect(findProvince('Hà Nội')?.code).toBe('01');
    expect(findProvince('Thành phố Hồ Chí Minh')?.code).toBe('79');
    expect(findProvince('Yên Bái')).toBeNull(); // merged into Lào Cai in 2025
    expect(findProvince('99')).toBeNull();
    expect(findProvince('')).toBeNull();
  });

  it('same commune, rest of Lào Cai, the north, the rest of the country', () => {
    const zone = (province: string, commune?: string) => zoneFor(seller, { province: findProvince(province)!, commune });
    expect(zone('Lào Cai', 'Phường Sa Pa')).toBe('same_commune');
    expect(zone('Lào Cai', 'phuong sa pa')).toBe('same_commune');
    expect(zone('Lào Cai', 'Xã Bắc Hà')).toBe('province');
    expect(zone('Lào Cai')).toBe('province');
    expect(zone('Thành phố Hà Nội', 'Phường Sa Pa')).toBe('north');
    expect(zone('Ninh Bình')).toBe('north');
    expect(zone('Thanh Hóa')).toBe('country');
    expect(zone('Nghệ An')).toBe('country');
    expect(zone('Cà Mau')).toBe('country');
  });

  it('every northern code is a 2025 province; 14 provinces besides Lào Cai count as northern', () => {
    const codes = new Set(provinceList.map((p) => p.code));
    for (const code of NORTHERN_PROVINCE_CODES) expect(codes.has(code)).toBe(true);
    expect(provinceList).toHaveLength(34);
    expect([...NORTHERN_PROVINCE_CODES].filter((c) => c !== '15')).toHaveLength(14);
  });
});

it('weights read as people write them', () => {
  expect([formatWeight(800), formatWeight(1000), formatWeight(1250)]).toEqual(['800 g', '1 kg', '1,25 kg']);
});
