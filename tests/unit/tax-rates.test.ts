import { TaxService, type RatesOn } from '../../server/modules/tax';

const RATES: RatesOn = { goods: { vat: 100, pit: 50 }, transport: { vat: 300, pit: 150 }, service: { vat: 500, pit: 200 } };

describe('TaxService.rateFor', () => {
  it("a known kind's rate", () => {
    expect(TaxService.rateFor(RATES, 'goods', 'vat')).toBe(100);
    expect(TaxService.rateFor(RATES, 'transport', 'pit')).toBe(150);
  });

  it('when the kind cannot be told, the highest rate of that tax', () => {
    expect(TaxService.rateFor(RATES, null, 'vat')).toBe(500);
    expect(TaxService.rateFor(RATES, null, 'pit')).toBe(200);
  });
});
