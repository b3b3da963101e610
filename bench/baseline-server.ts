import express from 'express';
import Handlebars from 'handlebars';
import http from 'node:http';
import { Pool } from 'pg';
import { formatVnd } from '../server/lib/money';

/**
 * The physical limit for the listing page on this machine: one keyset query for 24 products,
 * rendered by Handlebars with the same escaping. `node dist/bench/baseline-server.js http|express PORT DATABASE_URL`.
 */
const [mode, port, url] = process.argv.slice(2);
const pool = new Pool({ connectionString: url, max: 10 });
const template = Handlebars.compile(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Sản phẩm OCOP</title></head><body><main><ul>
{{#each items}}<li><a href="/products/{{slug}}"><img src="/media/{{cover}}-400.webp" alt="{{name}}" width="400" height="400" loading="lazy"><span>{{name}}</span> <span>{{price}}</span> <span>{{seller}}</span></a></li>{{/each}}
</ul></main></body></html>`);
const SQL = `SELECT p.id, p.slug, p.name, p.price_vnd, s.name AS seller, img.storage_key AS cover
  FROM products p JOIN sellers s ON s.id = p.seller_id
  LEFT JOIN LATERAL (SELECT storage_key FROM product_images i WHERE i.product_id = p.id ORDER BY position, id LIMIT 1) img ON true
  WHERE p.status = 'active' AND s.status = 'approved' ORDER BY p.id DESC LIMIT 24`;

async function page(): Promise<string> {
  const { rows } = await pool.query(SQL);
  return template({ items: rows.map((r) => ({ ...r, price: formatVnd(r.price_vnd) })) });
}

if (mode === 'express') {
  const app = express();
  app.disable('x-powered-by');
  app.get('/products', async (_req, res) => {
    res.type('html').send(await page());
  });
  app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
} else {
  http
    .createServer((req, res) => {
      page().then(
        (html) => {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(html);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    })
    .listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
}
