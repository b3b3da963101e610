import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

/** PostgreSQL unreachable, restarting or refusing connections: the request should be retried later (503). */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: string; message?: string; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.message && UNAVAILABLE_MESSAGES.some((r) => r.test(e!.message!))) return true;
    // CASE: PostgreSQL ends a connection between two queries of a transaction: TypeORM releases the
    // transaction's connection as soon as it fails, so the next query (or the COMMIT) throws one of
    // these instead of the connection error. Our code only queries through the managers TypeORM
    // hands to transaction callbacks, which it releases by itself only on such a failure.
    if (e instanceof QueryRunnerAlreadyReleasedError || e instanceof QueryRunnerProviderAlreadyReleasedError) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}

/** PostgreSQL refused a row that a unique constraint already holds (23505); with `constraint`, only that one. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | undefined;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
