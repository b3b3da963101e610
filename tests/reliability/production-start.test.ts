import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '../../server/modules/accounts/password';
import { DEMO_ACCOUNTS } from '../../server/seed/demo-accounts';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { Shopper } from './support/shopper';
import { killAllStores, startStoreProcess, waitFor } from './support/store-process';

/**
 * `NODE_ENV=production npm start` as an operator runs it: the README publishes the demo logins, so
 * production neither creates nor prints them, and will not run while one still opens.
 */

const PUBLISHED = Object.values(DEMO_ACCOUNTS).flatMap((a) => [a.email, a.password]);

afterAll(() => killAllStores());

describe('production on the embedded default (DATABASE_URL= left empty)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-prod-'));
    // As root, the embedded PostgreSQL runs as "postgres" and must be able to enter this folder.
    fs.chmodSync(dir, 0o755);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates no demo login, prints no password, and the published admin login opens nothing', async () => {
    const store = await startStoreProcess({ databaseUrl: '', mediaDir: dir, env: { LOG_LEVEL: 'info' } });
    try {
      const banner = await waitFor('the start-up banner', async () => /Nhấn Ctrl-C để dừng/.test(store.output()) && store.output(), 10_000);
      expect(banner).toContain('PostgreSQL nhúng');
      for (const published of PUBLISHED) expect(banner).not.toContain(published);
      expect(banner).not.toMatch(/demo logins/i);

      const shopper = new Shopper(store.url);
      const login = await shopper.signIn(DEMO_ACCOUNTS.admin.email, undefined, DEMO_ACCOUNTS.admin.password);
      expect(login.status).toBe(401);
      expect(login.text).toContain('Email hoặc mật khẩu không đúng.');
      expect((await shopper.get('/admin')).location).toMatch(/^\/login/);
      // No demo catalogue unasked either.
      expect((await shopper.get('/products')).text).toContain('0 sản phẩm');
    } finally {
      await store.stop();
    }
  });
});

describe('production on a database an earlier demo left its logins in', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.close());

  it('exits at start-up with the accounts and the fix, and no stack trace', async () => {
    const { admin } = DEMO_ACCOUNTS;
    await ctx.ds.query(`INSERT INTO users (email, full_name, password_hash, role) VALUES ($1, $2, $3, 'admin')`, [
      admin.email,
      admin.fullName,
      await hashPassword(admin.password),
    ]);
    const failure = await startStoreProcess({ databaseUrl: ctx.url, mediaDir: ctx.mediaDir }).then(
      async (store) => {
        await store.stop();
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(failure).toContain('store exited during start-up');
    expect(failure).toContain('Không khởi động được Chợ OCOP');
    expect(failure).toContain(`demo logins still have their published passwords): ${admin.email}`);
    expect(failure).toContain(`UPDATE users SET password_hash = NULL WHERE email IN ('${admin.email}');`);
    expect(failure).not.toContain(admin.password);
    expect(failure).not.toMatch(/\n\s+at /);
  });
});
