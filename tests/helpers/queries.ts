import type { DataSource } from 'typeorm';
import { recordQueries } from '../../server/db/query-log';

export { recordQueries, type SentQuery } from '../../server/db/query-log';

/** The statements of `recordQueries`, whitespace collapsed. */
export async function countQueries(ds: DataSource, run: () => Promise<unknown>): Promise<string[]> {
  return (await recordQueries(ds, run)).map((q) => q.sql.replace(/\s+/g, ' ').trim());
}
