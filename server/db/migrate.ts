import type { DataSource } from 'typeorm';

/** One key for every "only one instance at a time" start-up step (migrations, demo seed). */
const STARTUP_LOCK = 72_610_001;

/**
 * Runs `work` while holding a PostgreSQL advisory lock, so several app instances starting
 * together migrate and seed once instead of racing.
 */
export async function withStartupLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return withStartupLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  });
}
