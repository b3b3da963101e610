/**
 * Positional parameters for a query assembled piece by piece (optional filters, keyset pages):
 * `add` keeps the value and answers its placeholder, so a clause never counts parameters by hand.
 *
 *   const p = new SqlParams();
 *   const clauses = [`o.status = ${p.add(status)}`];
 *   await ds.query(`SELECT … FROM orders o ${whereAll(clauses)} LIMIT ${p.add(limit)}`, p.values);
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** The value's placeholder: `$1` for the first value added, `$2` for the next… */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `WHERE a AND b …` over the clauses, or nothing when there are none. */
export function whereAll(clauses: readonly string[]): string {
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}
