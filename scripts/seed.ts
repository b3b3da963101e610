import { loadConfig } from '../server/config';
import { buildContainer } from '../server/container';
import { openDatabase } from '../server/db/database';
import { createDataSource } from '../server/db/data-source';
import { runMigrations, withStartupLock } from '../server/db/migrate';
import { createLogger } from '../server/logger';
import { seedDemoCatalogue } from '../server/seed/demo-catalogue';

/** `npm run seed`: loads the demo catalogue into an empty database (DATABASE_URL or embedded). */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger);
  const ds = createDataSource({ url: db.url, poolSize: 2 });
  try {
    await ds.initialize();
    await runMigrations(ds);
    const { media } = buildContainer({ config, dataSource: ds, logger });
    const added = await withStartupLock(ds, () => seedDemoCatalogue(ds, media));
    process.stdout.write(added ? `Đã nạp ${added} sản phẩm trình diễn.\n` : 'Cơ sở dữ liệu đã có sản phẩm: bỏ qua.\n');
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
