import { loadConfig, type Config } from '../server/config';
import { openDatabase } from '../server/db/database';
import { createDataSource } from '../server/db/data-source';
import { runMigrations } from '../server/db/migrate';
import { createLogger, type Logger } from '../server/logger';
import type { DataSource } from 'typeorm';

/**
 * For the npm scripts: open the database (DATABASE_URL, or the embedded one, shared with a running
 * store if there is one), bring it to the latest migration, run `work`, close everything, and exit
 * non-zero with the error if anything failed.
 */
export function runWithDatabase(work: (ctx: { config: Readonly<Config>; dataSource: DataSource; logger: Logger }) => Promise<void>): void {
  (async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const db = await openDatabase(config, logger);
    const dataSource = createDataSource({ url: db.url, poolSize: 2 });
    try {
      await dataSource.initialize();
      await runMigrations(dataSource);
      await work({ config, dataSource, logger });
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.stop();
    }
  })().catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
