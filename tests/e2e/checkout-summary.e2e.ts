import { screenshot } from './support/artifacts';
import { MOBILE, useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, SoftChecks, addToCart, clickAndWait, login, see } from './support/flows';

const e2e = useE2E();

const COOPERATIVE = 'HTX Ong mật xã Lương Thịnh';
/** The demo cooperative's table: same commune, rest of Lào Cai, north, rest of the country × ≤500 g, ≤1 kg, per extra kg. */
const TABLE: Record<string, string> = {
  same_commune_500g: '10000',
  same_commune_1kg: '15000',
  same_commune_extraKg: '3000',
  province_500g: '20000',
  province_1kg: '25000',
  province_extraKg: '5000',
  north_500g: '30000',
  north_1kg: '35000',
  north_extraKg: '8000',
  country_500g: '35000',
  country_1kg: '45000',
  country_extraKg: '12000',
};

describe('shipping by destination on a phone (360×740)', () => {
  test('the cooperative sets its table; the buyer sees the fee on the product page and, at checkout, the parcels, fees and total above "Đặt hàng"', async () => {
    const soft = new SoftChecks();
    const journey = 'checkout-summary-mobile';

    // The cooperative switches from its flat fee to a table by zone and weight.
    const seller = await (await e2e.newContext(MOBILE)).newPage();
    await login(seller, DEMO_ACCOUNTS.seller);
    await seller.goto('/seller/shipping');
    await see(seller.getByRole('heading', { level: 1, name: 'Phí giao hàng' }));
    await seller.getByLabel('Theo vùng và khối lượng').check();
    for (const [field, value] of Object.entries(TABLE)) await seller.locator(`#f-${field}`).fill(value);
    await clickAndWait(seller, seller.getByRole('button', { name: 'Lưu' }), (u) => u.searchParams.get('ok') === '1');
    await see(seller.getByText('Đã lưu phí giao hàng.'), 'the saved notice');
    await screenshot(seller, journey, '01-seller-table', soft);

    // One of its products, not heavier than 500 g (the default of a product listed before weights).
    const [product] = await e2e.store.db.query(
      `SELECT p.slug, p.name, p.price_vnd, p.weight_grams FROM products p JOIN sellers s ON s.id = p.seller_id
       WHERE s.name = $1 AND p.status = 'active' AND p.stock > 0 AND p.weight_grams <= 500 ORDER BY p.price_vnd LIMIT 1`,
      [COOPERATIVE],
    );
    expect(product).toBeDefined();

    const buyer = await (await e2e.newContext(MOBILE)).newPage();
    await login(buyer, DEMO_ACCOUNTS.buyer);
    await buyer.goto(`/products/${product.slug}`);
    await see(buyer.getByRole('heading', { level: 1, name: product.name }));
    expect(await buyer.getByText(/^Phí giao đến Cà Mau/).count()).toBe(0);
    await buyer.getByLabel('Phí giao đến').selectOption({ label: 'Cà Mau' });
    await clickAndWait(buyer, buyer.getByRole('button', { name: 'Xem phí giao' }), (u) => u.pathname === `/products/${product.slug}`);
    await see(buyer.getByText('Phí giao đến Cà Mau: 35.000\u00a0₫'), 'the fee to Cà Mau on the product page');
    await screenshot(buyer, journey, '02-product-fee-line', soft);

    await addToCart(buyer);
    await buyer.goto('/checkout');
    await see(buyer.getByRole('heading', { level: 1, name: 'Đặt hàng' }), 'the checkout form');
    await buyer.getByLabel('Tỉnh/thành phố').selectOption({ label: 'Cà Mau' });
    await buyer.getByLabel('Xã/phường').fill('Phường An Xuyên');
    await buyer.getByLabel('Số nhà, đường, thôn/bản').fill('Số 8 đường Phan Ngọc Hiển');
    // Without JavaScript: "Cập nhật phí giao" renders the page again with the fee to Cà Mau.
    await clickAndWait(buyer, buyer.getByRole('button', { name: 'Cập nhật phí giao' }), (u) => u.pathname === '/checkout');
    await see(buyer.getByText('Đã tính lại phí giao đến Cà Mau.'), 'the updated notice');
    const summary = buyer.getByRole('region', { name: 'Đơn hàng của bạn' });
    await see(summary.getByText(/Phí giao đến Cà Mau \(\d+ g\): 35\.000\u00a0₫/), 'the parcel fee to Cà Mau in the summary');
    const total = Number(product.price_vnd) + 35000;
    const totalText = `Tổng cộng: ${new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(total)}`;
    await see(summary.getByText(totalText), 'the total in the summary');
    expect(await buyer.getByLabel('Xã/phường').inputValue()).toBe('Phường An Xuyên');

    // On the phone the summary (parcels, fees, total) comes before the "Đặt hàng" button, in the page and on screen.
    const order = buyer.getByRole('button', { name: /^Đặt hàng/ });
    const [summaryBox, orderBox] = [await summary.boundingBox(), await order.boundingBox()];
    expect(summaryBox!.y + summaryBox!.height).toBeLessThanOrEqual(orderBox!.y);
    const html = await buyer.content();
    expect(html.indexOf('id="summary-title"')).toBeGreaterThan(0);
    expect(html.indexOf('id="summary-title"')).toBeLessThan(html.indexOf('Đặt hàng ·'));
    await order.scrollIntoViewIfNeeded();
    await screenshot(buyer, journey, '03-checkout-summary-above-button', soft);

    await buyer.getByLabel('Chuyển khoản VietQR').check();
    await clickAndWait(buyer, order, /\/orders\/[^/]+\/pay$/);
    const code = /\/orders\/([^/]+)\/pay$/.exec(new URL(buyer.url()).pathname)![1];
    const [part] = await e2e.store.db.query(
      `SELECT so.shipping_fee_vnd::int AS fee FROM seller_orders so JOIN orders o ON o.id = so.order_id WHERE o.code = $1`,
      [code],
    );
    expect(part.fee).toBe(35000);
    soft.assertAll();
  });
});
