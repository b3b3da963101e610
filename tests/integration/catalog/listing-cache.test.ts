import request from 'supertest';
import { formatVnd } from '../../../server/lib/money';
import { countQueries } from '../../helpers/queries';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/**
 * With CATALOG_CACHE_SECONDS (30 s outside tests) a listing's count is reused across its pages,
 * direct jumps to a page of the unfiltered newest listing start from a stored first id instead of
 * skipping rows, and a search's ranking is reused by its pages and repeats. The pages must be exactly
 * those an uncached store shows, with current rows.
 */
let cached: TestContext;
let plain: TestContext;
const names: string[] = []; // newest first
beforeAll(async () => {
  [cached, plain] = await Promise.all([createTestContext({ env: { CATALOG_CACHE_SECONDS: '30' } }), createTestContext()]);
  const sellers = [await cached.factories.createSeller({ commune: 'Xã Bắc Hà' }), await cached.factories.createSeller({ commune: 'Phường Sa Pa' })];
  for (let i = 0; i < 60; i++) {
    const p = await cached.factories.createProduct({ sellerId: sellers[i % 2].id, name: `Chè Shan tuyết số ${i + 1}` });
    names.unshift(p.name);
  }
});
afterAll(() => Promise.all([cached?.close(), plain?.close()]));

const cardNames = (html: string) => [...html.matchAll(/<span class="card-name">([^<]+)<\/span>/g)].map((m) => m[1]);

describe('listing cache', () => {
  it('counts a listing once and reuses the count on its later pages', async () => {
    const first = await countQueries(cached.ds, async () => {
      const res = await request(cached.app).get('/products').expect(200);
      expect(res.text).toContain('>60 sản phẩm<');
      expect(cardNames(res.text)).toEqual(names.slice(0, 24));
    });
    expect(first.filter((q) => q.includes('count(*)'))).toHaveLength(1);

    const second = await countQueries(cached.ds, async () => {
      const res = await request(cached.app).get('/products?page=2').expect(200);
      expect(res.text).toContain('>60 sản phẩm<');
      expect(cardNames(res.text)).toEqual(names.slice(24, 48));
    });
    expect(second.filter((q) => q.includes('count(*)'))).toEqual([]);
  });

  it('keeps one count per filter', async () => {
    const res = await request(cached.app).get('/products').query({ commune: 'Xã Bắc Hà' }).expect(200);
    expect(res.text).toContain('>30 sản phẩm<');
    expect(cardNames(res.text)).toEqual(names.filter((_, i) => i % 2 === 1).slice(0, 24));
  });

  it('jumps to a deep page from its stored first id, with the same rows as skipping would give', async () => {
    const queries = await countQueries(cached.ds, async () => {
      const res = await request(cached.app).get('/products?page=3').expect(200);
      expect(cardNames(res.text)).toEqual(names.slice(48));
    });
    const page = queries.find((q) => q.startsWith('WITH page AS'));
    expect(page).toMatch(/p\.id <= \$\d+/);
    expect(page).toMatch(/OFFSET \$\d+/);
    // Past the end: no row, a clear message.
    const beyond = await request(cached.app).get('/products?page=9').expect(200);
    expect(cardNames(beyond.text)).toEqual([]);
    expect(beyond.text).toContain('Không tìm thấy sản phẩm');
  });

  it('shows a product taken off sale since the first ids were stored on no page', async () => {
    await request(cached.app).get('/products?page=2').expect(200);
    const [[gone]] = await cached.ds.query(`UPDATE products SET status = 'hidden' WHERE name = $1 RETURNING id`, [names[30]]);
    expect(gone).toBeDefined();
    const res = await request(cached.app).get('/products?page=2').expect(200);
    expect(cardNames(res.text)).not.toContain(names[30]);
    expect(cardNames(res.text)).toEqual(names.slice(24, 49).filter((n) => n !== names[30]));
    await cached.ds.query(`UPDATE products SET status = 'active' WHERE id = $1`, [gone.id]);
  });

  it('is off unless configured: an uncached store counts on every page', async () => {
    await plain.factories.createProduct({ name: 'Mật ong bạc hà' });
    for (const path of ['/products', '/products?page=1']) {
      const queries = await countQueries(plain.ds, () => request(plain.app).get(path).expect(200));
      expect(queries.filter((q) => q.includes('count(*)'))).toHaveLength(1);
    }
  });
});

describe('search counts in the ranking pass', () => {
  it('counts every match on a relevance page, and past the last page too', async () => {
    const res = await request(cached.app).get('/products').query({ q: 'che shan tuyet' }).expect(200);
    expect(res.text).toContain('>60 sản phẩm<');
    const past = await request(cached.app).get('/products').query({ q: 'che shan tuyet', page: 4 }).expect(200);
    expect(past.text).toContain('>60 sản phẩm<');
    expect(cardNames(past.text)).toEqual([]);
  });
});

describe('search rankings', () => {
  it('ranks a search once: later requests and its other pages only read their rows, always current', async () => {
    const q = { q: 'shan tuyet so' };
    const first = await countQueries(cached.ds, async () => {
      const res = await request(cached.app).get('/products').query(q).expect(200);
      expect(cardNames(res.text)).toHaveLength(24);
    });
    expect(first.filter((s) => s.includes('UNION ALL'))).toHaveLength(1);

    // Meanwhile a product on the first page is withdrawn and another one's price changes.
    const before = await request(cached.app).get('/api/v1/products').query(q).expect(200);
    const [gone, repriced] = before.body.items as { id: number; name: string }[];
    await cached.ds.query(`UPDATE products SET status = 'hidden' WHERE id = $1`, [gone.id]);
    await cached.ds.query(`UPDATE products SET price_vnd = 123000 WHERE id = $1`, [repriced.id]);

    const again = await countQueries(cached.ds, async () => {
      const res = await request(cached.app).get('/products').query(q).expect(200);
      expect(cardNames(res.text)).not.toContain(gone.name);
      expect(cardNames(res.text)[0]).toBe(repriced.name);
      expect(res.text).toContain(formatVnd(123_000));
    });
    expect(again.filter((s) => s.includes('UNION ALL'))).toEqual([]);
    expect(again).toHaveLength(1);

    const page2 = await countQueries(cached.ds, async () => {
      const res = await request(cached.app)
        .get('/products')
        .query({ ...q, page: 2 })
        .expect(200);
      // Every name matches alike, so the ranking is newest first.
      expect(cardNames(res.text)).toEqual(names.slice(24, 48));
    });
    expect(page2.filter((s) => s.includes('UNION ALL'))).toEqual([]);
    await cached.ds.query(`UPDATE products SET status = 'active' WHERE id = $1`, [gone.id]);
  });
});
