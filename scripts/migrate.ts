import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/database';
import { createDataSource } from '../server/db/data-source';
import { runMigrations } from '../server/db/migrate';
import { createLogger } from '../server/logger';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger);
  const ds = createDataSource({ url: db.url, poolSize: 2 });
  try {
    await ds.initialize();
    const applied = await runMigrations(ds);
    process.stdout.write(applied.length ? `Đã chạy: ${applied.join(', ')}\n` : 'Không có migration mới.\n');
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
