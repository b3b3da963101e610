import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export type ReadQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

const names = new Map<string, string>();

/** A named statement's name: the same text, the same name, on every connection (the texts are the code's constants). */
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `r_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * For the hot read-only statements of public pages: each SQL text runs as a named prepared statement,
 * so PostgreSQL plans it once per connection instead of on every request (planning the listing cost
 * twice its execution), and the call skips TypeORM's query runner. It still goes through TypeORM's
 * logger, so logging and the query-count tests see every statement.
 */
export function preparedReads(ds: DataSource): ReadQuery {
  const pool = (ds.driver as PostgresDriver).master as Pool;
  return async <T>(sql: string, params: unknown[]) => {
    ds.logger.logQuery(sql, params);
    const result = await pool.query({ name: statementName(sql), text: sql, values: params });
    return result.rows as T[];
  };
}

/**
 * The same for a statement of the hot path of checkout, on the transaction's connection when
 * `manager` has one (else on the pool): a flash sale runs it hundreds of times a second, and
 * planning it each time cost PostgreSQL a third of its CPU per checkout attempt (bench/RESULTS.md).
 */
export async function preparedQuery<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const query = { name: statementName(sql), text: sql, values: params };
  manager.connection.logger.logQuery(sql, params);
  const runner = manager.queryRunner;
  if (runner) {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query(query)).rows as T[];
  }
  return (await ((manager.connection.driver as PostgresDriver).master as Pool).query(query)).rows as T[];
}
