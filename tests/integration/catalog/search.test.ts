import request from 'supertest';
import { laoCaiCommunes } from '../../../server/lib/admin-units';
import { recordQueries } from '../../helpers/queries';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/** Product names on a listing page, in the order they are shown (HTML entities decoded). */
function cardNames(html: string): string[] {
  return [...html.matchAll(/<span class="card-name">([^<]*)<\/span>/g)].map((m) => decodeHtml(m[1]));
}

function decodeHtml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('Vietnamese search', () => {
  let ctx: TestContext;

  /** Searches both the HTML listing and the JSON API; both must agree on the names and their order. */
  async function search(q: string): Promise<string[]> {
    const page = await request(ctx.app).get('/products').query({ q }).expect(200);
    const api = await request(ctx.app).get('/api/v1/products').query({ q }).expect(200);
    const htmlNames = cardNames(page.text);
    const apiNames = (api.body.items as { name: string }[]).map((i) => i.name);
    expect(htmlNames).toEqual(apiNames);
    expect(api.body.total).toBe(apiNames.length);
    expect(page.text).toContain(`${apiNames.length} sản phẩm`);
    return apiNames;
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    const { createProduct } = ctx.factories;
    const names = [
      'Mật ong Thanh Xuân',
      'Đường phèn Bắc Hà',
      'Đông trùng hạ thảo Sapa',
      'Cá hồi hun khói Sa Pa',
      'Túi thổ cẩm',
      'Lục Bách Niên Trà Shan tuyết cổ thụ Suối Giàng',
      'Gạo Séng Cù Mường Khương',
      'Nước ép táo mèo 100% nguyên chất',
    ];
    for (const name of names) await createProduct({ name });
    await createProduct({ name: 'Bánh quy giòn', description: 'Bánh nướng giòn, ăn kèm chè xanh Đại Hưng rất hợp.' });
    await createProduct({ name: 'Chè xanh Đại Hưng' });
    // "Trà man" is created last so that, without ranking, it would be listed first (newest first).
    await createProduct({ name: 'Trà mận' });
    await createProduct({ name: 'Trà man' });
  });
  afterAll(() => ctx.close());

  it('finds "Mật ong Thanh Xuân" when typed without diacritics', async () => {
    const names = await search('mat ong');
    expect(names).toEqual(['Mật ong Thanh Xuân']);
  });

  it('finds a product with "đường" from "duong"', async () => {
    expect(await search('duong')).toContain('Đường phèn Bắc Hà');
    expect(await search('Đường')).toContain('Đường phèn Bắc Hà');
  });

  it('treats "Sa Pa" and "Sapa" as the same place', async () => {
    const spaced = await search('Sa Pa');
    expect(spaced).toEqual(expect.arrayContaining(['Đông trùng hạ thảo Sapa', 'Cá hồi hun khói Sa Pa']));
    const compact = await search('sapa');
    expect(compact).toEqual(expect.arrayContaining(['Đông trùng hạ thảo Sapa', 'Cá hồi hun khói Sa Pa']));
  });

  it('finds "Túi thổ cẩm" from "tho cam" and "Trà Shan tuyết" from "tra shan tuyet"', async () => {
    expect(await search('tho cam')).toEqual(['Túi thổ cẩm']);
    expect(await search('tra shan tuyet')).toEqual(['Lục Bách Niên Trà Shan tuyết cổ thụ Suối Giàng']);
  });

  it('ranks the exact diacritics first, and finds both without them', async () => {
    const exact = await search('mận');
    expect(exact).toEqual(expect.arrayContaining(['Trà mận', 'Trà man']));
    expect(exact.indexOf('Trà mận')).toBeLessThan(exact.indexOf('Trà man'));

    const folded = await search('man');
    expect(folded).toEqual(expect.arrayContaining(['Trà mận', 'Trà man']));
  });

  it('ranks a match in the name before a match only in the description', async () => {
    const names = await search('che xanh dai hung');
    expect(names).toEqual(['Chè xanh Đại Hưng', 'Bánh quy giòn']);
  });

  it('forgives small typos', async () => {
    expect(await search('mat ongg')).toContain('Mật ong Thanh Xuân');
    expect(await search('thổ cảm')).toContain('Túi thổ cẩm');
    expect(await search('seng cu muong khuong')).toContain('Gạo Séng Cù Mường Khương');
    expect(await search('muong khuon')).toContain('Gạo Séng Cù Mường Khương');
  });

  it('treats LIKE wildcards in the query as plain characters', async () => {
    for (const q of ['%', '_', '%%%', '___', '%_%']) {
      expect({ q, names: await search(q) }).toEqual({ q, names: [] });
    }
    expect(await search('100%')).toEqual(['Nước ép táo mèo 100% nguyên chất']);
  });

  it('answers queries of 1, 2, 3, 20 and more than 100 characters', async () => {
    for (const q of ['m', 'mă', 'mật', 'trà shan tuyết cổ th', 'a'.repeat(101)]) {
      const res = await request(ctx.app).get('/products').query({ q }).expect(200);
      expect(res.text).toContain('sản phẩm');
      await request(ctx.app).get('/api/v1/products').query({ q }).expect(200);
    }
    // One or two letters match the start of a word.
    expect(await search('ma')).toEqual(expect.arrayContaining(['Trà man', 'Trà mận']));
    const m = await search('m');
    expect(m).toEqual(expect.arrayContaining(['Mật ong Thanh Xuân', 'Trà mận', 'Trà man', 'Gạo Séng Cù Mường Khương', 'Nước ép táo mèo 100% nguyên chất']));
    expect(m).not.toContain('Túi thổ cẩm');
  });

  it('shows the query back, escaped, in the heading and the search box', async () => {
    const res = await request(ctx.app).get('/products').query({ q: 'mật ong' }).expect(200);
    expect(res.text).toContain('Kết quả cho “mật ong”');
    expect(res.text).toContain('value="mật ong"');
    const evil = await request(ctx.app).get('/products').query({ q: '"><script>x</script>' }).expect(200);
    expect(evil.text).not.toContain('<script>x</script>');
    expect(evil.text).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});

describe('search uses the trigram indexes at every query length', () => {
  let ctx: TestContext;

  /** A varied catalogue of 10 000 products (30 kinds × 99 communes), none of them honey or Shan tuyết tea: at a few thousand rows a sequential scan is honestly cheaper, so the planner only shows its hand at this size. */
  const KINDS = [
    'Bột sắn dây',
    'Nước cốt gừng',
    'Hạt dổi rừng',
    'Nấm hương rừng',
    'Khoai sọ nương',
    'Củ từ',
    'Chuối sấy dẻo',
    'Lạc đỏ',
    'Đậu tương',
    'Bánh giầy',
    'Xôi ngũ sắc',
    'Gà đồi',
    'Vịt bầu',
    'Cá suối',
    'Tinh bột nghệ',
    'Hạt óc chó',
    'Quả sơn tra',
    'Táo mèo ngâm',
    'Cải mèo',
    'Bí đỏ',
    'Khăn lụa',
    'Giỏ mây tre',
    'Măng khô',
    'Miến dong',
    'Mắc khén',
    'Lê Tai Nung',
    'Quế thanh',
    'Thảo quả khô',
    'Rượu ngô',
    'Đào phai',
  ];

  beforeAll(async () => {
    ctx = await createTestContext();
    const seller = await ctx.factories.createSeller();
    await ctx.factories.createProduct({ sellerId: seller.id, name: 'Mật ong Thanh Xuân' });
    await ctx.factories.createProduct({ sellerId: seller.id, name: 'Lục Bách Niên Trà Shan tuyết cổ thụ Suối Giàng' });
    await ctx.ds.query(
      `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status,
                             ocop_stars, ocop_verified, ocop_decision_date, published_at)
       SELECT $1,
              (SELECT id FROM categories WHERE code = 'I.2.b'),
              ($2::text[])[1 + g % 30] || ' ' || ($3::text[])[1 + (g / 30) % 99] || ' lô ' || g,
              'bulk-' || g,
              'Đặc sản vùng cao, lô hàng số ' || g,
              10000 + (g * 7919) % 990000,
              'gói',
              g % 50,
              'active',
              CASE WHEN g % 4 = 0 THEN 3 + g % 3 END,
              g % 4 = 0,
              CASE WHEN g % 4 = 0 THEN DATE '2024-01-01' + g % 300 END,
              now()
       FROM generate_series(1, 10000) AS g`,
      [seller.id, KINDS, laoCaiCommunes.map((c) => c.replace(/^(Xã|Phường) /, ''))],
    );
    const [{ count }] = await ctx.ds.query(`SELECT count(*)::int AS count FROM products WHERE status = 'active'`);
    expect(count).toBe(10002);
    // VACUUM as well as ANALYZE: after a bulk load the GIN indexes hold the new rows in their pending
    // list, which the planner costs as a full read until (auto)vacuum merges it into the index.
    await ctx.ds.query('VACUUM ANALYZE products');
    await ctx.ds.query('ANALYZE sellers');
  });
  afterAll(() => ctx.close());

  it.each(['m', 'ma'])('lists the newest products with a word starting with %j, without a sequential scan', async (q) => {
    const queries = await recordQueries(ctx.ds, async () => {
      const res = await request(ctx.app).get('/products').query({ q }).expect(200);
      const expected = await ctx.ds.query(
        `SELECT name FROM products WHERE status = 'active' AND (search_name LIKE $1 OR search_name LIKE $2) ORDER BY id DESC LIMIT 24`,
        [`${q}%`, `% ${q}%`],
      );
      expect(expected.length).toBe(24);
      expect(cardNames(res.text)).toEqual(expected.map((r: { name: string }) => r.name));
    });
    const ranking = queries.filter((r) => /FROM products p/.test(r.sql) && /LIMIT 1001/.test(r.sql));
    expect(ranking).toHaveLength(1);
    const plan = ((await ctx.ds.query(`EXPLAIN ${ranking[0].sql}`, ranking[0].params)) as { 'QUERY PLAN': string }[])
      .map((row) => row['QUERY PLAN'])
      .join('\n');
    expect({ q, plan }).toEqual({ q, plan: expect.not.stringMatching(/Seq Scan on products\b/) });
  });

  it.each([
    ['mat', 1],
    ['mat ong', 1],
    ['tra shan tuyet co thu', 1],
  ])('plans %j without a sequential scan of products', async (q, expectedTotal) => {
    const queries = await recordQueries(ctx.ds, async () => {
      const res = await request(ctx.app).get('/products').query({ q }).expect(200);
      if (expectedTotal !== null) expect(res.text).toContain(`>${expectedTotal} sản phẩm<`);
    });
    // Relevance ranks a bounded candidate set of each rank, its length the count; the page's rows are then read by id,
    // and the filter form's options (facets) from the ranked ids (at most COUNT_CAP).
    const productQueries = queries.filter((r) => /FROM products p/.test(r.sql));
    const ranking = productQueries.filter((r) => r.sql.includes('UNION ALL'));
    expect(ranking).toHaveLength(1);
    expect(productQueries.filter((r) => /GROUP BY c, m, st/.test(r.sql))).toHaveLength(1);
    expect(productQueries.length).toBeLessThanOrEqual(3);
    for (const { sql, params } of ranking) {
      const plan = ((await ctx.ds.query(`EXPLAIN ${sql}`, params)) as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n');
      expect({ q, plan }).toEqual({ q, plan: expect.not.stringMatching(/Seq Scan on products\b/) });
      expect(plan).toMatch(/Bitmap Index Scan on products_search_\w+_trgm/);
    }
  });
});
