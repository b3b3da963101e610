import { normalisePhone } from '../../../server/modules/accounts';

describe('normalisePhone', () => {
  it.each([
    '0912345678',
    '0912 345 678',
    '0912.345.678',
    '0912-345-678',
    '+84912345678',
    '84912345678',
    '(+84) 912 345 678',
    '+84 912 345 678',
    ' 0912345678 ',
  ])('reads %p as 0912345678', (input) => {
    expect(normalisePhone(input)).toBe('0912345678');
  });

  it.each(['0312345678', '0512345678', '0712345678', '0812345678', '0912345678'])('accepts the mobile prefix of %p', (input) => {
    expect(normalisePhone(input)).toBe(input);
  });

  it.each([
    '',
    '   ',
    'an@example.vn',
    '0212345678',
    '0412345678',
    '0612345678',
    '091234567',
    '09123456789',
    '+84 0912345678',
    '+1 912 345 678',
    '849123456',
    '0912a45678',
    '++84912345678',
    '0912345678@x',
  ])('refuses %p', (input) => {
    expect(normalisePhone(input)).toBeNull();
  });
});
