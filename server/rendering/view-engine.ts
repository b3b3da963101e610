import type { Express } from 'express';
import { engine } from 'express-handlebars';
import path from 'node:path';
import { viewsDir } from '../lib/paths';
import { helpers } from './helpers';

export function setupViews(app: Express, cache: boolean): void {
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(viewsDir, 'layouts'),
      partialsDir: path.join(viewsDir, 'partials'),
      helpers,
    }),
  );
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.set('view cache', cache);
}
