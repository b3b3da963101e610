import request from 'supertest';
import { createAccount, signIn } from '../../helpers/auth';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import type { ProductRow } from '../../helpers/factories';

/**
 * PAGE_CACHE_SECONDS: a process sends a public page it rendered again, as it was, to visitors without a
 * session for that long; signed-in visitors, pages that set a cookie or failed, and a chosen province
 * never come from it.
 */

let ctx: TestContext;
let product: ProductRow;
let sellerSlug: string;
beforeAll(async () => {
  ctx = await createTestContext({ env: { CATALOG_CACHE_SECONDS: '30', PAGE_CACHE_SECONDS: '1' } });
  product = await ctx.factories.createProduct({ name: 'Trà hoa vàng Bát Xát', stock: 20 });
  [{ slug: sellerSlug }] = await ctx.ds.query(`SELECT slug FROM sellers WHERE id = $1`, [product.sellerId]);
});
afterAll(() => ctx.close());

const rename = (id: number, name: string) => ctx.ds.query(`UPDATE products SET name = $2 WHERE id = $1`, [id, name]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the page cache', () => {
  it('sends the same bytes again within PAGE_CACHE_SECONDS (with Age and the same ETag), then renders afresh', async () => {
    const first = await request(ctx.app).get('/products').expect(200);
    expect(first.text).toContain('Trà hoa vàng Bát Xát');
    expect(first.headers.age).toBeUndefined();
    await rename(product.id, 'Trà hoa vàng Y Tý');

    const again = await request(ctx.app).get('/products').expect(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers.age).toMatch(/^\d+$/);
    expect(again.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(again.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(again.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
    expect(again.headers['set-cookie']).toBeUndefined();
    // A matching If-None-Match on a stored page: 304 without a body.
    const notModified = await request(ctx.app).get('/products').set('If-None-Match', first.headers.etag).expect(304);
    expect(notModified.text).toBeFalsy();

    await sleep(1100);
    const fresh = await request(ctx.app).get('/products').expect(200);
    expect(fresh.text).toContain('Trà hoa vàng Y Tý');
    expect(fresh.text).not.toContain('Bát Xát');
    expect(fresh.headers.etag).not.toBe(first.headers.etag);
    await rename(product.id, 'Trà hoa vàng Bát Xát');
  });

  it('keeps each language and each URL apart', async () => {
    const vi = await request(ctx.app).get(`/products/${product.slug}`).expect(200);
    const en = await request(ctx.app).get(`/products/${product.slug}`).set('Cookie', 'lang=en').expect(200);
    expect(vi.text).toContain('<html lang="vi"');
    expect(en.text).toContain('<html lang="en"');
    expect((await request(ctx.app).get(`/products/${product.slug}`).set('Cookie', 'lang=en')).text).toBe(en.text);
    expect((await request(ctx.app).get(`/products/${product.slug}`)).text).toBe(vi.text);
    const sorted = await request(ctx.app).get('/products?sort=price_asc').expect(200);
    expect(sorted.text).toContain('value="price_asc" selected');
  });

  it('is neither read nor filled for a signed-in visitor, nor for a product page with a chosen province', async () => {
    await request(ctx.app).get(`/sellers/${sellerSlug}`).expect(200); // stored
    await rename(product.id, 'Trà hoa vàng Nậm Xé');
    const account = await createAccount(ctx.ds, { fullName: 'Lò Thị Hoa' });
    const agent = await signIn(ctx.app, account.email);
    const own = await agent.get(`/sellers/${sellerSlug}`).expect(200);
    expect(own.text).toContain('Trà hoa vàng Nậm Xé');
    expect(own.text).toContain('Lò Thị Hoa');
    expect(own.headers['cache-control']).toMatch(/no-store/);
    expect(own.headers.age).toBeUndefined();
    // The anonymous copy is still the one stored before the rename, and the signed-in page did not replace it.
    const anonymous = await request(ctx.app).get(`/sellers/${sellerSlug}`).expect(200);
    expect(anonymous.text).toContain('Trà hoa vàng Bát Xát');
    expect(anonymous.text).not.toContain('Lò Thị Hoa');

    const shipTo = await request(ctx.app).get(`/products/${product.slug}`).set('Cookie', 'ship_to=96').expect(200);
    expect(shipTo.headers['cache-control']).toBe('private, no-store');
    expect(shipTo.headers.age).toBeUndefined();
    expect(shipTo.text).toContain('Trà hoa vàng Nậm Xé');
    await rename(product.id, 'Trà hoa vàng Bát Xát');
  });

  it('never keeps a failed answer: a 404 becomes the page as soon as it exists', async () => {
    await request(ctx.app).get('/products/tra-moi-ra-lo').expect(404);
    await ctx.ds.query(`UPDATE products SET slug = 'tra-moi-ra-lo' WHERE id = $1`, [product.id]);
    const page = await request(ctx.app).get('/products/tra-moi-ra-lo').expect(200);
    expect(page.text).toContain(product.name);
  });

  it('answers a HEAD from a stored page with its headers and no body', async () => {
    const get = await request(ctx.app).get('/market-days').expect(200);
    const head = await request(ctx.app).head('/market-days').expect(200);
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
    expect(head.text).toBeFalsy();
  });
});
