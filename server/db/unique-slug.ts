import type { EntityManager } from 'typeorm';
import { slugify } from '../lib/slug';

/** "mat-ong", then "mat-ong-2", "mat-ong-3"… among the slugs already in `table`. */
export async function uniqueSlug(
  manager: EntityManager,
  table: 'products' | 'sellers' | 'market_days',
  name: string,
  reserved: ReadonlySet<string> = new Set(),
): Promise<string> {
  const base = slugify(name, 70);
  const rows = (await manager.query(`SELECT slug FROM ${table} WHERE slug = $1 OR slug LIKE $2`, [base, `${base}-%`])) as { slug: string }[];
  const taken = new Set([...rows.map((r) => r.slug), ...reserved]);
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  return slug;
}
