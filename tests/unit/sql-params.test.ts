import { SqlParams, whereAll } from '../../server/db/sql-params';

describe('SqlParams', () => {
  it('answers $1, $2… in the order values are added, and keeps the values in that order', () => {
    const p = new SqlParams();
    expect(p.add('paid')).toBe('$1');
    expect(p.add(42)).toBe('$2');
    expect(p.add(null)).toBe('$3');
    expect(p.values).toEqual(['paid', 42, null]);
  });

  it('gives the same value a new placeholder each time it is added', () => {
    const p = new SqlParams();
    expect([p.add('2026-01-01'), p.add('2026-01-01')]).toEqual(['$1', '$2']);
    expect(p.values).toEqual(['2026-01-01', '2026-01-01']);
  });

  it('starts empty', () => {
    expect(new SqlParams().values).toEqual([]);
  });
});

describe('whereAll', () => {
  it('joins the clauses with AND after WHERE', () => {
    expect(whereAll(['o.status = $1', 'o.needs_review'])).toBe('WHERE o.status = $1 AND o.needs_review');
  });

  it('is empty without clauses', () => {
    expect(whereAll([])).toBe('');
  });
});
