import express, { type Request, type Router } from 'express';
import { NotFoundError } from '../../lib/errors';
import { requestLanguage } from '../../http/language';
import { translate } from '../../rendering/i18n';
import { filterView, listingHref, paginationView } from './catalog.presenter';
import { excerpt, productJsonLd, productOpenGraph, shareLinks, type JsonLdReview } from './catalog.seo';
import { productQuerySchema, slugParamSchema } from './catalog.schemas';
import type { CatalogService, ProductDetail } from './catalog.service';

/** A slug no product or seller can have is an unknown page (404), not a form error. */
function slugParam(req: Request): string {
  const parsed = slugParamSchema.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data.slug;
}

/** What other modules add to a product page (the reviews module: its block's locals and the reviews for JSON-LD). */
export type ProductExtras = (
  product: ProductDetail,
  query: unknown,
  req?: Request,
) => Promise<{ locals: Record<string, unknown>; jsonLdReviews: JsonLdReview[] }>;

/**
 * Public HTML pages: they read only, and never start a session. `homeExtras` adds what other modules
 * show on the home page (the next market day), read alongside the catalogue's sections.
 */
export function catalogRoutes(
  catalog: CatalogService,
  publicUrl: string,
  homeExtras: () => Promise<Record<string, unknown>> = async () => ({}),
  productExtras: ProductExtras = async () => ({ locals: {}, jsonLdReviews: [] }),
): Router {
  const router = express.Router();

  router.get('/', async (_req, res) => {
    const [{ roots }, sections, extras] = await Promise.all([catalog.categories(), catalog.homeSections(), homeExtras()]);
    res.render('catalog/home', { groups: roots, ...sections, ...extras, canonical: `${publicUrl}/` });
  });

  router.get('/products', async (req, res) => {
    const query = productQuerySchema.parse(req.query);
    const [result, { roots }] = await Promise.all([catalog.searchProducts(query, { withFacets: true }), catalog.categories()]);
    res.render('catalog/products', {
      title: query.q ? query.q : translate(requestLanguage(res), 'products.title'),
      canonical: listingHref(`${publicUrl}/products`, query, { page: query.page > 1 ? query.page : undefined, sort: undefined }),
      // A search result page is for people, not for the index.
      noindex: !!query.q,
      result,
      filters: filterView(query, roots, result.sort, result.facets),
      pagination: paginationView('/products', query, result),
    });
  });

  router.get('/products/:slug', async (req, res) => {
    const slug = slugParam(req);
    const product = await catalog.getProduct(slug);
    const extras = await productExtras(product, req.query, req);
    res.render('catalog/product', {
      title: product.name,
      product,
      ...extras.locals,
      metaDescription: excerpt(`${product.name}: ${product.description}`),
      canonical: `${publicUrl}/products/${product.slug}`,
      jsonLd: productJsonLd(product, publicUrl, extras.jsonLdReviews),
      openGraph: productOpenGraph(product, publicUrl),
      share: shareLinks(`${publicUrl}/products/${product.slug}`),
    });
  });

  router.get('/sellers/:slug', async (req, res, next) => {
    // /sellers/apply is the cooperatives' application form (sellers module), not a storefront.
    if (req.params.slug === 'apply') return next();
    const slug = slugParam(req);
    const query = productQuerySchema.parse(req.query);
    const seller = await catalog.getStorefront(slug);
    const result = await catalog.searchProducts({ ...query, sellerId: seller.id });
    res.render('catalog/storefront', {
      title: seller.name,
      metaDescription: excerpt(`${seller.name} — ${seller.description}`),
      canonical: `${publicUrl}/sellers/${seller.slug}`,
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
