import { ConfigError, loadConfig } from '../../server/config';

const PUBLIC_URL = 'https://cho-ocop.example.vn';

describe('loadConfig: an empty variable is an unset one', () => {
  // Containers and .env files pass `NAME=` for "not set".
  const EVERY_VARIABLE = [
    'NODE_ENV',
    'PORT',
    'DATABASE_URL',
    'SEED_DEMO',
    'SESSION_SECRET',
    'DATA_DIR',
    'MEDIA_DIR',
    'SMTP_URL',
    'RESERVATION_MINUTES',
    'STRIPE_SECRET_KEY',
    'STRIPE_WEBHOOK_SECRET',
    'STRIPE_API_BASE',
    'VIETQR_BANK_BIN',
    'VIETQR_ACCOUNT_NO',
    'VIETQR_ACCOUNT_NAME',
    'BANK_WEBHOOK_SECRET',
    'PUBLIC_URL',
    'CATALOG_CACHE_SECONDS',
    'LOG_LEVEL',
  ];

  it('starts with every variable set to "" exactly as with none set', () => {
    const empty = Object.fromEntries(EVERY_VARIABLE.map((name) => [name, '']));
    const config = loadConfig(empty);
    expect(config).toEqual(loadConfig({}));
    expect(config.env).toBe('development');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
  });

  it('reads the others as usual: DATABASE_URL= next to NODE_ENV=test', () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: '', PORT: '0', SEED_DEMO: '' });
    expect(config).toMatchObject({ env: 'test', databaseUrl: undefined, port: 0, seedDemo: true });
  });

  it('still asks for SESSION_SECRET in production when it is empty', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: '', PUBLIC_URL })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: '', PUBLIC_URL })).toThrow('SESSION_SECRET is required when NODE_ENV=production');
  });

  it('asks for PUBLIC_URL in production: links in mail and on labels, and the add-to-cart origin check, need the real address', () => {
    const secret = 'a-long-production-secret-for-tests-0123456789';
    for (const value of [undefined, '']) {
      expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, PUBLIC_URL: value })).toThrow(
        'PUBLIC_URL is required when NODE_ENV=production',
      );
    }
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, PUBLIC_URL: 'https://cho-ocop.example.vn/' }).publicUrl).toBe(
      'https://cho-ocop.example.vn',
    );
    expect(loadConfig({ NODE_ENV: 'development' }).publicUrl).toBe('http://localhost:3000');
  });
});

describe('loadConfig: demo data in production', () => {
  const SECRET = 'a-long-production-secret-for-tests-0123456789';

  it('the embedded store in production loads no demo data unasked', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, PUBLIC_URL });
    expect(config).toMatchObject({ seedDemo: false, demo: false, bankWebhookSecret: undefined, vietqr: null });
  });

  it('SEED_DEMO=1 in production loads the catalogue, never the demo logins or the demo bank', () => {
    for (const database of [{}, { DATABASE_URL: 'postgres://u:p@db.example/cho' }]) {
      const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, PUBLIC_URL, SEED_DEMO: '1', ...database });
      expect(config).toMatchObject({ seedDemo: true, demo: false, bankWebhookSecret: undefined, vietqr: null });
    }
  });

  it('outside production the embedded store is still the full demo', () => {
    expect(loadConfig({})).toMatchObject({ seedDemo: true, demo: true });
  });
});

describe('loadConfig: ZALO_ZNS_TEMPLATES', () => {
  const zaloWith = (templates: string) => loadConfig({ NODE_ENV: 'test', ZALO_ZNS_ACCESS_TOKEN: 't', ZALO_ZNS_TEMPLATES: templates }).zalo;

  it('reads one default template per event and, beside it, an optional `.en` one for English readers', () => {
    expect(zaloWith(' order_placed=111, order_placed.en=211 ,order_paid=112,seller_new_order.en = 213,seller_new_order=113')).toMatchObject({
      templates: { order_placed: '111', order_paid: '112', seller_new_order: '113' },
      englishTemplates: { order_placed: '211', seller_new_order: '213' },
    });
    expect(zaloWith('order_shipped=114')).toMatchObject({ templates: { order_shipped: '114' }, englishTemplates: {} });
  });

  it('stops the boot with the reason for an unknown event or language, a repeated key, a missing id or an English template without its default', () => {
    const cases: [string, RegExp][] = [
      ['order_lost=1', /"order_lost=1" is not <event>=<template id> or <event>.en=<template id>/],
      ['order_placed.fr=1', /"order_placed.fr=1" is not <event>=<template id> or <event>.en=<template id>/],
      ['order_placed=1,order_placed=2', /"order_placed=2" repeats order_placed/],
      ['order_placed=1,order_placed.en=2,order_placed.en=3', /"order_placed.en=3" repeats order_placed.en/],
      ['order_placed.en=', /"order_placed.en=" is not/],
      ['order_placed=1=2', /"order_placed=1=2" is not/],
      ['order_paid=1,order_placed.en=2', /order_placed.en=2 has no default template: add order_placed=<template id>/],
    ];
    for (const [spec, reason] of cases) {
      expect(() => zaloWith(spec)).toThrow(ConfigError);
      expect(() => zaloWith(spec)).toThrow(reason);
    }
  });
});
