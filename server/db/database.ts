import path from 'node:path';
import { Client } from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { startEmbeddedPostgres } from './embedded-postgres';

export const EMBEDDED_DATABASE = 'cho_ocop';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/** DATABASE_URL when set; otherwise a real PostgreSQL from embedded-postgres with its data in DATA_DIR/db. */
export async function openDatabase(config: Readonly<Config>, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const pgLog = logger.child({ component: 'postgres' });
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'db'),
    passwordFile: path.join(config.dataDir, 'pg-password'),
    log: (line) => pgLog.debug(line),
  });
  try {
    await createDatabaseIfMissing(pg.url(), EMBEDDED_DATABASE);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return { url: pg.url(EMBEDDED_DATABASE), embedded: true, stop: pg.stop };
}
