import { safeLocalPath } from '../../server/http/safe-redirect';
import { formatDate, todayInVietnam } from '../../server/lib/dates';
import { formatVnd, parseVnd } from '../../server/lib/money';
import { hasValidOcopBadge } from '../../server/lib/ocop';
import { slugify } from '../../server/lib/slug';
import { foldVietnamese } from '../../server/lib/text';
import { isLanguage, translate } from '../../server/rendering/i18n';
import { en } from '../../server/rendering/locales/en';
import { vi } from '../../server/rendering/locales/vi';

const NBSP = '\u00a0';

describe('formatVnd', () => {
  it('formats whole đồng the Vietnamese way, with a non-breaking space before ₫', () => {
    expect(formatVnd(125000)).toBe(`125.000${NBSP}₫`);
    expect(formatVnd(1250000)).toBe(`1.250.000${NBSP}₫`);
    expect(formatVnd(0)).toBe(`0${NBSP}₫`);
  });
});

describe('parseVnd', () => {
  it.each([
    ['125.000', 125000],
    ['125000', 125000],
    ['125 000 ₫', 125000],
    [`125.000${NBSP}₫`, 125000],
    ['1.250.000', 1250000],
    ['0', 0],
  ])('reads %j as %d đồng', (input, expected) => {
    expect(parseVnd(input)).toBe(expected);
  });

  it.each(['1.5', 'abc', '-1', '', '12,5', '1e5'])('rejects %j', (input) => {
    expect(parseVnd(input)).toBeNull();
  });
});

describe('foldVietnamese', () => {
  it('drops diacritics, folds đ/Đ to d, lower-cases and collapses spaces', () => {
    expect(foldVietnamese('Mật ong Đường')).toBe('mat ong duong');
    expect(foldVietnamese('  Trà   Shan\ttuyết  ')).toBe('tra shan tuyet');
    expect(foldVietnamese('Túi thổ cẩm')).toBe('tui tho cam');
  });

  it('treats precomposed and decomposed input alike', () => {
    expect(foldVietnamese('mận'.normalize('NFD'))).toBe(foldVietnamese('mận'.normalize('NFC')));
  });
});

describe('slugify', () => {
  it('makes ASCII, dash-separated slugs from Vietnamese names', () => {
    expect(slugify('Mật ong Thanh Xuân')).toBe('mat-ong-thanh-xuan');
    expect(slugify('Đường phèn Đại Hưng')).toBe('duong-phen-dai-hung');
    expect(slugify('  --Trà Shan tuyết!!  ')).toBe('tra-shan-tuyet');
    expect(slugify('Phong Hải Danh Trà – Trà hoa sen')).toBe('phong-hai-danh-tra-tra-hoa-sen');
    expect(slugify('<script>alert(1)</script>')).toBe('script-alert-1-script');
  });

  it('cuts at maxLength without leaving a trailing dash', () => {
    expect(slugify('aaaaaaaaaa bbbb', 11)).toBe('aaaaaaaaaa');
    expect(slugify('x'.repeat(200)).length).toBe(80);
  });

  it('never returns an empty slug', () => {
    expect(slugify('')).toBe('san-pham');
    expect(slugify('!!!')).toBe('san-pham');
  });
});

describe('safeLocalPath', () => {
  it('keeps a local path with its query string', () => {
    expect(safeLocalPath('/a?b=1')).toBe('/a?b=1');
    expect(safeLocalPath('/products?q=m%E1%BA%ADt')).toBe('/products?q=m%E1%BA%ADt');
  });

  it.each(['//evil.example', 'https://evil.example', '/\\evil', 'javascript:x', 'evil', '', '/a\nb', '/a\\b'])('refuses %j and falls back to /', (target) => {
    expect(safeLocalPath(target)).toBe('/');
  });

  it('refuses non-strings and over-long paths, with a custom fallback', () => {
    expect(safeLocalPath(undefined)).toBe('/');
    expect(safeLocalPath(['/a'], '/products')).toBe('/products');
    expect(safeLocalPath('/' + 'a'.repeat(600))).toBe('/');
  });
});

describe('formatDate', () => {
  it('shows a calendar date as dd/mm/yyyy exactly as written', () => {
    expect(formatDate('2024-12-01')).toBe('01/12/2024');
    expect(formatDate('2026-01-10')).toBe('10/01/2026');
  });

  it('shows an instant in Vietnam time (UTC+7)', () => {
    // 20:00 UTC on 1 December is already 2 December in Hà Nội.
    expect(formatDate(new Date('2024-12-01T20:00:00Z'))).toBe('02/12/2024');
    expect(formatDate(new Date('2024-12-01T16:59:59Z'))).toBe('01/12/2024');
  });

  it('shows nothing for a missing value', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDate(undefined)).toBe('');
  });

  it('todayInVietnam gives the local calendar day', () => {
    expect(todayInVietnam(new Date('2025-12-31T17:30:00Z'))).toBe('2026-01-01');
  });
});

describe('hasValidOcopBadge', () => {
  const now = new Date('2025-06-01T05:00:00Z');

  it('is true for a verified 3–5★ certificate that is still valid', () => {
    expect(hasValidOcopBadge({ ocopStars: 4, ocopVerified: true, ocopValidUntil: '2026-01-10' }, now)).toBe(true);
    expect(hasValidOcopBadge({ ocopStars: 5, ocopVerified: true, ocopValidUntil: '2025-06-01' }, now)).toBe(true);
    expect(hasValidOcopBadge({ ocopStars: 3, ocopVerified: true, ocopValidUntil: '2027-01-01' }, now)).toBe(true);
  });

  it('is false for an unverified claim', () => {
    expect(hasValidOcopBadge({ ocopStars: 5, ocopVerified: false, ocopValidUntil: '2027-01-01' }, now)).toBe(false);
  });

  it('is false once the certificate has expired', () => {
    expect(hasValidOcopBadge({ ocopStars: 4, ocopVerified: true, ocopValidUntil: '2025-05-31' }, now)).toBe(false);
  });

  it('is false without stars, below 3★ or without a validity date', () => {
    expect(hasValidOcopBadge({ ocopStars: null, ocopVerified: true, ocopValidUntil: '2027-01-01' }, now)).toBe(false);
    expect(hasValidOcopBadge({ ocopStars: 2, ocopVerified: true, ocopValidUntil: '2027-01-01' }, now)).toBe(false);
    expect(hasValidOcopBadge({ ocopStars: 4, ocopVerified: true, ocopValidUntil: null }, now)).toBe(false);
  });
});

describe('translate', () => {
  it('fills placeholders in both languages', () => {
    expect(translate('vi', 'products.count', { count: 30 })).toBe('30 sản phẩm');
    expect(translate('en', 'products.count', { count: 30 })).toBe('30 products');
    expect(translate('vi', 'products.title')).toBe('Sản phẩm OCOP');
    expect(translate('en', 'products.title')).toBe('OCOP products');
  });

  it('leaves a missing parameter empty and returns an unknown key as itself', () => {
    expect(translate('vi', 'products.count')).toBe(' sản phẩm');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });

  it('has every Vietnamese key in English, with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) {
      expect(typeof en[key]).toBe('string');
      expect(en[key].length).toBeGreaterThan(0);
      expect({ key, placeholders: placeholders(en[key]) }).toEqual({ key, placeholders: placeholders(vi[key]) });
    }
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it('knows which languages exist', () => {
    expect(isLanguage('vi')).toBe(true);
    expect(isLanguage('en')).toBe(true);
    expect(isLanguage('fr')).toBe(false);
    expect(isLanguage(undefined)).toBe(false);
  });
});
