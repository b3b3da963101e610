import cluster from 'node:cluster';
import { startStore } from './boot';
import { runWorker, startPrimary } from './cluster';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { DEMO_ACCOUNTS } from './seed/demo-accounts';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // A worker of WEB_CONCURRENCY > 1: the primary prepared the database and coordinates its stop.
  if (cluster.isWorker) return runWorker(config, logger);
  // eslint-disable-next-line prefer-const -- CASE: a signal during boot runs shutdown() before the store exists
  let store: { url: string; embedded: boolean; stop: () => Promise<void> } | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Đang dừng… (shutting down)');
    setTimeout(() => process.exit(1), 20_000).unref();
    // CASE: a signal during start-up: the start finishes first, then stops (an embedded PostgreSQL is not left running).
    if (!store) return;
    await store.stop();
    process.exit(0);
  };
  // Ctrl-C also stops the embedded PostgreSQL (it runs in its own process group).
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // One worker: the store runs in this process. More: this process opens the database, forks and keeps them.
  const running =
    config.workers > 1
      ? await startPrimary(config, logger)
      : await startStore(config, logger).then((s) => ({ url: s.url, embedded: s.database.embedded, stop: s.stop }));
  store = running;
  if (stopping) {
    await running.stop();
    process.exit(0);
  }
  const lines = [
    '',
    `  Chợ OCOP đang chạy tại ${running.url}  (sẵn sàng sau ${((Date.now() - started) / 1000).toFixed(1)} giây)`,
    `  Cơ sở dữ liệu: ${running.embedded ? `PostgreSQL nhúng trong ${config.dataDir}/db` : 'DATABASE_URL'}`,
    // Never in production: there the demo logins do not exist (and their passwords must not be printed).
    ...(config.demo
      ? ['  Tài khoản trình diễn (demo logins):', ...Object.entries(DEMO_ACCOUNTS).map(([role, a]) => `    ${role.padEnd(7)} ${a.email}  /  ${a.password}`)]
      : []),
    ...(config.workers > 1 ? [`  ${config.workers} tiến trình (workers, WEB_CONCURRENCY)`] : []),
    '  Nhấn Ctrl-C để dừng.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  const message = err instanceof ConfigError ? err.message : (err?.stack ?? String(err));
  process.stderr.write(`\nKhông khởi động được Chợ OCOP (start-up failed):\n${message}\n`);
  process.exit(1);
});
