import type { DataSource } from 'typeorm';

export interface SentQuery {
  sql: string;
  params: unknown[];
}

/**
 * Every SQL statement the app sends while `run` runs, whatever API sent it (query, repository, query
 * builder, the catalogue's prepared reads): all of them go through TypeORM's logger. For the
 * query-count tests and bench/explain.ts.
 */
export async function recordQueries(ds: DataSource, run: () => Promise<unknown>): Promise<SentQuery[]> {
  const seen: SentQuery[] = [];
  const logger = ds.logger;
  const original = logger.logQuery.bind(logger);
  logger.logQuery = (query: string, parameters?: unknown[], ...rest: unknown[]) => {
    seen.push({ sql: query, params: parameters ?? [] });
    return (original as (...a: unknown[]) => unknown)(query, parameters, ...rest);
  };
  try {
    await run();
  } finally {
    logger.logQuery = original;
  }
  return seen;
}
