import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { prepareDatabase, startStore, type RunningStore } from './boot';
import type { Config } from './config';
import { openDatabase } from './db/database';
import { createDataSource } from './db/data-source';
import type { Logger } from './logger';

/**
 * WEB_CONCURRENCY > 1: one primary and that many workers (node:cluster), all on one port.
 *
 * The primary does the one-time work of a start and serves nothing: it opens the database (an embedded
 * PostgreSQL is started once, here; the workers connect to its URL), runs the migrations and the demo
 * seed under the start-up lock, reads PostgreSQL's connection limit, forks the workers and keeps them:
 * a worker that dies outside a shutdown is replaced (after a growing pause, so a crash loop does not
 * spin), and SIGTERM/SIGINT drains every worker before the embedded PostgreSQL stops.
 *
 * A worker builds its own container and pool and listens; the primary hands it connections. Background
 * work (mail and Zalo outboxes, the reservation sweeper, refunds) runs in every worker: its rows are
 * claimed with FOR UPDATE SKIP LOCKED, so it happens once however many workers or instances run.
 */

type ToWorker = { type: 'start'; databaseUrl: string; poolSize: number } | { type: 'stop' };
type FromWorker = { type: 'ready' };

/** Connections a start-up leaves for psql, migrations of another instance and the like. */
const SPARE_CONNECTIONS = 10;
/** A single process's pool (createDataSource's default): also each worker's share when the budget allows. */
const POOL_PER_PROCESS = 10;

/**
 * Each worker's pool: the budget (DATABASE_POOL_SIZE, else 10 per worker but no more than PostgreSQL
 * accepts: max_connections − the reserved ones − 10 spare) divided by the workers, at least 2 each.
 * With several instances on one PostgreSQL, give each a DATABASE_POOL_SIZE that adds up under the limit.
 */
export function workerPoolSize(workers: number, usableConnections: number, budget?: number): number {
  const total = budget ?? Math.min(POOL_PER_PROCESS * workers, usableConnections - SPARE_CONNECTIONS);
  return Math.max(2, Math.floor(total / workers));
}

/** Pause before replacing a worker: 0.5 s, doubling with each crash in the last minute, at most 30 s. */
export function respawnDelay(recentCrashes: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, recentCrashes - 1));
}

export interface RunningPrimary {
  url: string;
  embedded: boolean;
  /** Drains every worker (each stops accepting, finishes its requests, closes its pool), then stops an embedded PostgreSQL. */
  stop: () => Promise<void>;
}

export async function startPrimary(config: Readonly<Config>, logger: Logger): Promise<RunningPrimary> {
  const database = await openDatabase(config, logger);
  let usable: number;
  try {
    const ds = createDataSource({ url: database.url, poolSize: 2, applicationName: 'cho-ocop-primary' });
    await ds.initialize();
    try {
      await prepareDatabase(ds, config, logger);
      const [row] = (await ds.query(
        `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
                - coalesce(current_setting('reserved_connections', true), '0')::int AS usable`,
      )) as { usable: number }[];
      usable = row.usable;
    } finally {
      await ds.destroy().catch(() => undefined);
    }
  } catch (err) {
    await database.stop();
    throw err;
  }
  const workers = config.workers;
  const poolSize = workerPoolSize(workers, usable, config.databasePoolSize);
  if (poolSize * workers > usable) {
    logger.warn({ workers, poolSize, usable }, 'the workers may open more connections than PostgreSQL accepts: lower DATABASE_POOL_SIZE or WEB_CONCURRENCY');
  }
  logger.info({ workers, poolSize }, 'starting workers');

  cluster.setupPrimary({ exec: path.join(__dirname, 'main.js') });
  let stopping = false;
  const crashes: number[] = [];
  const respawns = new Set<NodeJS.Timeout>();
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (msg: FromWorker) => {
      if (msg?.type === 'ready') worker.send({ type: 'start', databaseUrl: database.url, poolSize } satisfies ToWorker);
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes[0] < now - 60_000) crashes.shift();
    const delay = respawnDelay(crashes.length);
    logger.error({ pid: worker.process.pid, code, signal, respawnInMs: delay }, 'worker died; starting another');
    const timer = setTimeout(() => {
      respawns.delete(timer);
      if (!stopping) fork();
    }, delay);
    respawns.add(timer);
  });

  // Ready when every first worker listens; one that fails to start makes the whole start fail.
  const port = await new Promise<number>((resolve, reject) => {
    let listening = 0;
    const first = Array.from({ length: workers }, fork);
    const failed = (worker: Worker, code: number | null) => {
      if (first.includes(worker)) reject(new Error(`worker ${worker.process.pid} exited during start-up (${code})`));
    };
    cluster.on('exit', failed);
    cluster.on('listening', (worker, address) => {
      if (!first.includes(worker)) return;
      if (++listening === workers) {
        cluster.off('exit', failed);
        resolve(address.port);
      }
    });
  }).catch(async (err) => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
    await database.stop();
    throw err;
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      for (const timer of respawns) clearTimeout(timer);
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(
        alive.map(
          (w) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => w.process.kill('SIGKILL'), 15_000);
              w.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              if (w.isConnected()) w.send({ type: 'stop' } satisfies ToWorker);
              else w.process.kill('SIGTERM');
            }),
        ),
      );
      await database.stop();
    })());
  return { url: `http://localhost:${port}`, embedded: database.embedded, stop };
}

/** A worker: asks the primary for the database, starts the store on it, stops when told (or when the primary is gone). */
export async function runWorker(config: Readonly<Config>, parentLogger: Logger): Promise<void> {
  const logger = parentLogger.child({ worker: cluster.worker?.id });
  // eslint-disable-next-line prefer-const -- CASE: a stop during start-up runs before the store exists
  let store: RunningStore | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 15_000).unref();
    await store?.stop().catch((err) => logger.error({ err }, 'worker stop failed'));
    process.exit(0);
  };
  const start = new Promise<Extract<ToWorker, { type: 'start' }>>((resolve) => {
    process.on('message', (msg: ToWorker) => {
      if (msg?.type === 'start') resolve(msg);
      else if (msg?.type === 'stop') void stop();
    });
  });
  // The primary coordinates a stop (Ctrl-C reaches the whole process group); a worker told SIGTERM on its own stops and is replaced.
  process.on('SIGINT', () => {
    if (!process.connected) void stop();
  });
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  process.send!({ type: 'ready' } satisfies FromWorker);
  const { databaseUrl, poolSize } = await start;
  if (stopping) return;
  store = await startStore(config, logger, { database: { url: databaseUrl, embedded: false, stop: async () => undefined }, poolSize });
}
