import { DESKTOP, useE2E } from './support/fixture';
import { addToCart, productCard, see } from './support/flows';

const e2e = useE2E();

/**
 * Issue 23: a guest's product page is the same for everyone (a CDN may keep it: public, an ETag, no
 * cookie, no form token); "Thêm vào giỏ hàng" from it still works in a real browser, which says the
 * post comes from the site itself (Sec-Fetch-Site: same-origin) — with or without JavaScript.
 */
describe.each([
  { name: 'JavaScript on', javaScriptEnabled: true },
  { name: 'JavaScript off', javaScriptEnabled: false },
])('add to cart from a cacheable product page ($name)', ({ javaScriptEnabled }) => {
  test('the page is public and sets no cookie; the post starts the session and fills the cart', async () => {
    const context = await e2e.newContext(DESKTOP, { javaScriptEnabled });
    const page = await context.newPage();
    await page.goto('/products?q=mat+ong');
    const href = await productCard(page, 'Mật ong Thanh Xuân').first().getAttribute('href');
    const response = (await page.goto(href!))!;
    await see(page.getByRole('heading', { level: 1, name: 'Mật ong Thanh Xuân' }), 'the product page');
    const headers = await response.allHeaders();
    expect(headers['cache-control']).toMatch(/^public, max-age=0, s-maxage=\d+(, stale-while-revalidate=\d+)?$/);
    expect(headers.etag).toMatch(/^W\//);
    expect(headers['set-cookie']).toBeUndefined();
    expect(await context.cookies()).toEqual([]);
    expect(await page.locator('form.add-to-cart input[name="_csrf"]').count()).toBe(0);

    await addToCart(page, 2);
    expect((await context.cookies()).map((c) => c.name)).toContain('cho.sid');
    // Back to the product page (a browser may restore the guest's copy, without a token), one more: added too.
    await page.goBack();
    await see(page.getByRole('heading', { level: 1, name: 'Mật ong Thanh Xuân' }), 'the product page again');
    await addToCart(page, 1);
    const [line] = await e2e.store.db.query(
      `SELECT ci.quantity FROM cart_items ci JOIN products p ON p.id = ci.product_id WHERE p.name = 'Mật ong Thanh Xuân' ORDER BY ci.cart_id DESC LIMIT 1`,
    );
    expect(line.quantity).toBe(3);
    // With a session the same page is private again, with a form token.
    const again = (await page.goto(href!))!;
    expect(again.headers()['cache-control']).toBe('no-store');
    expect(await page.locator('form.add-to-cart input[name="_csrf"]').count()).toBe(1);
  });
});
