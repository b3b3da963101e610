import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { PUBLIC_URL: 'https://cho-ocop.example' } });
});
afterAll(() => ctx.close());

describe('SEO and page basics', () => {
  it('a product page has its title, description, canonical URL and schema.org Product/Offer JSON-LD', async () => {
    const p = await ctx.factories.createProduct({
      name: 'Mật ong bạc hà',
      description: 'Mật ong từ hoa bạc hà cao nguyên đá.',
      priceVnd: 250000,
      stock: 3,
      withImage: true,
    });
    const res = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    expect(res.text).toContain('<title>Mật ong bạc hà · Chợ OCOP</title>');
    expect(res.text).toContain('<meta name="description" content="Mật ong bạc hà: Mật ong từ hoa bạc hà cao nguyên đá.">');
    expect(res.text).toContain(`<link rel="canonical" href="https://cho-ocop.example/products/${p.slug}">`);
    const json = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(res.text)![1]);
    expect(json).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Product',
      name: 'Mật ong bạc hà',
      offers: { '@type': 'Offer', priceCurrency: 'VND', price: 250000, availability: 'https://schema.org/InStock' },
    });
    expect(json.image[0]).toMatch(/^https:\/\/cho-ocop\.example\/media\/.+-1600\.webp$/);
    expect(res.text).toMatch(/srcset="[^"]+-400\.webp 400w, [^"]+-800\.webp 800w, [^"]+-1600\.webp 1600w"/);

    const soldOut = await ctx.factories.createProduct({ name: 'Hết hàng rồi', stock: 0 });
    const page = await request(ctx.app).get(`/products/${soldOut.slug}`);
    expect(JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page.text)![1]).offers.availability).toBe('https://schema.org/OutOfStock');
  });

  it('text a seller typed cannot break out of the JSON-LD script', async () => {
    const p = await ctx.factories.createProduct({ name: 'Trà </script><script>alert(1)</script>', description: '& <b>' });
    const res = await request(ctx.app).get(`/products/${p.slug}`).expect(200);
    const block = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(res.text)![1];
    expect(block).not.toContain('<');
    expect(JSON.parse(block).name).toBe('Trà </script><script>alert(1)</script>');
    expect(res.text).not.toContain('<script>alert(1)</script>');
  });

  it('cards offer the 400w and 800w files with srcset and load lazily; the listing has a canonical URL without the sort', async () => {
    await ctx.factories.createProduct({ name: 'Gạo có ảnh', withImage: true });
    const res = await request(ctx.app).get('/products?category=I&sort=price_asc').expect(200);
    // A card's photo is decorative next to the product name in the same link (alt=""); the 1600w file
    // is for the product page's zoom only, and the square box comes from the stylesheet.
    expect(res.text).toMatch(
      /<li><a href="\/products\/[^"]+"><img src="[^"]+-400\.webp" srcset="[^"]+-400\.webp 400w, [^"]+-800\.webp 800w" sizes="50vw" alt="" loading="lazy"><div><span class="card-name">Gạo có ảnh<\/span>/,
    );
    expect(res.text).not.toMatch(/<li><a [^>]*><img [^>]*1600w/);
    // Handlebars writes "=" as &#x3D; inside attributes; browsers read it back as "=".
    expect(res.text).toContain('<link rel="canonical" href="https://cho-ocop.example/products?category&#x3D;I">');
    expect(res.text).toContain('<title>Sản phẩm OCOP · Chợ OCOP</title>');
    expect(res.text).toContain('<script src="/js/app.js" defer></script>');
    expect(res.text).toContain('class="sticky-cart"');
    const search = await request(ctx.app).get('/products?q=gao');
    expect(search.text).toContain('<meta name="robots" content="noindex">');
  });

  it('robots.txt keeps crawlers out of private areas and points to the sitemap, which lists what is for sale', async () => {
    const robots = await request(ctx.app).get('/robots.txt').expect(200);
    expect(robots.headers['content-type']).toContain('text/plain');
    for (const line of ['Disallow: /admin', 'Disallow: /seller', 'Disallow: /checkout', 'Sitemap: https://cho-ocop.example/sitemap.xml'])
      expect(robots.text).toContain(line);

    const seller = await ctx.factories.createSeller({ name: 'HTX Bản đồ' });
    const listed = await ctx.factories.createProduct({ sellerId: seller.id, name: 'Có trong sitemap' });
    const hidden = await ctx.factories.createProduct({ sellerId: seller.id, name: 'Bị ẩn', status: 'hidden' });
    const res = await request(ctx.app).get('/sitemap.xml').expect(200);
    expect(res.headers['content-type']).toContain('application/xml');
    expect(res.text).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(res.text).toContain(`<loc>https://cho-ocop.example/products/${listed.slug}</loc>`);
    expect(res.text).toContain(`<loc>https://cho-ocop.example/sellers/${seller.slug}</loc>`);
    expect(res.text).not.toContain(hidden.slug);
  });

  it('serves the enhancement script, which the pages do not need to work', async () => {
    const js = await request(ctx.app).get('/js/app.js').expect(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.text).toContain('data-stepper');
  });
});
