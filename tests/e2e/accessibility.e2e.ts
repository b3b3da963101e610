import type { Page } from 'playwright-core';
import { screenshot } from './support/artifacts';
import { expectNoSeriousViolations } from './support/axe';
import { useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, addToCart, clickAndWait, login, openProduct, searchFromHeader, see } from './support/flows';

const e2e = useE2E();
const journey = 'accessibility';

/**
 * axe-core (serious and critical only) on the pages people use most, as they really are: with the
 * progressive-enhancement script run, signed in where the page needs it. `bypassCSP` lets axe in.
 */
describe('axe: no serious or critical violations', () => {
  let visitor: Page;
  let buyer: Page;

  beforeAll(async () => {
    visitor = await (await e2e.newContext(undefined, { bypassCSP: true })).newPage();
    buyer = await (await e2e.newContext(undefined, { bypassCSP: true })).newPage();
  });

  test('home', async () => {
    await visitor.goto('/');
    await see(visitor.getByRole('heading', { level: 1, name: 'Chợ OCOP' }));
    await screenshot(visitor, journey, '01-home');
    await expectNoSeriousViolations(visitor, '/');
  });

  test('search results /products?q=mat ong', async () => {
    await visitor.goto('/products?q=mat%20ong');
    await see(visitor.getByRole('heading', { level: 1, name: 'Kết quả cho “mat ong”' }));
    await screenshot(visitor, journey, '02-search');
    await expectNoSeriousViolations(visitor, '/products?q=mat ong');
  });

  test('a product page', async () => {
    await openProduct(visitor, 'Mật ong Thanh Xuân');
    await screenshot(visitor, journey, '03-product');
    await expectNoSeriousViolations(visitor, new URL(visitor.url()).pathname);
  });

  test('the cart with an item', async () => {
    await buyer.goto('/');
    await searchFromHeader(buyer, 'mat ong');
    await openProduct(buyer, 'Mật ong Thanh Xuân');
    await addToCart(buyer, 2);
    await screenshot(buyer, journey, '04-cart');
    await expectNoSeriousViolations(buyer, '/cart (one item)');
  });

  test('the checkout form', async () => {
    await clickAndWait(buyer, buyer.getByRole('link', { name: 'Tiến hành đặt hàng' }), /\/login/);
    await login(buyer, DEMO_ACCOUNTS.buyer, (u) => u.pathname === '/checkout');
    await see(buyer.getByRole('heading', { level: 1, name: 'Đặt hàng' }));
    await screenshot(buyer, journey, '05-checkout');
    await expectNoSeriousViolations(buyer, '/checkout');
  });

  test('/seller/products/new as the demo cooperative', async () => {
    const seller = await (await e2e.newContext(undefined, { bypassCSP: true })).newPage();
    await login(seller, DEMO_ACCOUNTS.seller);
    await seller.goto('/seller/products/new');
    await see(seller.getByRole('heading', { level: 1, name: 'Thêm sản phẩm' }));
    await screenshot(seller, journey, '06-seller-new-product');
    await expectNoSeriousViolations(seller, '/seller/products/new');
  });

  test('/admin/sellers as the demo admin', async () => {
    const admin = await (await e2e.newContext(undefined, { bypassCSP: true })).newPage();
    await login(admin, DEMO_ACCOUNTS.admin);
    await admin.goto('/admin/sellers');
    await see(admin.getByRole('heading', { level: 1, name: 'Hợp tác xã' }));
    await screenshot(admin, journey, '07-admin-sellers');
    await expectNoSeriousViolations(admin, '/admin/sellers');
  });
});
