import express, { type Router } from 'express';
import type { CatalogService } from './catalog.service';

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** robots.txt and sitemap.xml: what search engines may read, and where it is. */
export function seoRoutes(catalog: CatalogService, publicUrl: string): Router {
  const router = express.Router();

  router.get('/robots.txt', (_req, res) => {
    res
      .type('text/plain')
      .send(
        [
          'User-agent: *',
          'Disallow: /admin',
          'Disallow: /seller',
          'Disallow: /cart',
          'Disallow: /checkout',
          'Disallow: /orders',
          'Disallow: /account',
          'Disallow: /login',
          'Disallow: /register',
          'Disallow: /api/',
          'Disallow: /products?q=',
          `Sitemap: ${publicUrl}/sitemap.xml`,
          '',
        ].join('\n'),
      );
  });

  router.get('/sitemap.xml', async (_req, res) => {
    const { products, sellers } = await catalog.sitemapEntries();
    const url = (path: string, updated?: Date) =>
      `<url><loc>${xmlEscape(publicUrl + path)}</loc>${updated ? `<lastmod>${new Date(updated).toISOString().slice(0, 10)}</lastmod>` : ''}</url>`;
    const body = [
      url('/'),
      url('/products'),
      ...products.map((p) => url(`/products/${p.slug}`, p.updatedAt)),
      ...sellers.map((s) => url(`/sellers/${s.slug}`, s.updatedAt)),
    ].join('\n');
    res
      .type('application/xml')
      .set('Cache-Control', 'public, max-age=3600')
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}\n</urlset>\n`);
  });

  return router;
}
