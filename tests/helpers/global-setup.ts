import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../../server/db/data-source';
import { startEmbeddedPostgres } from '../../server/db/embedded-postgres';
import { runMigrations } from '../../server/db/migrate';

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, otherwise an embedded cluster under the
 * OS temp folder. A template database is migrated once; every test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  const runId = crypto.randomBytes(4).toString('hex');
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-test-'));
    fs.chmodSync(dir, 0o755);
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), passwordFile: path.join(dir, 'pg-password') });
    adminUrl = pg.url();
    (globalThis as Record<string, unknown>).__CHO_OCOP_TEST_PG__ = { stop: pg.stop, dir };
  }
  const template = `cho_test_tpl_${runId}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const ds = createDataSource({ url: url.toString(), poolSize: 2 });
  await ds.initialize();
  await runMigrations(ds);
  await ds.destroy();

  process.env.TEST_PG_ADMIN_URL = adminUrl;
  process.env.TEST_TEMPLATE_DB = template;
  (globalThis as Record<string, unknown>).__CHO_OCOP_TEMPLATE__ = { adminUrl, template };
}
