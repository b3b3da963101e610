import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createApp } from './app';
import type { Config } from './config';
import { buildContainer, type Container } from './container';
import { openDatabase, type DatabaseHandle } from './db/database';
import { createDataSource } from './db/data-source';
import { runMigrations, withStartupLock } from './db/migrate';
import type { Logger } from './logger';
import { refuseDemoLoginsWithPublishedPasswords, seedDemoAccounts } from './seed/demo-accounts';
import { seedDemoCatalogue } from './seed/demo-catalogue';
import { seedDemoBatches } from './seed/demo-batches';
import { seedDemoHistory } from './seed/demo-history';
import { seedDemoMarketDay } from './seed/demo-market-day';
import { seedDemoReviews } from './seed/demo-reviews';
import { seedDemoTaxSale } from './seed/demo-tax';
import { seedDemoTeam } from './seed/demo-team';

export interface RunningStore {
  url: string;
  port: number;
  container: Container;
  database: DatabaseHandle;
  /** Stops accepting requests, drains, closes the pool, then stops an embedded PostgreSQL. */
  stop: () => Promise<void>;
}

/** How a worker of a cluster starts (server/cluster.ts): the primary opened and prepared the database. */
export interface WorkerStart {
  database: DatabaseHandle;
  /** This worker's share of the connection budget. */
  poolSize: number;
}

/** config → database (embedded or DATABASE_URL) → migrations → demo seed → listen. A cluster worker only listens. */
export async function startStore(config: Readonly<Config>, logger: Logger, worker?: WorkerStart): Promise<RunningStore> {
  const database = worker?.database ?? (await openDatabase(config, logger));
  let dataSource: DataSource | undefined;
  let readDataSource: DataSource | undefined;
  try {
    const poolSize = worker?.poolSize ?? config.databasePoolSize;
    dataSource = createDataSource({ url: database.url, poolSize });
    await dataSource.initialize();
    const ds = dataSource;
    // DATABASE_READ_URL: a second pool, as large as the primary's, for the public catalogue's reads.
    if (config.databaseReadUrl) {
      readDataSource = createDataSource({ url: config.databaseReadUrl, poolSize, applicationName: 'cho-ocop-read' });
      await readDataSource.initialize();
    }
    const reader = readDataSource;
    const container = worker ? buildContainer({ config, dataSource: ds, readDataSource: reader, logger }) : await prepareDatabase(ds, config, logger, reader);
    // Background work: mail and Zalo messages from their outboxes, and unpaid orders past their reservation.
    // It runs in every worker of a cluster (and in every instance): each job is claimed with FOR UPDATE
    // SKIP LOCKED (outbox rows, overdue orders, requested refunds), so no two workers take the same row
    // and each piece of work happens once.
    container.mailWorker.start();
    container.zaloWorker.start();
    const sweeper = setInterval(
      () =>
        void Promise.all([container.orders.expireOverdue(), container.refunds.processRequested()]).catch((err) =>
          logger.error({ err }, 'order sweeper failed'),
        ),
      30_000,
    );
    sweeper.unref();
    const server: Server = createApp(container).listen(config.port);
    // CASE: Node closes idle keep-alive sockets after 5 s; a client (or load balancer) reusing one at
    // that instant gets a reset instead of an answer. Keep them longer than balancers do (60 s).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        clearInterval(sweeper);
        await container.mailWorker.stop();
        await container.zaloWorker.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await ds.destroy().catch(() => undefined);
        if (reader) await reader.destroy().catch(() => undefined);
        await database.stop();
      })());
    return { url: `http://localhost:${port}`, port, container, database, stop };
  } catch (err) {
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    if (readDataSource?.isInitialized) await readDataSource.destroy().catch(() => undefined);
    await database.stop();
    throw err;
  }
}

/**
 * The one-time work of a start, under the start-up lock (several instances may start together):
 * migrations, the production guard, the demo seed. Done by the process that opened the database (the
 * cluster's primary, or the store itself with one worker). Returns the container it seeded with.
 */
export async function prepareDatabase(ds: DataSource, config: Readonly<Config>, logger: Logger, readDataSource?: DataSource): Promise<Container> {
  const applied = await runMigrations(ds);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (config.isProduction) await refuseDemoLoginsWithPublishedPasswords(ds);
  const container = buildContainer({ config, dataSource: ds, readDataSource, logger });
  if (config.seedDemo) {
    const added = await withStartupLock(ds, async () => {
      const count = await seedDemoCatalogue(ds, container.media);
      // Production may load the catalogue, never the logins the README publishes.
      if (config.demo) await seedDemoAccounts(ds);
      // A digital team in Sa Pa with the demo member and a household it assists (the member is a published login).
      if (config.demo) await seedDemoTeam(ds);
      // A household's paid order, withheld the real way, so /admin/tax has something to show.
      if (config.demo && config.vietqr) await seedDemoTaxSale(container);
      // Reviews from demo buyers on delivered orders (never in production: they are not real buyers' words).
      if (config.demo) await seedDemoReviews(container);
      // Sixty days of demo orders (paid, shipped, delivered, a refund, a cancellation, payouts) for the dashboard, reports and ledger.
      if (config.demo) await seedDemoHistory(container);
      // A market day running today in Sa Pa, again on a start on a later day.
      await seedDemoMarketDay(ds);
      // Batches with trace pages for the demo cooperative's honey (/trace/DEMO-LT1-2604).
      await seedDemoBatches(ds);
      return count;
    });
    if (added) logger.info({ products: added }, 'demo catalogue loaded');
  }
  return container;
}
