import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';

const PUBLIC_URL = 'https://cho-ocop.example';
// The store's Content-Security-Policy: share links are plain links, so nothing here changed for them.
const CSP =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self' https://checkout.stripe.com;frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self'";

/** Open Graph and Twitter meta tags of a page, values as a browser reads them (entities decoded). */
function metaTags(html: string): Record<string, string> {
  const head = html.slice(0, html.indexOf('</head>'));
  return Object.fromEntries(
    [...head.matchAll(/<meta (?:property|name)="((?:og|twitter|product):[a-z:_]+)" content="([^"]*)">/g)].map((m) => [m[1], decode(m[2])]),
  );
}

function decode(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { PUBLIC_URL } });
});
afterAll(() => ctx.close());

describe('the product page for sharing: Open Graph tags and Zalo/Facebook links', () => {
  it('has Open Graph tags with absolute URLs and the cover image, and a large-image Twitter card', async () => {
    const p = await ctx.factories.createProduct({
      name: 'Mật ong bạc hà',
      description: 'Mật ong từ hoa bạc hà cao nguyên đá Đồng Văn.',
      priceVnd: 250000,
      withImage: true,
    });
    const res = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    const tags = metaTags(res.text);
    expect(tags).toMatchObject({
      'og:type': 'product',
      'og:title': 'Mật ong bạc hà',
      'og:description': 'Mật ong từ hoa bạc hà cao nguyên đá Đồng Văn.',
      'og:url': `${PUBLIC_URL}/products/${p.slug}`,
      'og:locale': 'vi_VN',
      'og:site_name': 'Chợ OCOP',
      'product:price:amount': '250000',
      'product:price:currency': 'VND',
      'twitter:card': 'summary_large_image',
    });
    // The cover image, absolute, at the large size the gallery links to.
    expect(tags['og:image']).toMatch(new RegExp(`^${PUBLIC_URL.replace(/\./g, '\\.')}/media/.+-1600\\.webp$`));
    const [image] = await ctx.ds.query(`SELECT storage_key AS key FROM product_images WHERE product_id = $1 ORDER BY position LIMIT 1`, [p.id]);
    expect(tags['og:image']).toContain(image.key);
    // The same picture the gallery opens at full size.
    expect(res.text).toContain(`<a href="${new URL(tags['og:image']).pathname}"><img`);
  });

  it("escapes a seller's quotes and angle brackets inside the tags", async () => {
    const p = await ctx.factories.createProduct({ name: 'Trà "Shan" <tuyết> & co', description: '"><script>alert(1)</script>' });
    const res = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    const head = res.text.slice(0, res.text.indexOf('</head>'));
    expect(head).toContain('<meta property="og:title" content="Trà &quot;Shan&quot; &lt;tuyết&gt; &amp; co">');
    expect(head).not.toContain('<script>alert(1)');
    expect(metaTags(res.text)['og:title']).toBe('Trà "Shan" <tuyết> & co');
    expect(metaTags(res.text)['og:description']).toBe('"><script>alert(1)</script>');
    // Without a photo there is no og:image (a crawler then picks nothing rather than a broken link).
    expect(metaTags(res.text)['og:image']).toBeUndefined();
  });

  it('offers Zalo and Facebook share links to the absolute product URL, in a new tab, without a third-party script', async () => {
    const p = await ctx.factories.createProduct({ name: 'Gạo Séng Cù' });
    const res = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    const url = encodeURIComponent(`${PUBLIC_URL}/products/${p.slug}`);
    const links = [...res.text.matchAll(/<a href="([^"]+)" target="_blank" rel="noopener noreferrer" aria-label="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({
      href: decode(m[1]),
      label: m[2],
      text: m[3],
    }));
    expect(links).toEqual([
      { href: `https://sp.zalo.me/share_inline?url=${url}`, label: 'Chia sẻ qua Zalo (mở thẻ mới)', text: 'Zalo' },
      { href: `https://www.facebook.com/sharer/sharer.php?u=${url}`, label: 'Chia sẻ lên Facebook (mở thẻ mới)', text: 'Facebook' },
    ]);
    // The only scripts are the store's own file and the JSON-LD block.
    expect([...res.text.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/js/app.js" defer>', '<script type="application/ld+json">']);
    expect(res.text).not.toMatch(/zalo\.me\/plugins|connect\.facebook\.net/);
  });

  it('leaves the Content-Security-Policy as it was, the same on the product page as on the listing', async () => {
    const p = await ctx.factories.createProduct({ name: 'Túi thổ cẩm' });
    const product = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    const listing = await request(ctx.app).get('/products').expect(200);
    expect(product.headers['content-security-policy']).toBe(CSP);
    expect(listing.headers['content-security-policy']).toBe(CSP);
  });

  it('other pages carry no Open Graph product tags', async () => {
    const res = await request(ctx.app).get('/products').expect(200);
    expect(metaTags(res.text)).toEqual({});
  });

  it('the English page shares the same links with English labels', async () => {
    const p = await ctx.factories.createProduct({ name: 'Măng khô' });
    const res = await request(ctx.app).get(`/products/${p.slug}`).set('Cookie', 'lang=en').expect(200);
    expect(res.text).toContain('aria-label="Share on Zalo (opens a new tab)">Zalo</a>');
    expect(res.text).toContain('aria-label="Share on Facebook (opens a new tab)">Facebook</a>');
    expect(metaTags(res.text)['og:locale']).toBe('vi_VN');
  });
});
