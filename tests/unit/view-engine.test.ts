import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { viewsDir } from '../../server/lib/paths';
import { collapseIndentation, createRenderer, setupViews } from '../../server/rendering/view-engine';

describe('collapseIndentation', () => {
  it('keeps one line break where a break and indentation were, and every character of content', () => {
    expect(collapseIndentation('<ul>\n    <li>{{a}}</li>\n\n\t<li>b  c</li>\n  </ul>\n')).toBe('<ul>\n<li>{{a}}</li>\n<li>b  c</li>\n</ul>');
  });
});

const render = (app: express.Express, view: string, context: object) =>
  new Promise<string>((resolve, reject) => app.render(view, context, (err, html) => (err ? reject(err) : resolve(html!))));

describe('the view engine', () => {
  it('renders a page inside the layout, escaping values', async () => {
    const app = express();
    setupViews(app, true);
    const html = await render(app, 'errors/404', { lang: 'vi', title: '<b>x</b>' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>&lt;b&gt;x&lt;/b&gt; · Chợ OCOP</title>');
    expect(html).not.toMatch(/\n[ \t]+</);
  });

  it('without cache (development) reads an edited template on the next render', async () => {
    const file = path.join(viewsDir, 'errors', 'engine-probe.hbs');
    const app = express();
    setupViews(app, false);
    try {
      fs.writeFileSync(file, '<p>một</p>');
      expect(await render(app, 'errors/engine-probe', { lang: 'vi' })).toContain('<p>một</p>');
      fs.writeFileSync(file, '<p>hai</p>');
      expect(await render(app, 'errors/engine-probe', { lang: 'vi' })).toContain('<p>hai</p>');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('createRenderer', () => {
  it('renders a named view inside the layout without Express, as res.render does', async () => {
    const context = { lang: 'vi', title: '<b>x</b>', message: 'Không có trang này.' };
    const html = createRenderer()('errors/404', context);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>&lt;b&gt;x&lt;/b&gt; · Chợ OCOP</title>');
    expect(html).toContain('<main id="main" class="container">\n<section class="error-page">\n<h1>');
    expect(html).toContain('<p>Không có trang này.</p>');
    const app = express();
    setupViews(app, true);
    expect(html).toBe(await render(app, 'errors/404', context));
  });

  it('refuses a view that does not exist', () => {
    expect(() => createRenderer()('errors/no-such-page', { lang: 'vi' })).toThrow(/No view at/);
  });
});
