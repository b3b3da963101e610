import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export type ReadQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/**
 * For the hot read-only statements of public pages: each SQL text runs as a named prepared statement,
 * so PostgreSQL plans it once per connection instead of on every request (planning the listing cost
 * twice its execution), and the call skips TypeORM's query runner. It still goes through TypeORM's
 * logger, so logging and the query-count tests see every statement.
 */
export function preparedReads(ds: DataSource): ReadQuery {
  const pool = (ds.driver as PostgresDriver).master as Pool;
  const names = new Map<string, string>();
  return async <T>(sql: string, params: unknown[]) => {
    let name = names.get(sql);
    if (!name) {
      name = `r_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
      names.set(sql, name);
    }
    ds.logger.logQuery(sql, params);
    const result = await pool.query({ name, text: sql, values: params });
    return result.rows as T[];
  };
}
