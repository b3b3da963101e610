import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import type { Transporter } from 'nodemailer';
import type { DestinationStream } from 'pino';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { buildContainer, type Container } from '../../server/container';
import { createDataSource } from '../../server/db/data-source';
import type { Clock } from '../../server/lib/clock';
import { createLogger } from '../../server/logger';
import { TEST_BANK_ACCOUNT } from './bank-feed';
import { makeFactories, type Factories } from './factories';

export interface TestContext {
  app: Express;
  ds: DataSource;
  container: Container;
  config: Readonly<Config>;
  factories: Factories;
  /** Database URL of this file's own database. */
  url: string;
  mediaDir: string;
  /** Moves the injected clock (the app sees the new time at once). */
  setNow: (date: Date) => void;
  close: () => Promise<void>;
}

export function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url) throw new Error('TEST_PG_ADMIN_URL is unset: run the tests through jest (npm test).');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template, with the app wired to it. */
export async function createTestContext(
  options: {
    now?: Date;
    env?: Record<string, string>;
    mailTransport?: Transporter;
    /** The app logs at info level into this stream (by default it logs nothing). */
    logTo?: DestinationStream;
    /** A read replica: given this database's (admin) URL once it exists, returns the DATABASE_READ_URL to use. */
    readReplica?: (url: string) => Promise<string>;
  } = {},
): Promise<TestContext> {
  const name = `cho_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${process.env.TEST_TEMPLATE_DB}`);
  const url = databaseUrl(name);
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-media-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    DATA_DIR: mediaDir,
    MEDIA_DIR: mediaDir,
    // A receiving account, so checkout has a payment method to offer.
    VIETQR_BANK_BIN: '970405',
    VIETQR_ACCOUNT_NO: TEST_BANK_ACCOUNT,
    VIETQR_ACCOUNT_NAME: 'CHO OCOP TEST',
    ...(options.readReplica ? { DATABASE_READ_URL: await options.readReplica(url) } : {}),
    ...options.env,
  });
  const ds = createDataSource({ url, poolSize: 20 });
  await ds.initialize();
  // DATABASE_READ_URL in options.env: the catalogue reads through a second pool, as the store's boot opens it.
  const readDs = config.databaseReadUrl ? createDataSource({ url: config.databaseReadUrl, poolSize: 20, applicationName: 'cho-ocop-read' }) : undefined;
  if (readDs) await readDs.initialize();
  let now = options.now ?? new Date();
  const clock: Clock = { now: () => now };
  const container = buildContainer({
    config,
    dataSource: ds,
    readDataSource: readDs,
    logger: options.logTo ? createLogger('info', options.logTo) : createLogger('silent'),
    clock,
    mailTransport: options.mailTransport,
  });
  const app = createApp(container);
  return {
    app,
    ds,
    container,
    config,
    factories: makeFactories(ds, clock),
    url,
    mediaDir,
    setNow: (date) => {
      now = date;
    },
    close: async () => {
      if (ds.isInitialized) await ds.destroy();
      if (readDs?.isInitialized) await readDs.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}
