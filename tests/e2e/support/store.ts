import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { startStore, type RunningStore } from '../../../server/boot';
import { loadConfig } from '../../../server/config';
import { freePort } from '../../../server/db/embedded-postgres';
import { createLogger } from '../../../server/logger';
import { FakeStripe } from '../../helpers/fake-stripe';
import { adminQuery, databaseUrl } from '../../helpers/test-context';

export interface E2EStore {
  /** The store's base URL (also its PUBLIC_URL), e.g. http://localhost:41234 */
  url: string;
  store: RunningStore;
  fakeStripe: FakeStripe;
  /** The store's own DataSource, for assertions on database state. */
  db: DataSource;
  stop: () => Promise<void>;
}

/**
 * The whole store in-process on a fresh database cloned from the migrated template, with the demo
 * catalogue and accounts, VietQR and a fake Stripe. PUBLIC_URL is the store's real URL, so the
 * port is chosen before the store listens.
 */
export async function startE2EStore(): Promise<E2EStore> {
  const template = process.env.TEST_TEMPLATE_DB;
  if (!template) throw new Error('TEST_TEMPLATE_DB is unset: run the browser journeys through `npm run test:e2e`.');
  const name = `cho_e2e_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-e2e-'));
  const fakeStripe = await new FakeStripe('whsec_e2e_' + crypto.randomBytes(6).toString('hex')).start();
  let store: RunningStore | undefined;
  try {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl(name),
      SEED_DEMO: '1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      STRIPE_SECRET_KEY: 'sk_test_e2e',
      STRIPE_WEBHOOK_SECRET: fakeStripe.webhookSecret,
      STRIPE_API_BASE: fakeStripe.apiBase,
      VIETQR_BANK_BIN: '970405',
      VIETQR_ACCOUNT_NO: '8888000012345',
      VIETQR_ACCOUNT_NAME: 'CHO OCOP DEMO',
      BANK_WEBHOOK_SECRET: 'e2e-bank',
      PUBLIC_URL: url,
    });
    store = await startStore(config, createLogger('silent'));
    if (store.url !== url) throw new Error(`E2E: the store listens on ${store.url}, but PUBLIC_URL is ${url}`);
    fakeStripe.webhookUrl = `${url}/webhooks/stripe`;
    const running = store;
    return {
      url,
      store: running,
      fakeStripe,
      db: running.container.dataSource,
      stop: async () => {
        await running.stop();
        await fakeStripe.stop();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await store?.stop().catch(() => undefined);
    await fakeStripe.stop();
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
