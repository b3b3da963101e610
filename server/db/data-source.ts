import { types } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';

// A DATE is a calendar day, not an instant: keep it as 'YYYY-MM-DD' instead of a local-midnight Date.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

/**
 * bigint (money, count(*), identity ids) as a JS number, exact up to 2^53 − 1; pg's default is a
 * string, which would make `===` and `+` silently wrong. A value beyond that fails the query rather
 * than losing đồng.
 */
export function parseBigint(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}
types.setTypeParser(types.builtins.INT8, parseBigint);

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/**
 * One DataSource factory for the app, scripts and tests. TypeORM is the connection pool, the
 * transactions and the migration runner; queries are SQL, so there are no entities to register.
 * synchronize is never on.
 */
export function createDataSource({ url, poolSize = 10, applicationName = 'cho-ocop' }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // CASE: PostgreSQL restarting ends every connection with an error event. A connection caught
      // between owners then has no listener, and an unhandled 'error' would kill the process. The
      // owners' own listeners still run; the pool drops the broken connection when it comes back.
      onConnect: (client: { on: (event: 'error', listener: () => void) => void }) => {
        client.on('error', () => undefined);
      },
    },
  });
}
