import { startStore, type RunningStore } from './boot';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { DEMO_ACCOUNTS } from './seed/demo-accounts';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // eslint-disable-next-line prefer-const -- CASE: a signal during boot runs shutdown() before the store exists
  let store: RunningStore | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Đang dừng… (shutting down)');
    setTimeout(() => process.exit(1), 20_000).unref();
    await store?.stop();
    process.exit(0);
  };
  // Ctrl-C also stops the embedded PostgreSQL (it runs in its own process group).
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  store = await startStore(config, logger);
  if (stopping) return;
  const lines = [
    '',
    `  Chợ OCOP đang chạy tại ${store.url}  (sẵn sàng sau ${((Date.now() - started) / 1000).toFixed(1)} giây)`,
    `  Cơ sở dữ liệu: ${store.database.embedded ? `PostgreSQL nhúng trong ${config.dataDir}/db` : 'DATABASE_URL'}`,
    // Never in production: there the demo logins do not exist (and their passwords must not be printed).
    ...(config.demo
      ? ['  Tài khoản trình diễn (demo logins):', ...Object.entries(DEMO_ACCOUNTS).map(([role, a]) => `    ${role.padEnd(7)} ${a.email}  /  ${a.password}`)]
      : []),
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
