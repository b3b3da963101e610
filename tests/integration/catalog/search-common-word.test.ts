import request from 'supertest';
import { COUNT_CAP, TYPO_SAMPLE } from '../../../server/modules/catalog/catalog.service';
import { recordQueries } from '../../helpers/queries';
import { createTestContext, type TestContext } from '../../helpers/test-context';

const cardNames = (html: string) => [...html.matchAll(/<span class="card-name">([^<]*)<\/span>/g)].map((m) => m[1]);

/** The ranking as one statement over every match (the rule before bounded candidates): rank, then newest. */
async function referenceRanking(ctx: TestContext, q: string, folded: string): Promise<string[]> {
  const rows = (await ctx.ds.query(
    `SELECT p.name FROM products p JOIN sellers s ON s.id = p.seller_id
     WHERE p.status = 'active' AND s.status = 'approved'
       AND (p.search_doc LIKE $1 OR p.search_compact LIKE $2 OR $3 <% p.search_name)
     ORDER BY (CASE WHEN p.search_name LIKE $1 THEN 3 + CASE WHEN lower(p.name) LIKE $4 THEN 4 ELSE 0 END
                    WHEN p.search_compact LIKE $2 THEN 2 ELSE word_similarity($3, p.search_name) END) DESC, p.id DESC
     LIMIT 72`,
    [`%${folded}%`, `%${folded.replace(/ /g, '')}%`, folded, `%${q.toLowerCase()}%`],
  )) as { name: string }[];
  return rows.map((r) => r.name);
}

/**
 * A common word matches thousands of products; the ranking reads a bounded candidate set of each rank
 * (newest first), yet the best-ranked matches still come first: the exact diacritics even when they
 * are the oldest products, then the other name matches, then "Sa Pa"/"Sapa", typos and descriptions.
 */
describe('searching a common word', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
    const seller = await ctx.factories.createSeller();
    const insert = (count: number, name: string, description: string) =>
      ctx.ds.query(
        `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status, published_at)
         SELECT $1, (SELECT id FROM categories WHERE code = 'I.2.b'), $2 || ' lô ' || g, 'p-' || md5($2 || g), $3, 100000, 'hộp', 5, 'active', now()
         FROM generate_series(1, $4) g`,
        [seller.id, name, description, count],
      );
    // Oldest first: the exact "mật" products, then thousands of "mát" (same letters without marks).
    await insert(30, 'Mật ong rừng Bắc Hà', '');
    await insert(3000, 'Mát xa đá nóng', '');
    await insert(5, 'Trà túi lọc', 'Pha với mật ong');
    await insert(3, 'Matxa thảo dược', '');
    await ctx.ds.query('VACUUM ANALYZE products');
  });
  afterAll(() => ctx.close());

  it('lists the exact diacritics first, newest first, even when they are the oldest of thousands of matches', async () => {
    const page1 = await request(ctx.app).get('/products').query({ q: 'mật' }).expect(200);
    const names = cardNames(page1.text);
    expect(names).toEqual(Array.from({ length: 24 }, (_, i) => `Mật ong rừng Bắc Hà lô ${30 - i}`));
    expect(page1.text).toContain('Hơn 1000 sản phẩm');
    const page2 = await request(ctx.app).get('/products').query({ q: 'mật', page: 2 }).expect(200);
    expect(cardNames(page2.text)).toEqual([
      ...Array.from({ length: 6 }, (_, i) => `Mật ong rừng Bắc Hà lô ${6 - i}`),
      // Then the other names with "mat" in them, newest first.
      ...Array.from({ length: 3 }, (_, i) => `Matxa thảo dược lô ${3 - i}`),
      ...Array.from({ length: 15 }, (_, i) => `Mát xa đá nóng lô ${3000 - i}`),
    ]);
  });

  it.each([
    ['mật', 'mat'],
    ['mat', 'mat'],
    ['mát xa', 'mat xa'],
    ['matxa', 'matxa'],
    ['mat ongg', 'mat ongg'],
  ])('ranks %j exactly as ranking every match would, page after page', async (q, folded) => {
    const expected = await referenceRanking(ctx, q, folded);
    const shown: string[] = [];
    for (const page of [1, 2, 3]) {
      const res = await request(ctx.app).get('/api/v1/products').query({ q, page }).expect(200);
      shown.push(...(res.body.items as { name: string }[]).map((i) => i.name));
    }
    expect(shown).toEqual(expected);
  });

  it('offers the filter options of the ranked matches, or every option (without counts) past 1000 matches', async () => {
    const communes = (html: string) =>
      [.../<select id="f-commune"[^>]*>(.*?)<\/select>/s.exec(html)![1].matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].map((m) => m[2]);
    const few = await request(ctx.app).get('/products').query({ q: 'thảo dược' }).expect(200);
    expect(communes(few.text)).toEqual(['Tất cả xã/phường', 'Phường Sa Pa (3)']);
    const many = await request(ctx.app).get('/products').query({ q: 'mat' }).expect(200);
    expect(communes(many.text).length).toBeGreaterThan(90);
    expect(communes(many.text).filter((c) => /\(\d+\)$/.test(c))).toEqual([]);
  });

  it('reads bounded candidate sets, not every match', async () => {
    const queries = await recordQueries(ctx.ds, () => request(ctx.app).get('/products').query({ q: 'mat' }).expect(200));
    const [ranking] = queries.filter((r) => r.sql.includes('UNION ALL'));
    const limits = [...ranking.sql.matchAll(/LIMIT (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...limits)).toBeLessThanOrEqual(TYPO_SAMPLE + COUNT_CAP + 1);
    expect(ranking.sql).not.toMatch(/count\(\*\) OVER/);
  });
});
