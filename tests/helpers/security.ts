import type { DataSource } from 'typeorm';
import { decodeHtml } from './sales';

/**
 * A digest of every table a request could write (sessions and login counters aside): equal
 * digests before and after a refused request mean it changed nothing in the database.
 */
export async function databaseDigest(ds: DataSource, except: string[] = ['sessions', 'login_failures', 'migrations']): Promise<Record<string, string>> {
  const tables = (await ds.query(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )) as { name: string }[];
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    if (except.includes(name)) continue;
    const [row] = await ds.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`);
    digest[name] = `${row.n}:${row.h}`;
  }
  return digest;
}

/** Text a hostile user types: closes attributes and elements, runs script, and starts like a spreadsheet formula. */
export function hostileText(tag: string, lead: '=' | '+' | '-' | '@' = '='): string {
  // 82 characters with a 6-character tag: it fits a name field (100).
  return `${lead}HYPERLINK("//e.x") ${tag}"'><script>alert(1)</script><img src=x onerror=alert(1)>`;
}

/** A shorter one for fields of 60 characters or fewer. */
export function shortHostileText(tag: string): string {
  return `@${tag}"><script>alert(1)</script>`;
}

/** What must never reach a page raw: an element we did not write, an event handler, a javascript: URL. */
export function activeContent(html: string): string[] {
  const found: string[] = [];
  for (const [label, pattern] of [
    ['<script>alert', /<script>alert/i],
    ['onerror attribute', /<img[^>]*\sonerror\s*=/i],
    ['javascript: URL', /(href|src|action|formaction)\s*=\s*["']?\s*javascript:/i],
    ['HYPERLINK breaking out of an attribute', /"\s*'\s*>\s*<script/i],
  ] as const) {
    if (pattern.test(html)) found.push(label);
  }
  return found;
}

/** The page shows this text to the reader (after the browser decodes the entities). */
export function pageShows(html: string, text: string): boolean {
  return decodeHtml(html).includes(text);
}
