import type { Express } from 'express';
import Handlebars from 'handlebars';
import fs from 'node:fs';
import path from 'node:path';
import { viewsDir } from '../lib/paths';
import { helpers } from './helpers';

type Template = Handlebars.TemplateDelegate;

interface Templates {
  /** Page templates by absolute file path, as Express names them. */
  views: Map<string, Template>;
  layout: Template;
}

/**
 * Indentation is for people reading the templates: a line break renders the same as a line break
 * plus spaces (no template has a multi-line <pre> or <textarea>), and the pages are a fifth smaller.
 */
export function collapseIndentation(source: string): string {
  return source
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function hbsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every view, partial and the layout, compiled in one Handlebars environment of our own. */
function loadTemplates(): Templates {
  const env = Handlebars.create();
  env.registerHelper(helpers);
  // Helpers named at compile time are called directly instead of being looked up on every use.
  const knownHelpers = Object.fromEntries(Object.keys(helpers).map((name) => [name, true]));
  const compile = (file: string) => env.compile(collapseIndentation(fs.readFileSync(file, 'utf8')), { preventIndent: true, knownHelpers });
  const partialsDir = path.join(viewsDir, 'partials');
  for (const file of hbsFiles(partialsDir)) env.registerPartial(path.basename(file, '.hbs'), compile(file));
  const views = new Map<string, Template>();
  for (const file of hbsFiles(viewsDir)) {
    if (!file.startsWith(partialsDir + path.sep)) views.set(file, compile(file));
  }
  const layout = views.get(path.join(viewsDir, 'layouts', 'main.hbs'));
  if (!layout) throw new Error('views/layouts/main.hbs is missing');
  return { views, layout };
}

type RenderFile = (file: string, context: object) => string;

/** Every template compiled once; a render is the page (by absolute file path), then the layout with the page as `body`. */
function compileRenderer(): RenderFile {
  const { views, layout } = loadTemplates();
  return (file, context) => {
    const view = views.get(file);
    if (!view) throw new Error(`No view at ${file}`);
    const body = view(context);
    return layout({ ...context, body });
  };
}

/**
 * The store's pages without Express: every template compiled once, and `render('catalog/products',
 * context)` is the page inside the layout, as `res.render` gives it (the benchmark's baseline uses it).
 */
export function createRenderer(): (view: string, context: object) => string {
  const render = compileRenderer();
  return (view, context) => render(path.join(viewsDir, `${view}.hbs`), context);
}

/**
 * Handlebars views with the one layout. With `cache` the templates are compiled once and a render
 * is two function calls (page, then layout) with no disk access; without it (development) every
 * render reads them again, so an edited template shows on the next reload.
 */
export function setupViews(app: Express, cache: boolean): void {
  let compiled: RenderFile | undefined;
  const renderer = () => (cache ? (compiled ??= compileRenderer()) : compileRenderer());
  app.engine('hbs', (filePath, context, callback) => {
    try {
      callback(null, renderer()(filePath, context));
    } catch (err) {
      callback(err as Error);
    }
  });
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.set('view cache', cache);
}
