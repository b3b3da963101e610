import express from 'express';
import Handlebars from 'handlebars';
import http from 'node:http';
import { Pool } from 'pg';
import { createDataSource } from '../server/db/data-source';
import { systemClock } from '../server/lib/clock';
import { formatVnd } from '../server/lib/money';
import { filterView, listingHref, paginationView } from '../server/modules/catalog/catalog.presenter';
import { PAGE_SIZE, productQuerySchema } from '../server/modules/catalog/catalog.schemas';
import { CatalogService, keysetPage, newestFirstPageQuery, type CardRow } from '../server/modules/catalog/catalog.service';
import { createRenderer } from '../server/rendering/view-engine';
import { LocalDiskStorage } from '../server/storage/media-storage';

/**
 * The physical limit for the listing page on this machine: the fastest thing that could serve the
 * store's own /products page 1, byte for byte, to an anonymous Vietnamese visitor. Per request one
 * query (the store's listing query for that page) and the store's templates and view model; no
 * middleware, session, cookies, CSP headers or caches to consult.
 * `/bare` is the earlier reference: the same 24 products as a bare list (about 7.8 KB) with an inline template.
 *
 * `node dist/bench/baseline-server.js http|express PORT DATABASE_URL`, with the store's PUBLIC_URL
 * in the environment (the page's canonical link).
 */
const [mode, port, url] = process.argv.slice(2);
const publicUrl = (process.env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
const pool = new Pool({ connectionString: url, max: 10 });

// ---- /products: the store's page ----
const render = createRenderer();
// Only url() is used, and it builds the store's /media/<name> URLs; the baseline serves no files.
const media = new LocalDiskStorage('');
const listingQuery = newestFirstPageQuery();
/** What catalogRoutes parses from a bare /products. */
const query = productQuerySchema.parse({});
/** An anonymous visitor's listing renders no form that needs a token: a call would be a page that differs from the store's. */
const csrfToken = () => {
  throw new Error('the anonymous /products page asked for a CSRF token');
};

/**
 * Reference data the store caches too (the group tree, the filter options that have products with their
 * counts, the listing's count), read once through the store's own service.
 */
async function loadStatic() {
  const ds = createDataSource({ url, poolSize: 2, applicationName: 'cho-ocop-baseline' });
  await ds.initialize();
  try {
    const catalog = new CatalogService(ds, media, systemClock);
    const [{ roots }, first] = await Promise.all([catalog.categories(), catalog.searchProducts(query, { withFacets: true })]);
    return {
      count: { total: first.total, totalCapped: first.totalCapped },
      filters: filterView(query, roots, first.sort, first.facets),
      canonical: listingHref(`${publicUrl}/products`, query, { page: undefined, sort: undefined }),
    };
  } finally {
    await ds.destroy();
  }
}

async function productsPage(currentPath: string, page: Awaited<ReturnType<typeof loadStatic>>): Promise<string> {
  const { rows } = await pool.query<CardRow>({ name: 'newest_first_page', text: listingQuery.sql, values: listingQuery.params });
  const result = { ...keysetPage(rows, { sort: 'newest', page: 1, pageSize: PAGE_SIZE }, media, systemClock.now()), ...page.count };
  return render('catalog/products', {
    // languageMiddleware and csrf.provideToken, for a visitor without cookies
    lang: 'vi',
    currentPath,
    csrfToken,
    // catalogRoutes' GET /products
    title: 'Sản phẩm OCOP',
    canonical: page.canonical,
    noindex: false,
    result,
    filters: page.filters,
    pagination: paginationView('/products', query, result),
  });
}

// ---- /bare: the earlier baseline ----
const bareTemplate = Handlebars.compile(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Sản phẩm OCOP</title></head><body><main><ul>
{{#each items}}<li><a href="/products/{{slug}}"><img src="/media/{{cover}}-400.webp" alt="{{name}}" width="400" height="400" loading="lazy"><span>{{name}}</span> <span>{{price}}</span> <span>{{seller}}</span></a></li>{{/each}}
</ul></main></body></html>`);
const BARE_SQL = `SELECT p.id, p.slug, p.name, p.price_vnd, s.name AS seller, img.storage_key AS cover
  FROM products p JOIN sellers s ON s.id = p.seller_id
  LEFT JOIN LATERAL (SELECT storage_key FROM product_images i WHERE i.product_id = p.id ORDER BY position, id LIMIT 1) img ON true
  WHERE p.status = 'active' AND s.status = 'approved' ORDER BY p.id DESC LIMIT 24`;

async function barePage(): Promise<string> {
  const { rows } = await pool.query(BARE_SQL);
  return bareTemplate({ items: rows.map((r) => ({ ...r, price: formatVnd(r.price_vnd) })) });
}

async function main(): Promise<void> {
  const page = await loadStatic();
  const ready = () => process.send?.('ready');
  if (mode === 'express') {
    const app = express();
    app.disable('x-powered-by');
    // As in the store: no ETag hashing of every body.
    app.set('etag', false);
    app.get('/products', async (req, res) => {
      res.type('html').send(await productsPage(req.originalUrl, page));
    });
    app.get('/bare', async (_req, res) => {
      res.type('html').send(await barePage());
    });
    app.listen(Number(port), '127.0.0.1', ready);
  } else {
    http
      .createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        const html = path === '/products' ? productsPage(req.url!, page) : path === '/bare' ? barePage() : null;
        if (!html) {
          res.writeHead(404);
          res.end();
          return;
        }
        html.then(
          (body) => {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
            res.end(body);
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      })
      .listen(Number(port), '127.0.0.1', ready);
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
