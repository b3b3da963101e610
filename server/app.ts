import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import path from 'node:path';
import type { Pool } from 'pg';
import { pinoHttp } from 'pino-http';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Container } from './container';
import { createCsrf } from './http/csrf';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { healthRoutes } from './http/health';
import { notPublic, publicCache } from './http/public-cache';
import { languageMiddleware, languageRoutes } from './http/language';
import { refuseNulInBody, refuseNulInUrl } from './http/refuse-nul';
import { sessionCookieName, sessionMiddleware } from './http/session';
import { publicDir } from './lib/paths';
import { SESSION_USER, accountsRoutes, loadCurrentUser, notificationChoicesRoutes } from './modules/accounts';
import { adminOrderRoutes, adminRoutes } from './modules/admin';
import { cartMiddleware, cartRoutes } from './modules/cart';
import { catalogApiRoutes, catalogRoutes, seoRoutes } from './modules/catalog';
import { marketDayAdminRoutes, marketDayPublicRoutes, marketDaySellerRoutes } from './modules/market';
import { notificationsAdminRoutes } from './modules/notifications';
import { actingRoutes, loadActingContext, teamAdminRoutes, teamMemberRoutes } from './modules/teams';
import { buyerOrderPage, latestDeliveryProvince, orderRoutes, sellerOrderRoutes } from './modules/orders';
import { payRoutes, paymentStart, webhookRoutes } from './modules/payments';
import { posRoutes, receiptRoutes } from './modules/pos';
import { productImportRoutes } from './modules/product-import';
import { payoutRoutes } from './modules/payouts';
import { reportRoutes } from './modules/reports';
import { orderItemReviews, productReviews, reviewRoutes } from './modules/reviews';
import { sellerApplicationRoutes, sellerAreaRoutes, sellerProductRoutes } from './modules/sellers';
import { accountShipTo, productShipping, sellerShippingRoutes, shippingPublicRoutes } from './modules/shipping';
import { taxRoutes } from './modules/tax';
import { sellerBatchRoutes, traceRoutes } from './modules/traceability';
import { setupViews } from './rendering/view-engine';

/** Builds the Express app without listening, so tests drive it with supertest. */
export function createApp(container: Container): Express {
  const { config } = container;
  const app = express();
  app.disable('x-powered-by');
  // Pages are rendered per request; hashing every body for an ETag costs more than it saves.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  setupViews(app, config.isProduction || config.env === 'test');

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'"],
          scriptSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          // Checkout answers with a redirect to Stripe's hosted page (or a Stripe-compatible server).
          formAction: ["'self'", 'https://checkout.stripe.com', ...(config.stripe?.apiBase ? [new URL(config.stripe.apiBase).origin] : [])],
          upgradeInsecureRequests: config.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: config.isProduction,
    }),
  );
  app.use(pinoHttp({ logger: container.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));

  app.use(refuseNulInUrl);
  app.use(healthRoutes(container.dataSource, container.readDataSource));
  // Only these folders are files: other paths never cost a disk lookup.
  for (const folder of ['css', 'js', 'img']) {
    app.use(`/${folder}`, express.static(path.join(publicDir, folder), { maxAge: config.isProduction ? '7d' : 0, index: false, fallthrough: false }));
  }
  app.use('/media', container.media.handler());

  app.use(cookieParser());
  app.use(languageMiddleware);
  // Catalogue, market-day, trace, read-API and SEO answers to a visitor without a session cookie:
  // public (a CDN may keep them for CATALOG_CACHE_SECONDS), with an ETag, and no cookie written.
  // Each process also sends them again as rendered for PAGE_CACHE_SECONDS (a micro-cache).
  app.use(publicCache({ sessionCookie: sessionCookieName(config), sMaxAgeSeconds: config.catalogCacheSeconds, pageCacheSeconds: config.pageCacheSeconds }));
  // A visitor with a session switches language after the session is loaded (their account remembers it).
  app.use(languageRoutes(config.isProduction, { defer: (req) => Boolean(req.cookies[sessionCookieName(config)]) }));
  app.use('/api/v1', catalogApiRoutes(container.catalog));
  // The shipping quote API and the product page's "ship to" choice (a cookie): no session.
  app.use(shippingPublicRoutes(container.shipping, config.isProduction));
  app.use(seoRoutes(container.catalog, config.publicUrl));
  app.use(webhookRoutes(container.paymentIntake));
  // A receipt is public behind its unguessable token: no session read or written.
  app.use(receiptRoutes(container.pos));
  // A batch's trace page (the QR on its label) is public too: no session read or written.
  app.use(traceRoutes(container.traceability));

  const csrf = createCsrf(config);
  // The home page also shows the running or next market day (one indexed read).
  // A product page with reviews also reads its histogram and newest reviews (reviews module), and,
  // once the visitor's province is known (chosen, or a signed-in buyer's), the fee to it (shipping module).
  const reviewsBlock = productReviews(container.reviews);
  const shippingLine = productShipping(container.shipping);
  const catalog = catalogRoutes(
    container.catalog,
    config.publicUrl,
    async () => ({ nextMarketDay: await container.marketDays.next() }),
    async (product, query, req) => {
      const [reviews, shipping] = await Promise.all([reviewsBlock(product, query), shippingLine(product, query, req)]);
      return { locals: { ...reviews.locals, ...shipping.locals }, jsonLdReviews: reviews.jsonLdReviews };
    },
  );
  const marketDays = marketDayPublicRoutes(container.marketDays, config.publicUrl);
  const sessionCookie = sessionCookieName(config);
  // A visitor without a session cookie has no account, cart or flash to load: catalogue and market-day
  // pages skip the session store for them (most of the traffic of a sale), and carry no form token
  // (the add-to-cart form is checked by origin instead: csrf.sameOriginAddToCart). Anything else falls through.
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.cookies[sessionCookie]) return next();
    catalog(req, res, () => marketDays(req, res, next));
  });

  // Forms: flat key=value only (extended: false), so no nested objects or __proto__ tricks.
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 }));
  app.use(refuseNulInBody);
  // Before the session: a refused sessionless add-to-cart writes nothing.
  app.use(csrf.sameOriginAddToCart);
  // Everything from here on may show a person's data (account, orders, seller area, back office, CSV
  // exports) or a page personalised for a session: no browser or proxy may keep a copy.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    notPublic(res);
    next();
  });
  const pool = (container.dataSource.driver as PostgresDriver).master as Pool;
  app.use(sessionMiddleware(config, pool, SESSION_USER));
  app.use(loadCurrentUser(container.accounts));
  // A signed-in buyer's province for fees (that of the latest online order), read only by a page that shows one.
  app.use(accountShipTo(latestDeliveryProvince(container.dataSource)));
  app.use(loadActingContext(container.teams));
  app.use(cartMiddleware(container.cart));
  app.use(
    languageRoutes(config.isProduction, {
      remember: async (req, lang) => {
        if (req.user) await container.accounts.setLanguage(req.user, lang);
      },
    }),
  );
  app.use(csrf.provideToken);
  app.use(csrf.protect);

  app.use(accountsRoutes(container.accounts, csrf, (user) => container.orders.listForBuyer(user)));
  app.use(sellerApplicationRoutes(container.sellers, csrf));
  // The cooperative's fee table: before the seller area, whose older flat-fee page it replaces.
  app.use(sellerShippingRoutes(container.shipping));
  app.use(
    sellerAreaRoutes(
      container.sellers,
      container.sellerProducts,
      (id) => container.orders.sellerOrderList(id, { limit: 5 }),
      (id) => container.reports.stallTakingsToday(id),
    ),
  );
  // After the seller area's guard (a suspended cooperative's /seller writes are refused there first).
  app.use(notificationChoicesRoutes(container.accounts));
  app.use(sellerOrderRoutes(container.orders));
  app.use(posRoutes(container.pos));
  app.use(cartRoutes(container.cart));
  app.use(
    orderRoutes({
      orders: container.orders,
      cart: container.cart,
      paymentMethods: config.paymentMethods,
      startPayment: (actor, code, method) => paymentStart(container.payPage, actor, code, method),
      itemExtras: orderItemReviews(container.reviews),
    }),
  );
  app.use(reviewRoutes({ reviews: container.reviews, renderOrder: buyerOrderPage(container.orders, orderItemReviews(container.reviews)) }));
  app.use(payRoutes({ payPage: container.payPage, intake: container.paymentIntake }));
  app.use(adminOrderRoutes({ adminOrders: container.adminOrders, intake: container.paymentIntake, refunds: container.refunds }));
  app.use(payoutRoutes(container.payouts));
  // Before the seller's product routes: /seller/products/import is not a product id.
  app.use(productImportRoutes({ imports: container.productImports, csrf }));
  app.use(sellerProductRoutes({ sellerProducts: container.sellerProducts, catalog: container.catalog, csrf }));
  app.use(sellerBatchRoutes(container.traceability));
  app.use(reportRoutes(container.reports));
  app.use(taxRoutes(container.taxReports));
  app.use(notificationsAdminRoutes(container.notificationsAdmin));
  app.use(marketDayAdminRoutes(container.marketDays));
  app.use(marketDaySellerRoutes(container.marketDays));
  app.use(teamAdminRoutes(container.teams));
  app.use(teamMemberRoutes(container.teams));
  app.use(actingRoutes(container.teams));
  app.use(adminRoutes({ sellers: container.sellers, audit: container.audit, products: container.productModeration }));
  app.use(catalog);
  app.use(marketDays);

  app.use(notFoundHandler);
  app.use(errorHandler(!config.isProduction));
  return app;
}
