import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDataSource } from '../server/db/data-source';
import { createDatabaseIfMissing } from '../server/db/database';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { runMigrations } from '../server/db/migrate';
import { recordQueries } from '../server/db/query-log';
import { systemClock } from '../server/lib/clock';
import { CatalogService } from '../server/modules/catalog';
import { LocalDiskStorage } from '../server/storage/media-storage';
import { generateCatalogue } from './catalogue-generator';

/**
 * `node dist/bench/explain.js [products]`: the query plans behind the benchmark's figures.
 * Runs the catalogue service's own SQL (captured as it is sent) under EXPLAIN (ANALYZE, BUFFERS).
 */
async function main(): Promise<void> {
  const products = Number(process.argv[2] ?? 50_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-explain-'));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), passwordFile: path.join(dir, 'pw') });
  await createDatabaseIfMissing(pg.url(), 'explain');
  const ds = createDataSource({ url: pg.url('explain'), poolSize: 2 });
  try {
    await ds.initialize();
    await runMigrations(ds);
    await generateCatalogue(ds, products);
    const catalog = new CatalogService(ds, new LocalDiskStorage(dir), systemClock, { cacheSeconds: 30 }); // as in production
    const [{ slug }] = (await ds.query(`SELECT slug FROM products ORDER BY id LIMIT 1`)) as { slug: string }[];
    const cases: [string, () => Promise<unknown>][] = [
      ['listing page 1', () => catalog.searchProducts({ page: 1 })],
      ['listing page 800 (no cursor)', () => catalog.searchProducts({ page: 800 })],
      ['product page', () => catalog.getProduct(slug)],
      ['search "mat"', () => catalog.searchProducts({ q: 'mat', page: 1 })],
      ['search "ma"', () => catalog.searchProducts({ q: 'ma', page: 1 })],
      ['search "mat ongg" (typo)', () => catalog.searchProducts({ q: 'mat ongg', page: 1 })],
      ['search "tra shan tuyet co thu suoi giang hop 200g"', () => catalog.searchProducts({ q: 'tra shan tuyet co thu suoi giang hop 200g', page: 1 })],
    ];
    await catalog.categories();
    for (const [name, run] of cases) {
      for (const { sql, params } of await recordQueries(ds, run)) {
        const plan = (await ds.query(`EXPLAIN (ANALYZE, BUFFERS, SUMMARY) ${sql}`, params)) as { 'QUERY PLAN': string }[];
        const lines = plan.map((r) => r['QUERY PLAN']);
        const times = lines.filter((l) => /^(Planning|Execution) Time/.test(l));
        process.stdout.write(
          `\n### ${name}\n${lines
            .filter((l) => /Scan|Sort|Limit|Hash Join|Nested Loop|Bitmap/.test(l))
            .slice(0, 14)
            .join('\n')}\n${times.join('\n')}\n`,
        );
      }
    }
  } finally {
    await ds.destroy();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
