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
