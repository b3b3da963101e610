import { deliverDemoOrder } from '../../server/seed/demo-reviews';
import { horizontalOverflow, screenshot } from './support/artifacts';
import { expectNoSeriousViolations } from './support/axe';
import { MOBILE, useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, SoftChecks, clickAndWait, login, see } from './support/flows';

const e2e = useE2E();

describe('a buyer reviews a delivered product (phone, 360×740)', () => {
  test('order page → stars and a comment → "Đã mua hàng" on the product page', async () => {
    const soft = new SoftChecks();
    const journey = 'review-mobile';
    const db = e2e.store.db;
    // The demo buyer's delivered order of a product nobody has reviewed yet (cart, checkout, paid, shipped, delivered).
    const [product] = await db.query(
      `SELECT p.id, p.name, p.slug, s.owner_user_id AS "ownerUserId" FROM products p JOIN sellers s ON s.id = p.seller_id
       WHERE p.status = 'active' AND s.status = 'approved' AND p.stock >= 5 AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.product_id = p.id)
       ORDER BY p.id LIMIT 1`,
    );
    const [buyer] = await db.query(`SELECT id, full_name AS "fullName" FROM users WHERE email = $1`, [DEMO_ACCOUNTS.buyer.email]);
    const { code, itemId } = await deliverDemoOrder(e2e.store.store.container, buyer, product);

    // bypassCSP lets axe in (the checks below); the store's pages need no script of their own.
    const page = await (await e2e.newContext(MOBILE, { bypassCSP: true })).newPage();
    await login(page, DEMO_ACCOUNTS.buyer);
    await page.goto(`/orders/${code}`);
    const form = page.locator(`#review-${itemId}`);
    await see(form.getByRole('group', { name: 'Đánh giá sản phẩm này' }), 'the review form under the delivered item');
    await form.getByRole('radio', { name: '5 ★' }).check();
    await form.getByLabel(/Nhận xét/).fill('Đóng gói cẩn thận, dùng rất thích.');
    await screenshot(page, journey, '01-order-review-form', soft);
    await expectNoSeriousViolations(page, 'the order page with a review form');
    await clickAndWait(page, form.getByRole('button', { name: 'Gửi đánh giá' }), (u) => u.pathname === `/orders/${code}`);
    await see(page.getByText('Cảm ơn bạn đã đánh giá sản phẩm.'), 'the thank-you notice');
    await see(form.getByText('Đánh giá của bạn:'), 'the review on the order page');
    await screenshot(page, journey, '02-order-reviewed', soft);

    await clickAndWait(page, page.getByRole('link', { name: product.name }).first(), (u) => u.pathname === `/products/${product.slug}`);
    const reviews = page.getByRole('region', { name: 'Đánh giá của người mua' });
    await see(reviews.getByText('Đóng gói cẩn thận, dùng rất thích.'), 'the review on the product page');
    await see(reviews.getByText('Đã mua hàng'), 'the verified-purchase badge');
    await see(reviews.getByText('N. T. Mai'), "the reviewer's masked name");
    await see(reviews.getByText('5,0 ★'), 'the average');
    await screenshot(page, journey, '03-product-reviews', soft);
    await expectNoSeriousViolations(page, 'the product page with reviews');

    const [row] = await db.query(`SELECT rating, comment FROM reviews WHERE order_item_id = $1`, [itemId]);
    expect(row).toEqual({ rating: 5, comment: 'Đóng gói cẩn thận, dùng rất thích.' });
    expect((await horizontalOverflow(page)).offenders).toEqual([]);
    soft.assertAll();
  });
});
