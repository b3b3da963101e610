import request from 'supertest';
import { WORD_LISTS } from '../../../server/modules/catalog/catalog.service';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const wordsOf = async (productId: number) =>
  (
    (await ctx.ds.query(`SELECT folded, word FROM product_search_words WHERE product_id = $1 ORDER BY folded, word`, [productId])) as {
      folded: boolean;
      word: string;
    }[]
  ).map((r) => `${r.folded ? 'folded' : 'exact'}:${r.word}`);

const apiNames = async (query: Record<string, string | number>) =>
  ((await request(ctx.app).get('/api/v1/products').query(query).expect(200)).body.items as { name: string }[]).map((i) => i.name);

/** The ranking as one statement over every match (the rule the bounded candidate sets keep): rank, then newest. */
async function referenceRanking(q: string, folded: string, extra = 'true', extraParams: unknown[] = [], window = { offset: 0, limit: 72 }): Promise<string[]> {
  const rows = (await ctx.ds.query(
    `SELECT p.name FROM products p JOIN sellers s ON s.id = p.seller_id
     WHERE p.status = 'active' AND s.status = 'approved' AND ${extra}
       AND (p.search_doc LIKE $1 OR p.search_compact LIKE $2 OR $3 <% p.search_name)
     ORDER BY (CASE WHEN p.search_name LIKE $1 THEN 3 + CASE WHEN lower(p.name) LIKE $4 THEN 4 ELSE 0 END
                    WHEN p.search_compact LIKE $2 THEN 2 ELSE word_similarity($3, p.search_name) END) DESC, p.id DESC
     LIMIT ${window.limit} OFFSET ${window.offset}`,
    [`%${folded}%`, `%${folded.replace(/ /g, '')}%`, folded, `%${q.toLowerCase()}%`, ...extraParams],
  )) as { name: string }[];
  return rows.map((r) => r.name);
}

/** The first three pages of a search through the JSON API. */
async function shown(query: Record<string, string>): Promise<string[]> {
  const names: string[] = [];
  for (const page of [1, 2, 3]) names.push(...(await apiNames({ ...query, page })));
  return names;
}

describe('the name word index (product_search_words)', () => {
  it('follows a product through its creation, a rename by its seller and its deletion', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const p = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Mật ong rừng Tả Van' });
    // Words of 3 characters or more, as written (lower case) and folded.
    expect(await wordsOf(p.id)).toEqual(['exact:mật', 'exact:ong', 'exact:rừng', 'exact:van', 'folded:mat', 'folded:ong', 'folded:rung', 'folded:van']);
    expect(await apiNames({ q: 'rừng' })).toEqual(['Mật ong rừng Tả Van']);

    const form = await seller.agent.get(`/seller/products/${p.id}/edit`);
    const field = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(form.text)?.[1] ?? '';
    const [row] = await ctx.ds.query(`SELECT category_id, description, price_vnd, unit, low_stock_threshold FROM products WHERE id = $1`, [p.id]);
    const res = await seller.agent
      .post(`/seller/products/${p.id}/edit`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        version: field('version'),
        name: 'Trà Shan tuyết (hộp 100g), 2025',
        categoryId: String(row.category_id),
        description: row.description,
        priceVnd: String(row.price_vnd),
        unit: row.unit,
        lowStockThreshold: String(row.low_stock_threshold),
        ocopStars: '',
        ocopCertificateNo: '',
        ocopDecisionDate: '',
      });
    expect(res.status).toBe(303);
    // Split at spaces and punctuation; numbers alone are not words.
    expect(await wordsOf(p.id)).toEqual([
      'exact:100g',
      'exact:hộp',
      'exact:shan',
      'exact:trà',
      'exact:tuyết',
      'folded:100g',
      'folded:hop',
      'folded:shan',
      'folded:tra',
      'folded:tuyet',
    ]);
    // Renamed away from a word, it no longer ranks for it; it ranks for its new words.
    expect(await apiNames({ q: 'rừng' })).toEqual([]);
    expect(await apiNames({ q: 'tuyết' })).toEqual(['Trà Shan tuyết (hộp 100g), 2025']);
    expect(await apiNames({ q: 'tuyet' })).toEqual(['Trà Shan tuyết (hộp 100g), 2025']);

    await ctx.ds.query(`DELETE FROM stock_movements WHERE product_id = $1`, [p.id]);
    await ctx.ds.query(`DELETE FROM products WHERE id = $1`, [p.id]);
    expect(await wordsOf(p.id)).toEqual([]);
    // Words stay in the vocabulary: a word no product holds any more only costs a query the slower path.
    expect(await ctx.ds.query(`SELECT word FROM product_search_vocab WHERE word IN ('tuyết', 'rừng') ORDER BY word`)).toEqual([
      { word: 'rừng' },
      { word: 'tuyết' },
    ]);
  });

  it('indexes every product of a bulk insert in one statement', async () => {
    const seller = await ctx.factories.createSeller();
    await ctx.ds.query(
      `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status, published_at)
       SELECT $1, (SELECT id FROM categories WHERE code = 'I.2.b'), 'Nấm hương rừng lô ' || g, 'nam-huong-' || g, '', 100000, 'hộp', 5, 'active', now()
       FROM generate_series(1, 50) g`,
      [seller.id],
    );
    const [{ n }] = await ctx.ds.query(
      `SELECT count(*)::int AS n FROM product_search_words w JOIN products p ON p.id = w.product_id WHERE p.slug LIKE 'nam-huong-%' AND w.word = 'hương' AND NOT w.folded`,
    );
    expect(n).toBe(50);
  });
});

describe('a common word ranks from the name word index exactly as ranking every match would', () => {
  let storefront = '';
  let otherSellerId = 0;
  beforeAll(async () => {
    const a = await ctx.factories.createSeller({ name: 'HTX Miến dong Bình Lư' });
    const b = await ctx.factories.createSeller({ name: 'HTX Nông sản Bát Xát', commune: 'Xã Bát Xát' });
    storefront = (await ctx.ds.query(`SELECT slug FROM sellers WHERE id = $1`, [a.id]))[0].slug;
    otherSellerId = b.id;
    // 1,400 "Miến" products alternating between the two sellers and two groups (more than the ranking's
    // 1,001), with the same letters without marks ("Mien") and words that hold others ("Chèo", "Khương") among them.
    await ctx.ds.query(
      `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status, published_at)
       SELECT CASE WHEN g % 2 = 0 THEN $1::int ELSE $2::int END,
              (SELECT id FROM categories WHERE code = CASE WHEN g % 3 = 0 THEN 'I.2.b' ELSE 'I.1.a' END),
              CASE WHEN g % 13 = 0 THEN 'Nấm hương Mường Khương lô ' WHEN g % 17 = 0 THEN 'Gạo Mường Khương lô '
                   WHEN g % 10 = 0 THEN 'Mien Lai Chau lô ' WHEN g % 7 = 0 THEN 'Chèo thuyền mây lô ' WHEN g % 5 = 0 THEN 'Chè xanh lô '
                   ELSE 'Miến dong Bình Lư lô ' END || g,
              'mien-' || g, CASE WHEN g % 11 = 0 THEN 'Ăn kèm miến' ELSE '' END, 1000 * g, 'gói', 5, 'active', now()
       FROM generate_series(1, 1400) g`,
      [a.id, b.id],
    );
    // Nine words holding "dong": more than the index is read for, so "dong" is matched as before the index.
    await ctx.ds.query(
      `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status, published_at)
       SELECT $1, (SELECT id FROM categories WHERE code = 'I.1.a'), 'Hoa dong' || chr(96 + g) || ' lô ' || g, 'hoa-dong-' || g, '', 1000, 'cành', 5, 'active', now()
       FROM generate_series(1, $2) g`,
      [a.id, WORD_LISTS + 1],
    );
    await ctx.ds.query('VACUUM ANALYZE products');
  });

  it.each([
    ['miến', 'mien'],
    ['mien', 'mien'],
    ['MIẾN', 'mien'],
    // Words holding the query's word: "Khương" holds "hương" (a product may hold both), "Chèo" "chè".
    ['hương', 'huong'],
    ['huong', 'huong'],
    ['chè', 'che'],
    ['dong', 'dong'],
    ['chèo', 'cheo'],
  ])('%j, page after page', async (q, folded) => {
    const expected = await referenceRanking(q, folded);
    expect(expected.length).toBe(72);
    expect(await shown({ q })).toEqual(expected);
  });

  it('with a group filter, on a cooperative storefront and within a price range', async () => {
    const [{ id: groupId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    expect(await shown({ q: 'miến', category: 'I.2.b' })).toEqual(await referenceRanking('miến', 'mien', 'p.category_id = $5', [groupId]));
    expect(await shown({ q: 'mien', maxPrice: '500000' })).toEqual(await referenceRanking('mien', 'mien', 'p.price_vnd <= $5', [500_000]));

    const page = await request(ctx.app).get(`/sellers/${storefront}`).query({ q: 'miến' }).expect(200);
    const [{ id: sellerId }] = await ctx.ds.query(`SELECT id FROM sellers WHERE slug = $1`, [storefront]);
    const expected = await referenceRanking('miến', 'mien', 'p.seller_id = $5', [sellerId]);
    for (const name of expected.slice(0, 24)) expect(page.text).toContain(`>${name}<`);
    // The other cooperative's products (odd lots) never show on this storefront.
    expect(page.text).not.toMatch(/Miến dong Bình Lư lô \d*[13579]</);
    expect(otherSellerId).not.toBe(sellerId);
  });

  it('reads the newest matches off the index: a product missing from it is not among them', async () => {
    const [{ id }] = await ctx.ds.query(`SELECT id FROM products WHERE name = 'Miến dong Bình Lư lô 1398'`);
    expect((await apiNames({ q: 'miến' })).slice(0, 2)).toEqual(['Miến dong Bình Lư lô 1399', 'Miến dong Bình Lư lô 1398']);
    await ctx.ds.query(`DELETE FROM product_search_words WHERE product_id = $1 AND word = 'miến'`, [id]);
    expect((await apiNames({ q: 'miến' })).slice(0, 2)).toEqual(['Miến dong Bình Lư lô 1399', 'Miến dong Bình Lư lô 1397']);
  });
});

describe('a ranking of more than 1,000 matches, to its last page', () => {
  beforeAll(async () => {
    const seller = await ctx.factories.createSeller();
    // The newest products hold the exact word: they take room in the newest rows of the next set too.
    for (const [count, name] of [
      [1100, 'Mát xa đá nóng'],
      [30, 'Mật ong Mường Hum'],
    ] as const) {
      await ctx.ds.query(
        `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status, published_at)
         SELECT $1, (SELECT id FROM categories WHERE code = 'I.2.b'), $2 || ' lô ' || g, md5($2 || g), '', 100000, 'hộp', 5, 'active', now()
         FROM generate_series(1, $3) g`,
        [seller.id, name, count],
      );
    }
    await ctx.ds.query('VACUUM ANALYZE products');
  });

  it.each([['mật'], ['mat']])('%j ends exactly as ranking every match would (page 42: its 985th to 1001st products, the last the ranking keeps)', async (q) => {
    const expected = await referenceRanking(q, 'mat', 'true', [], { offset: 984, limit: 17 });
    expect(expected).toHaveLength(17);
    expect(await apiNames({ q, page: 42 })).toEqual(expected);
  });
});
