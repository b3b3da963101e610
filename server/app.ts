import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Container } from './container';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { healthRoutes } from './http/health';
import { languageMiddleware, languageRoutes } from './http/language';
import { publicDir } from './lib/paths';
import { catalogApiRoutes, catalogRoutes } from './modules/catalog';
import { setupViews } from './rendering/view-engine';

/** Builds the Express app without listening, so tests drive it with supertest. */
export function createApp(container: Container): Express {
  const { config } = container;
  const app = express();
  app.disable('x-powered-by');
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
          formAction: ["'self'", 'https://checkout.stripe.com'],
          upgradeInsecureRequests: config.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: config.isProduction,
    }),
  );
  app.use(pinoHttp({ logger: container.logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));

  app.use(healthRoutes(container.dataSource));
  app.use(express.static(publicDir, { maxAge: config.isProduction ? '7d' : 0, index: false }));
  // Media names are random and never reused, so browsers may keep them for a year.
  app.use('/media', express.static(container.config.mediaDir, { immutable: true, maxAge: '365d', index: false, dotfiles: 'deny' }));

  app.use(cookieParser());
  app.use(languageMiddleware);
  app.use(languageRoutes(config.isProduction));

  app.use('/api/v1', catalogApiRoutes(container.catalog));
  app.use(catalogRoutes(container.catalog));

  app.use(notFoundHandler);
  app.use(errorHandler(!config.isProduction));
  return app;
}
