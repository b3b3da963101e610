import { en } from '../../server/rendering/locales/en';
import { vi } from '../../server/rendering/locales/vi';
import { localize, localizeAll, missingKeys, msg, translate } from '../../server/rendering/i18n';

describe('translations', () => {
  it('en.ts has exactly the keys of vi.ts, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const [key, value] of Object.entries(en)) expect([key, value.trim().length > 0]).toEqual([key, true]);
  });

  it('an English string uses no placeholder its Vietnamese string lacks (it may leave one out)', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const extra = (Object.keys(vi) as (keyof typeof vi)[]).flatMap((key) =>
      placeholders(en[key])
        .filter((name) => !placeholders(vi[key]).includes(name))
        .map((name) => `${key}: {${name}}`),
    );
    expect(extra).toEqual([]);
  });

  it('a message token carries its key and parameters into either language', () => {
    const token = msg('error.404.title');
    expect(token).toBe('error.404.title');
    expect(localize('en', token)).toBe(en['error.404.title']);
    expect(localize('vi', token)).toBe(vi['error.404.title']);
    const withParams = msg('products.resultsFor', { q: 'mật ong & trà?' });
    expect(localize('en', withParams)).toBe('Results for “mật ong & trà?”');
    expect(localize('vi', withParams)).toBe(vi['products.resultsFor'].replace('{q}', 'mật ong & trà?'));
  });

  it('a parameter may be a token, or tokens joined by "; " (each resolved in the same language)', () => {
    const problems = [msg('checkout.problem.soldOut', { name: 'Mật ong' }), msg('checkout.problem.shortOfStock', { name: 'Trà; xanh', stock: 2 })].join('; ');
    const token = msg('checkout.error.cartChanged', { problems });
    expect(localize('en', token)).toBe('Your cart has changed: “Mật ong” is sold out; only 2 of “Trà; xanh” left. Please check your cart.');
    expect(localize('vi', token)).toBe('Giỏ hàng đã thay đổi: “Mật ong” đã hết hàng; “Trà; xanh” chỉ còn 2. Vui lòng xem lại giỏ hàng.');
  });

  it('leaves literal and already localized text as it is', () => {
    expect(localize('en', 'Vui lòng nhập email.')).toBe('Vui lòng nhập email.');
    expect(localize('en', 'not.a.key')).toBe('not.a.key');
    expect(localize('en', undefined)).toBeUndefined();
    expect(localizeAll('en', { a: 'error.tooLarge', b: 'x' })).toEqual({ a: en['error.tooLarge'], b: 'x' });
  });

  it('records a key that no dictionary has', () => {
    missingKeys.clear();
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
    expect([...missingKeys]).toEqual(['no.such.key']);
    missingKeys.clear();
  });
});
