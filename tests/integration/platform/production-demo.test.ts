import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startStore, type RunningStore } from '../../../server/boot';
import { ConfigError, loadConfig } from '../../../server/config';
import { createLogger } from '../../../server/logger';
import { hashPassword } from '../../../server/modules/accounts/password';
import { DEMO_ACCOUNTS } from '../../../server/seed/demo-accounts';
import { csrfFrom } from '../../helpers/auth';
import { ProxiedBrowser } from '../../helpers/behind-proxy';
import { adminQuery, databaseUrl } from '../../helpers/test-context';

/** The README publishes the demo logins: no production store may be opened with them. */

const SECRET = 'a-long-production-secret-for-tests-0123456789';
const DEMO_EMAILS = Object.values(DEMO_ACCOUNTS).map((a) => a.email);
const logger = createLogger('silent');

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A database cloned from the migrated template and a data folder, dropped after the file. */
function productionStoreFixture() {
  const dbName = `cho_test_prod_${crypto.randomBytes(4).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-prod-'));
  const url = databaseUrl(dbName);
  return {
    url,
    create: () => adminQuery(`CREATE DATABASE ${dbName} TEMPLATE ${process.env.TEST_TEMPLATE_DB}`),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    config: (env: Record<string, string> = {}) =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: SECRET,
        PUBLIC_URL: 'https://cho-ocop.example.vn',
        DATABASE_URL: url,
        PORT: '0',
        DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        ...env,
      }),
  };
}

async function tryLogin(store: RunningStore, email: string, password: string) {
  const browser = new ProxiedBrowser(store.url);
  const form = await browser.get('/login');
  return browser.post('/login', { _csrf: csrfFrom(form.text), email, password });
}

describe('a production start with SEED_DEMO=1', () => {
  const db = productionStoreFixture();
  let store: RunningStore | undefined;
  beforeAll(async () => {
    await db.create();
    store = await startStore(db.config({ SEED_DEMO: '1' }), logger);
  }, 120_000);
  afterAll(async () => {
    await store?.stop();
    await db.drop();
  });

  it('loads the demo catalogue but creates none of the demo logins', async () => {
    const [{ products }] = await query<{ products: number }>(db.url, `SELECT count(*)::int AS products FROM products`);
    expect(products).toBe(77);
    expect(await query(db.url, `SELECT email FROM users WHERE email = ANY($1)`, [DEMO_EMAILS])).toEqual([]);
    // No account of the catalogue can sign in at all: the cooperatives' owners have no password.
    expect(await query(db.url, `SELECT email FROM users WHERE password_hash IS NOT NULL`)).toEqual([]);
  });

  it('the published admin login opens nothing', async () => {
    const res = await tryLogin(store!, DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password);
    expect(res.status).toBe(401);
    expect(res.text).toContain('Email hoặc mật khẩu không đúng.');
    const [{ sessions }] = await query<{ sessions: number }>(db.url, `SELECT count(*)::int AS sessions FROM sessions`);
    expect(sessions).toBe(0);
  });
});

describe('a production start on a database holding demo logins', () => {
  const db = productionStoreFixture();
  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('refuses to start while a demo login still has its published password, naming the accounts and the fix', async () => {
    const { admin, seller, buyer, team } = DEMO_ACCOUNTS;
    // As an earlier start of the embedded demo left them: the admin, buyer and team member unchanged, the seller's password changed.
    for (const [account, role, password] of [
      [admin, 'admin', admin.password],
      [buyer, 'buyer', buyer.password],
      [team, 'buyer', team.password],
      [seller, 'seller', 'a-password-of-their-own-2026'],
    ] as const) {
      await query(db.url, `INSERT INTO users (email, full_name, password_hash, role) VALUES ($1, $2, $3, $4)`, [
        account.email,
        account.fullName,
        await hashPassword(password),
        role,
      ]);
    }
    const before = await query(db.url, `SELECT id, email, password_hash, role FROM users ORDER BY id`);

    const failure = await startStore(db.config(), logger).then(
      async (store) => {
        await store.stop();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    const message = (failure as Error).message;
    expect(message).toContain('published passwords');
    expect(message).toContain(admin.email);
    expect(message).toContain(buyer.email);
    expect(message).toContain(team.email);
    expect(message).not.toContain(seller.email);
    // The fix, ready to paste: no login for these accounts, and none of their sessions left.
    expect(message).toContain(`UPDATE users SET password_hash = NULL WHERE email IN ('${admin.email}', '${buyer.email}', '${team.email}');`);
    expect(message).toContain('DELETE FROM sessions');
    for (const { password } of Object.values(DEMO_ACCOUNTS)) expect(message).not.toContain(password);
    // Nothing was changed on the way.
    expect(await query(db.url, `SELECT id, email, password_hash, role FROM users ORDER BY id`)).toEqual(before);

    // The fix as printed, and the store starts; the accounts stay, their published passwords open nothing.
    const fix = message.split('\n').filter((line) => /^\s*(UPDATE|DELETE)/.test(line));
    expect(fix).toHaveLength(2);
    for (const statement of fix) await query(db.url, statement);
    const store = await startStore(db.config(), logger);
    try {
      const res = await tryLogin(store, admin.email, admin.password);
      expect(res.status).toBe(401);
      expect(res.text).toContain('Email hoặc mật khẩu không đúng.');
      const rows = await query<{ email: string; disabled: boolean }>(
        db.url,
        `SELECT email, password_hash IS NULL AS disabled FROM users WHERE email = ANY($1) ORDER BY email`,
        [DEMO_EMAILS],
      );
      expect(rows).toEqual(
        [
          { email: seller.email, disabled: false },
          { email: admin.email, disabled: true },
          { email: buyer.email, disabled: true },
          { email: team.email, disabled: true },
        ].sort((a, b) => a.email.localeCompare(b.email)),
      );
    } finally {
      await store.stop();
    }
  }, 120_000);
});
