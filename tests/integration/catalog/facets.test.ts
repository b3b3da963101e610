import request from 'supertest';
import { laoCaiCommunes } from '../../../server/lib/admin-units';
import { countQueries } from '../../helpers/queries';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/** The options of one <select> of the filter form: value, text (with its count) and whether chosen. */
function options(html: string, id: string): { value: string; text: string; selected: boolean }[] {
  const select = new RegExp(`<select id="${id}"[^>]*>(.*?)</select>`, 's').exec(html);
  if (!select) throw new Error(`no select #${id}`);
  return [...select[1].matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)].map((m) => ({
    value: m[1],
    selected: !!m[2],
    text: m[3].trim(),
  }));
}
const texts = (html: string, id: string) => options(html, id).map((o) => o.text);

/**
 * The listing's filter form offers only what the current result holds (facets): the groups, communes
 * and OCOP stars that have products under the other chosen filters, each with its count, out of the
 * 99 communes and the whole OCOP group tree. A chosen option always stays so it can be seen and changed.
 */
describe('listing facets', () => {
  let ctx: TestContext;
  const now = new Date('2025-06-01T03:00:00Z');

  beforeAll(async () => {
    ctx = await createTestContext({ now });
    const { createSeller, createProduct } = ctx.factories;
    const bacHa = await createSeller({ name: 'HTX Mật ong Bắc Hà', commune: 'Xã Bắc Hà' });
    const saPa = await createSeller({ name: 'HTX Thổ cẩm Sa Pa', commune: 'Phường Sa Pa' });
    const vanBan = await createSeller({ name: 'HTX Văn Bàn', commune: 'Xã Văn Bàn' });
    await createProduct({ sellerId: bacHa.id, name: 'Mật ong Bắc Hà', categoryCode: 'I.2.b', priceVnd: 150000, ocopStars: 5 });
    await createProduct({ sellerId: bacHa.id, name: 'Mật ong rừng', categoryCode: 'I.2.b', priceVnd: 450000, ocopStars: 4 });
    await createProduct({ sellerId: bacHa.id, name: 'Rượu ngô Bắc Hà', categoryCode: 'II.1', priceVnd: 120000 });
    await createProduct({ sellerId: saPa.id, name: 'Túi thổ cẩm', categoryCode: 'IV.2', priceVnd: 250000, ocopStars: 4 });
    await createProduct({ sellerId: saPa.id, name: 'Cá hồi Sa Pa', categoryCode: 'I.1', priceVnd: 300000 });
    // Not listed: a draft, and a claimed 5★ nobody verified (no trusted stars).
    await createProduct({ sellerId: vanBan.id, name: 'Gạo nháp', categoryCode: 'I.1', status: 'draft' });
    await createProduct({ sellerId: vanBan.id, name: 'Gạo Văn Bàn', categoryCode: 'I.1', ocopStars: 5, ocopVerified: false });
  });
  afterAll(() => ctx.close());

  it('page 1 lists only the groups, communes and stars that have products, with their counts', async () => {
    const res = await request(ctx.app).get('/products').expect(200);
    expect(laoCaiCommunes.length).toBeGreaterThan(90);
    expect(texts(res.text, 'f-commune')).toEqual(['Tất cả xã/phường', 'Phường Sa Pa (2)', 'Xã Bắc Hà (3)', 'Xã Văn Bàn (1)']);
    // Level-1 groups only until one is chosen (keeps the listing's HTML small); a level-1 group counts its subgroups' products.
    const groups = options(res.text, 'f-category');
    expect(groups.map((o) => o.value)).toEqual(['', 'I', 'II', 'IV']);
    expect(groups.map((o) => /\((\d+)\)$/.exec(o.text)?.[1] ?? null)).toEqual([null, '4', '1', '1']);
    // Choosing a level-1 group offers its level-2 groups (with counts); a chosen level-2 group keeps its siblings.
    const food = await request(ctx.app).get('/products').query({ category: 'I' }).expect(200);
    expect(texts(food.text, 'f-category')).toEqual([
      'Tất cả nhóm',
      'I Thực phẩm (4)',
      '— I.1 Thực phẩm tươi sống (2)',
      '— I.2 Thực phẩm thô, sơ chế (2)',
      'II Đồ uống (1)',
      'IV Hàng thủ công mỹ nghệ (1)',
    ]);
    const raw = await request(ctx.app).get('/products').query({ category: 'I.2' }).expect(200);
    expect(options(raw.text, 'f-category').map((o) => o.value)).toEqual(['', 'I', 'I.1', 'I.2', 'II', 'IV']);
    expect(options(raw.text, 'f-category').find((o) => o.selected)?.value).toBe('I.2');
    expect(texts(res.text, 'f-stars')).toEqual(['Mọi hạng sao', '5 ★ (1)', '4 ★ (2)']);
    expect(res.text).toContain('>6 sản phẩm<');
  });

  it('each facet applies the other filters, so a buyer can switch a choice; the result applies them all', async () => {
    const res = await request(ctx.app).get('/products').query({ commune: 'Xã Bắc Hà' }).expect(200);
    expect(res.text).toContain('>3 sản phẩm<');
    // The communes stay as without the commune filter; the chosen one is marked.
    expect(texts(res.text, 'f-commune')).toEqual(['Tất cả xã/phường', 'Phường Sa Pa (2)', 'Xã Bắc Hà (3)', 'Xã Văn Bàn (1)']);
    expect(options(res.text, 'f-commune').find((o) => o.selected)?.value).toBe('Xã Bắc Hà');
    // Groups and stars follow the commune.
    expect(options(res.text, 'f-category').map((o) => o.value)).toEqual(['', 'I', 'II']);
    expect(texts(res.text, 'f-stars')).toEqual(['Mọi hạng sao', '5 ★ (1)', '4 ★ (1)']);

    const both = await request(ctx.app).get('/products').query({ commune: 'Xã Bắc Hà', stars: '4' }).expect(200);
    expect(both.text).toContain('>1 sản phẩm<');
    expect(texts(both.text, 'f-commune')).toEqual(['Tất cả xã/phường', 'Phường Sa Pa (1)', 'Xã Bắc Hà (1)']);
    expect(texts(both.text, 'f-category')).toEqual(['Tất cả nhóm', 'I Thực phẩm (1)']);
  });

  it('keeps a chosen option that has no product, with count 0, so it can be seen and removed', async () => {
    const res = await request(ctx.app).get('/products').query({ commune: 'Xã Y Tý', stars: '3', category: 'V' }).expect(200);
    expect(res.text).toContain('>0 sản phẩm<');
    expect(options(res.text, 'f-commune').filter((o) => o.selected)).toEqual([{ value: 'Xã Y Tý', selected: true, text: 'Xã Y Tý (0)' }]);
    expect(options(res.text, 'f-stars').filter((o) => o.selected)).toEqual([{ value: '3', selected: true, text: '3 ★ (0)' }]);
    expect(options(res.text, 'f-category').find((o) => o.selected)?.text).toMatch(/^V .* \(0\)$/);
    expect((res.text.match(/class="chip"/g) ?? []).length).toBe(3);
  });

  it('a search offers the options of its matches, with the price range applied', async () => {
    const res = await request(ctx.app).get('/products').query({ q: 'mật ong' }).expect(200);
    expect(texts(res.text, 'f-commune')).toEqual(['Tất cả xã/phường', 'Xã Bắc Hà (2)']);
    expect(options(res.text, 'f-category').map((o) => o.value)).toEqual(['', 'I']);
    const cheap = await request(ctx.app).get('/products').query({ q: 'mật ong', maxPrice: '200000' }).expect(200);
    expect(texts(cheap.text, 'f-stars')).toEqual(['Mọi hạng sao', '5 ★ (1)']);
  });

  it('names the groups in English on the English page, counts included', async () => {
    const res = await request(ctx.app).get('/products').set('Cookie', 'lang=en').expect(200);
    expect(texts(res.text, 'f-category')[1]).toMatch(/^I [A-Z][a-z]+.* \(4\)$/);
  });

  it('reads the facets with the listing in the same two statements (they replace the count)', async () => {
    await request(ctx.app).get('/products?commune=Ph%C6%B0%E1%BB%9Dng%20Sa%20Pa');
    const queries = await countQueries(ctx.ds, () => request(ctx.app).get('/products?commune=Ph%C6%B0%E1%BB%9Dng%20Sa%20Pa').expect(200));
    expect(queries).toHaveLength(2);
  });
});

describe('listing facets with the catalogue cache', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { CATALOG_CACHE_SECONDS: '30' } });
    const seller = await ctx.factories.createSeller({ commune: 'Xã Bắc Hà' });
    await ctx.factories.createProduct({ sellerId: seller.id, name: 'Chè Shan tuyết', categoryCode: 'I.3' });
  });
  afterAll(() => ctx.close());

  it('computes the facets once per filter other than group, commune and stars, and shares them across those choices', async () => {
    await request(ctx.app).get('/products').expect(200);
    const queries = await countQueries(ctx.ds, async () => {
      const a = await request(ctx.app).get('/products').query({ commune: 'Xã Bắc Hà' }).expect(200);
      expect(texts(a.text, 'f-commune')).toEqual(['Tất cả xã/phường', 'Xã Bắc Hà (1)']);
      const b = await request(ctx.app).get('/products').query({ commune: 'Phường Sa Pa', stars: '5' }).expect(200);
      expect(b.text).toContain('>0 sản phẩm<');
      expect(texts(b.text, 'f-commune')).toEqual(['Tất cả xã/phường', 'Phường Sa Pa (0)']);
    });
    // Only the two pages' rows: no count, no facet statement.
    expect(queries.filter((q) => q.includes('count(*)'))).toEqual([]);
    expect(queries).toHaveLength(2);
  });

  it('keeps each choice of group, commune and stars apart when derived once from the shared summary', async () => {
    const choices = [{ commune: 'Xã Bắc Hà' }, { commune: 'Phường Sa Pa' }, {}, { commune: 'Phường Sa Pa', stars: '5' }];
    const first = [];
    for (const query of choices) first.push(texts((await request(ctx.app).get('/products').query(query).expect(200)).text, 'f-commune'));
    expect(first[0]).toEqual(['Tất cả xã/phường', 'Xã Bắc Hà (1)']);
    expect(first[1]).toEqual(['Tất cả xã/phường', 'Phường Sa Pa (0)', 'Xã Bắc Hà (1)']);
    for (const [i, query] of [...choices.entries()].reverse()) {
      expect(texts((await request(ctx.app).get('/products').query(query).expect(200)).text, 'f-commune')).toEqual(first[i]);
    }
  });
});
