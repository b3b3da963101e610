import { crc16CcittFalse, parseTlv, vietQrPayload } from '../../server/modules/payments/vietqr';

describe('VietQR (NAPAS EMVCo)', () => {
  it('computes CRC-16/CCITT-FALSE with the standard check value', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('matches a payload built by an independent implementation', () => {
    // Built with Python's binascii.crc_hqx(data, 0xFFFF) from the same fields.
    expect(vietQrPayload({ bankBin: '970436', accountNo: '0011001234567', amountVnd: 185000, purpose: 'OCP-7K3M9Q' })).toBe(
      '00020101021238570010A00000072701270006970436011300110012345670208QRIBFTTA530370454061850005802VN62140810OCP-7K3M9Q63043C78',
    );
  });

  it('decodes to the right BIN, account, amount and purpose, with a valid CRC', () => {
    const payload = vietQrPayload({ bankBin: '970405', accountNo: '8888000012345', amountVnd: 1_250_000, purpose: 'OCP-ABCDEF' });
    const top = parseTlv(payload);
    expect(top.get('00')).toBe('01');
    expect(top.get('01')).toBe('12');
    expect(top.get('53')).toBe('704');
    expect(top.get('54')).toBe('1250000');
    expect(top.get('58')).toBe('VN');
    const merchant = parseTlv(top.get('38')!);
    expect(merchant.get('00')).toBe('A000000727');
    expect(merchant.get('02')).toBe('QRIBFTTA');
    const beneficiary = parseTlv(merchant.get('01')!);
    expect(beneficiary.get('00')).toBe('970405');
    expect(beneficiary.get('01')).toBe('8888000012345');
    expect(parseTlv(top.get('62')!).get('08')).toBe('OCP-ABCDEF');
    expect(top.get('63')).toBe(crc16CcittFalse(payload.slice(0, -4)));
  });

  it('refuses amounts and accounts that cannot be paid', () => {
    expect(() => vietQrPayload({ bankBin: '970405', accountNo: '123', amountVnd: 0, purpose: 'x' })).toThrow();
    expect(() => vietQrPayload({ bankBin: '97040', accountNo: '123', amountVnd: 10, purpose: 'x' })).toThrow();
    expect(() => vietQrPayload({ bankBin: '970405', accountNo: '12 3', amountVnd: 10, purpose: 'x' })).toThrow();
    expect(() => vietQrPayload({ bankBin: '970405', accountNo: '123', amountVnd: 1.5, purpose: 'x' })).toThrow();
  });
});
