import { isWithheld, maskIdentification, payoutsWaitForIdentification, periodOf, taxAmount } from '../../server/modules/tax';

describe('withholding rules (Decree 117/2025)', () => {
  it('households and groups of individuals are withheld, cooperatives and enterprises are not; an override wins', () => {
    expect(isWithheld({ type: 'ho_san_xuat', taxWithholding: 'by_type' })).toBe(true);
    expect(isWithheld({ type: 'to_hop_tac', taxWithholding: 'by_type' })).toBe(true);
    expect(isWithheld({ type: 'htx', taxWithholding: 'by_type' })).toBe(false);
    expect(isWithheld({ type: 'doanh_nghiep', taxWithholding: 'by_type' })).toBe(false);
    expect(isWithheld({ type: 'ho_san_xuat', taxWithholding: 'exempt' })).toBe(false);
    expect(isWithheld({ type: 'htx', taxWithholding: 'withhold' })).toBe(true);
  });

  it('payouts wait for a withheld seller without a tax code or citizen ID', () => {
    const household = { type: 'ho_san_xuat' as const, taxWithholding: 'by_type' as const };
    expect(payoutsWaitForIdentification({ ...household, taxCode: null, citizenId: null })).toBe(true);
    expect(payoutsWaitForIdentification({ ...household, taxCode: null, citizenId: '001089012345' })).toBe(false);
    expect(payoutsWaitForIdentification({ ...household, taxCode: '0101234567', citizenId: null })).toBe(false);
    expect(payoutsWaitForIdentification({ type: 'htx', taxWithholding: 'by_type', taxCode: null, citizenId: null })).toBe(false);
  });

  it('rounds each amount to whole đồng, half up (the issue’s figures)', () => {
    expect(taxAmount(600_000, 100)).toBe(6_000);
    expect(taxAmount(30_000, 300)).toBe(900);
    expect(taxAmount(600_000, 50)).toBe(3_000);
    expect(taxAmount(30_000, 150)).toBe(450);
    expect(taxAmount(1_234_567, 100)).toBe(12_346);
    expect(taxAmount(1_234_567, 50)).toBe(6_173);
    expect(taxAmount(150, 100)).toBe(2); // 1.5 → 2
    expect(taxAmount(149, 100)).toBe(1); // 1.49 → 1
    expect(taxAmount(-1_234_567, 50)).toBe(-6_173);
    expect(taxAmount(2_150_000_000 * 3, 500)).toBe(322_500_000);
  });

  it('a moment belongs to its month in Vietnam’s time', () => {
    expect(periodOf(new Date('2026-11-30T16:59:59Z'))).toBe('2026-11-01');
    expect(periodOf(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01');
  });

  it('masks all but the last three digits', () => {
    expect(maskIdentification('001089012345')).toBe('•••••••••345');
    expect(maskIdentification(null)).toBeNull();
  });
});
