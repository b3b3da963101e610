import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/** Attribute values come back with Handlebars' escapes (&amp; and &#x3D;); a browser reads them as & and =. */
function decodeAttr(text: string): string {
  return text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

/** The chips above the grid: their text (without the hidden "remove" words) and where each one leads. */
function chips(html: string): { text: string; href: string; kind: string }[] {
  return [...html.matchAll(/<a class="chip" href="([^"]*)" data-filter="([a-zA-Z]+)">(.*?)<span class="visually-hidden">/gs)].map((m) => ({
    href: decodeAttr(m[1]),
    kind: m[2],
    // formatVnd separates the amount from ₫ with a no-break space.
    text: m[3].replace(/\u00a0/g, ' ').trim(),
  }));
}

function cardNames(html: string): string[] {
  return [...html.matchAll(/<span class="card-name">([^<]*)<\/span>/g)].map((m) => m[1]);
}

describe('the listing: filters in a drawer, active filters as chips', () => {
  let ctx: TestContext;
  const now = new Date('2025-06-01T03:00:00Z');

  beforeAll(async () => {
    ctx = await createTestContext({ now });
    const { createSeller, createProduct } = ctx.factories;
    const bacHa = await createSeller({ name: 'HTX Mật ong Bắc Hà', commune: 'Xã Bắc Hà' });
    const saPa = await createSeller({ name: 'HTX Thổ cẩm Sa Pa', commune: 'Phường Sa Pa' });
    await createProduct({ sellerId: bacHa.id, name: 'Mật ong Bắc Hà', categoryCode: 'I.2.b', priceVnd: 150000, ocopStars: 5, ocopDecisionDate: '2024-06-01' });
    await createProduct({ sellerId: bacHa.id, name: 'Mật ong rừng', categoryCode: 'I.2.b', priceVnd: 450000 });
    await createProduct({ sellerId: saPa.id, name: 'Túi thổ cẩm', categoryCode: 'IV.2', priceVnd: 250000 });
  });
  afterAll(() => ctx.close());

  it('without filters: the form sits closed in a <details> labelled "Bộ lọc", and no chips are shown', async () => {
    const res = await request(ctx.app).get('/products').expect(200);
    expect(res.text).toMatch(
      /<details class="filters-drawer">\s*<summary class="button">Bộ lọc<\/summary>\s*<form class="filters" action="\/products" method="get"/,
    );
    expect(res.text).not.toContain('<details class="filters-drawer" open');
    expect(res.text).not.toContain('class="chips"');
    expect(cardNames(res.text)).toHaveLength(3);
  });

  it('counts the active filters on the button and shows one chip per filter, each removing only itself', async () => {
    const res = await request(ctx.app)
      .get('/products')
      .query({ q: 'mật ong', category: 'I.2.b', commune: 'Xã Bắc Hà', minPrice: '100000', maxPrice: '200000', stars: '5', sort: 'price_asc' })
      .expect(200);
    // Search and sort are not filters: five filters.
    expect(res.text).toContain('<summary class="button">Bộ lọc (5)</summary>');
    expect(cardNames(res.text)).toEqual(['Mật ong Bắc Hà']);
    const found = chips(res.text);
    expect(found.map((c) => [c.kind, c.text])).toEqual([
      ['category', 'I.2.b Mật ong, mật khác và nông sản thực phẩm khác'],
      ['stars', 'OCOP 5 ★'],
      ['commune', 'Xã Bắc Hà'],
      ['minPrice', 'Từ 100.000 ₫'],
      ['maxPrice', 'Đến 200.000 ₫'],
    ]);
    for (const chip of found) {
      const url = new URL(chip.href, 'http://x');
      expect(url.pathname).toBe('/products');
      // The removed filter is gone; search, sort and the other filters stay.
      expect(url.searchParams.has(chip.kind)).toBe(false);
      expect(url.searchParams.get('q')).toBe('mật ong');
      expect(url.searchParams.get('sort')).toBe('price_asc');
      expect([...url.searchParams.keys()]).toHaveLength(6);
    }
    const clear = decodeAttr(/<a class="chips-clear" href="([^"]*)">Xóa bộ lọc<\/a>/.exec(res.text)![1]);
    expect(Object.fromEntries(new URL(clear, 'http://x').searchParams)).toEqual({ q: 'mật ong', sort: 'price_asc' });

    // Following the price chip widens the result: the 450.000 ₫ honey comes back.
    const maxChip = found.find((c) => c.kind === 'maxPrice')!;
    const wider = await request(ctx.app).get(maxChip.href).expect(200);
    expect(wider.text).toContain('<summary class="button">Bộ lọc (4)</summary>');
    expect(chips(wider.text).map((c) => c.kind)).toEqual(['category', 'stars', 'commune', 'minPrice']);
  });

  it('a chip removing the last filter leads back to the plain listing, and a page number is not carried over', async () => {
    const res = await request(ctx.app).get('/products?commune=Ph%C6%B0%E1%BB%9Dng%20Sa%20Pa&page=2').expect(200);
    const [chip] = chips(res.text);
    expect(chip).toMatchObject({ kind: 'commune', text: 'Phường Sa Pa', href: '/products' });
    expect(decodeAttr(/<a class="chips-clear" href="([^"]*)">/.exec(res.text)![1])).toBe('/products');
  });

  it('escapes what the buyer typed in a chip, and names the group in English on the English page', async () => {
    const res = await request(ctx.app).get('/products').set('Cookie', 'lang=en').query({ commune: '<b>"x"</b>', category: 'IV.2' }).expect(200);
    expect(res.text).not.toContain('<b>"x"</b>');
    expect(res.text).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(res.text).toContain('<summary class="button">Filters (2)</summary>');
    expect(chips(res.text)[0].text).toMatch(/^IV\.2 \S/);
    expect(res.text).toContain('>Clear filters</a>');
  });
});
