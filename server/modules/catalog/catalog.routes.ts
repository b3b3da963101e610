import express, { type Request, type Router } from 'express';
import { NotFoundError } from '../../http/errors';
import { filterView, paginationView } from './catalog.presenter';
import { productQuerySchema, slugParamSchema } from './catalog.schemas';
import type { CatalogService } from './catalog.service';

/** A slug no product or seller can have is an unknown page (404), not a form error. */
function slugParam(req: Request): string {
  const parsed = slugParamSchema.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data.slug;
}

/** Public HTML pages: they read only, and never start a session. */
export function catalogRoutes(catalog: CatalogService): Router {
  const router = express.Router();

  router.get('/', async (_req, res) => {
    const [{ roots }, sections] = await Promise.all([catalog.categories(), catalog.homeSections()]);
    res.render('catalog/home', { groups: roots, ...sections });
  });

  router.get('/products', async (req, res) => {
    const query = productQuerySchema.parse(req.query);
    const [result, { roots }] = await Promise.all([catalog.searchProducts(query), catalog.categories()]);
    res.render('catalog/products', {
      title: query.q ? query.q : undefined,
      result,
      filters: filterView(query, roots, result.sort),
      pagination: paginationView('/products', query, result),
    });
  });

  router.get('/products/:slug', async (req, res) => {
    const slug = slugParam(req);
    const product = await catalog.getProduct(slug);
    res.render('catalog/product', { title: product.name, product });
  });

  router.get('/sellers/:slug', async (req, res) => {
    const slug = slugParam(req);
    const query = productQuerySchema.parse(req.query);
    const seller = await catalog.getStorefront(slug);
    const result = await catalog.searchProducts({ ...query, sellerId: seller.id });
    res.render('catalog/seller', {
      title: seller.name,
      seller,
      result,
      pagination: paginationView(`/sellers/${seller.slug}`, query, result),
    });
  });

  return router;
}

/** JSON read API: the same search and filters as /products. */
export function catalogApiRoutes(catalog: CatalogService): Router {
  const router = express.Router();

  router.get('/products', async (req, res) => {
    const query = productQuerySchema.parse(req.query);
    const result = await catalog.searchProducts(query);
    res.json({
      items: result.items,
      total: result.total,
      totalCapped: result.totalCapped,
      page: result.page,
      pageSize: result.pageSize,
      nextCursor: result.nextCursor || null,
    });
  });

  router.get('/products/:slug', async (req, res) => {
    const slug = slugParam(req);
    res.json(await catalog.getProduct(slug));
  });

  router.get('/categories', async (_req, res) => {
    const { roots } = await catalog.categories();
    res.json({ items: roots });
  });

  return router;
}
