import type { Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { buildContainer } from './container';
import { openDatabase, type DatabaseHandle } from './db/database';
import { createDataSource } from './db/data-source';
import { runMigrations, withStartupLock } from './db/migrate';
import { createLogger } from './logger';
import { seedDemoCatalogue } from './seed/demo-catalogue';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let database: DatabaseHandle | undefined;
  let server: Server | undefined;
  let dataSource: DataSource | undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Đang dừng… (shutting down)');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    await database?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  database = await openDatabase(config, logger);
  dataSource = createDataSource({ url: database.url });
  const ds = dataSource;
  try {
    await ds.initialize();
    const applied = await runMigrations(ds);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const container = buildContainer({ config, dataSource: ds, logger });
    if (config.seedDemo) {
      const added = await withStartupLock(ds, () => seedDemoCatalogue(ds, container.media));
      if (added) logger.info({ products: added }, 'demo catalogue loaded');
    }
    const app = createApp(container);
    server = app.listen(config.port);
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve);
      server!.once('error', reject);
    });
    const url = `http://localhost:${config.port}`;
    const lines = [
      '',
      `  Chợ OCOP đang chạy tại ${url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  Cơ sở dữ liệu: ${database.embedded ? `PostgreSQL nhúng trong ${config.dataDir}/db` : 'DATABASE_URL'}`,
      '  Nhấn Ctrl-C để dừng.',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } catch (err) {
    if (ds.isInitialized) await ds.destroy().catch(() => undefined);
    await database.stop();
    throw err;
  }
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : (err?.stack ?? String(err));
  process.stderr.write(`\nKhông khởi động được Chợ OCOP (start-up failed):\n${message}\n`);
  process.exit(1);
});
