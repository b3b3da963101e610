import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDataSource } from '../server/db/data-source';
import { createDatabaseIfMissing } from '../server/db/database';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { runMigrations } from '../server/db/migrate';
import { systemClock } from '../server/lib/clock';
import { CatalogService } from '../server/modules/catalog';
import { LocalDiskStorage } from '../server/storage/media-storage';
import { generateCatalogue } from './catalogue-generator';

/**
 * `node dist/bench/cold-search.js [products] [--concurrency N] [--rounds N] [--classes common] [--keep DIR]`: searches
 * whose ranking is not cached. Generates the bench catalogue in a database of its own, then sends
 * distinct queries, never repeated, through CatalogService as the listing page calls it (ranking, page
 * rows and the filter form's facets), with the catalogue cache off, N at a time (default 1), and prints
 * p50/p99 per class of query. `--rounds N` sends each class's queries N times (the cache is off, so
 * each search still ranks: more samples for the p99). `--classes` keeps the classes whose name holds one of the given words
 * (comma-separated); `--keep DIR` keeps the database in DIR and reuses it on the next run (generating
 * 500,000 products takes minutes; a new migration is applied to it on reuse).
 */
const KIND_WORDS = [
  'mật ong',
  'trà shan',
  'gạo',
  'cao actiso',
  'quế',
  'tinh dầu',
  'miến',
  'thịt trâu',
  'lạp sườn',
  'cá hồi',
  'mận',
  'rượu',
  'chè',
  'nấm hương',
  'thổ cẩm',
];
const PLACES = ['sa pa', 'bắc hà', 'mường khương', 'si ma cai', 'bảo yên', 'văn bàn', 'bát xát', 'mù cang chải', 'trạm tấu', 'nghĩa lộ', 'tú lệ', 'lục yên'];
const PACKS = ['hộp', 'chai', 'túi', 'gói', 'hũ', 'lọ'];

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd');
}

/** Each class: distinct queries in a fixed order; no query appears twice in the run. */
function queryClasses(): { name: string; queries: string[] }[] {
  const words = [...new Set(KIND_WORDS.flatMap((k) => k.split(' ')).concat(PACKS))];
  const common = words.flatMap((w) => (fold(w) === w ? [w] : [w, fold(w)]));
  const kindPlace = KIND_WORDS.flatMap((k) => PLACES.map((p) => `${k} ${p}`));
  const folded = kindPlace.map(fold);
  const typos = KIND_WORDS.flatMap((k) => PLACES.slice(0, 4).map((p) => `${fold(k)}${k.length % 2 ? 'g' : 'h'} ${fold(p)}`));
  const description = ['dac san', 'hop tac xa', 'san pham ocop', 'dia phuong', 'lo hang so', 'hop tac', 'san pham', 'ocop cua'];
  const rare = Array.from({ length: 30 }, (_, i) => `zq${i}xv khong co`);
  return [
    { name: 'one common word', queries: common },
    { name: 'kind + place, accents', queries: kindPlace },
    { name: 'kind + place, no accents', queries: folded },
    { name: 'typo', queries: typos },
    { name: 'words of every description', queries: description },
    { name: 'no match', queries: rare },
  ];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const products = Number(process.argv[2]?.startsWith('--') ? 50_000 : (process.argv[2] ?? 50_000));
  const concurrency = Number(option('concurrency') ?? 1);
  const classes = option('classes')?.split(',');
  const rounds = Number(option('rounds') ?? 1);
  const keep = option('keep');
  const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-cold-search-'));
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), passwordFile: path.join(dir, 'pw') });
  await createDatabaseIfMissing(pg.url(), 'cold_search');
  const ds = createDataSource({ url: pg.url('cold_search'), poolSize: Math.max(4, concurrency) });
  const log = (s: string) => process.stdout.write(`${s}\n`);
  try {
    await ds.initialize();
    await runMigrations(ds);
    const [{ n: existing }] = (await ds.query(`SELECT count(*)::int AS n FROM products`)) as { n: number }[];
    if (existing === 0) {
      const t0 = Date.now();
      await generateCatalogue(ds, products);
      log(
        `Generated ${products.toLocaleString('en')} products in ${((Date.now() - t0) / 1000).toFixed(1)} s (Node ${process.version}, ${os.availableParallelism()} CPUs)`,
      );
    } else {
      log(`Reusing ${existing.toLocaleString('en')} products in ${dir} (Node ${process.version}, ${os.availableParallelism()} CPUs)`);
    }
    // The cache off: every search ranks its matches.
    const catalog = new CatalogService(ds, new LocalDiskStorage(dir), systemClock, { cacheSeconds: 0 });
    await catalog.categories();
    // Warm the connections and the buffer cache with queries outside the measured classes.
    for (const q of ['warm up', 'khan', 'banh chung']) await catalog.searchProducts({ q, page: 1 }, { withFacets: true });

    log(`\n${concurrency} at a time, ${rounds} round(s)\n\n| query class | queries | p50 | p99 | max | matches (median) | slowest |`);
    log('|---|---:|---:|---:|---:|---:|---|');
    for (const { name, queries: distinct } of queryClasses().filter((c) => !classes || classes.some((word) => c.name.includes(word)))) {
      const queries = Array.from({ length: rounds }, () => distinct).flat();
      const times: number[] = [];
      const totals: number[] = [];
      const each: [string, number][] = [];
      let next = 0;
      // `concurrency` searches in flight, each taking the next query of the class.
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < queries.length) {
            const q = queries[next++];
            const started = process.hrtime.bigint();
            const page = await catalog.searchProducts({ q, page: 1 }, { withFacets: true });
            times.push(Number(process.hrtime.bigint() - started) / 1e6);
            each.push([q, times[times.length - 1]]);
            totals.push(page.totalCapped ? 1001 : page.total);
          }
        }),
      );
      times.sort((a, b) => a - b);
      totals.sort((a, b) => a - b);
      const ms = (n: number) => `${n.toFixed(1)} ms`;
      const median = percentile(totals, 50);
      const slowest = each
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([q, t]) => `"${q}" ${t.toFixed(0)} ms`)
        .join(', ');
      log(
        `| ${name} | ${queries.length} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 99))} | ${ms(times[times.length - 1])} | ${median > 1000 ? '> 1000' : median} | ${slowest} |`,
      );
    }
  } finally {
    await ds.destroy();
    await pg.stop();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
