import { screenshot } from './support/artifacts';
import { useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, SoftChecks, mainText, orderCodeFromUrl, see } from './support/flows';
import { describeFocused, pressAndWait, tabTo, type Focused } from './support/keyboard';

const e2e = useE2E();
const journey = 'keyboard';

/** Only the keyboard: no mouse click anywhere below (page.goto once, like typing the address). */
test('a buyer shops with the keyboard only: search, product, add to cart, sign in, checkout, order, pay', async () => {
  const page = await (await e2e.newContext()).newPage();
  const soft = new SoftChecks();
  const focusVisible = async (f: Focused, where: string) =>
    soft.check(page, `a visible focus indicator on ${where}`, async () => expect(f.indicator).toBe(true));

  await page.goto('/');
  // The first Tab lands on the skip link.
  const skip = await tabTo(page, 'the skip link', () => true, { max: 1 });
  expect(skip.name).toBe('Bỏ qua, tới nội dung chính');
  expect(skip.href).toBe('#main');

  // Search from the header.
  const search = await tabTo(page, 'the search box', (f) => f.id === 'site-search');
  await focusVisible(search, 'the search box');
  await page.keyboard.type('mat ong thanh xuan');
  await pressAndWait(page, 'Enter', (u) => u.pathname === '/products' && u.searchParams.get('q') === 'mat ong thanh xuan');
  await screenshot(page, journey, '01-results');

  // Open the product from the results.
  const card = await tabTo(page, 'the product card', (f) => f.tag === 'a' && f.href.startsWith('/products/') && f.name.includes('Mật ong Thanh Xuân'), {
    max: 120,
  });
  await focusVisible(card, 'a product card');
  await pressAndWait(page, 'Enter', (u) => u.pathname === card.href);
  await see(page.getByRole('heading', { level: 1, name: 'Mật ong Thanh Xuân' }), 'the product page');

  // Quantity 2 (typed), then "Thêm vào giỏ hàng".
  const qty = await tabTo(page, 'the quantity field', (f) => f.tag === 'input' && f.type === 'number');
  await focusVisible(qty, 'the quantity field');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2');
  expect((await describeFocused(page))?.value).toBe('2');
  const add = await tabTo(page, '"Thêm vào giỏ hàng"', (f) => f.tag === 'button' && f.name === 'Thêm vào giỏ hàng');
  await focusVisible(add, '"Thêm vào giỏ hàng"');
  await screenshot(page, journey, '02-product-focus-add-to-cart');
  await pressAndWait(page, 'Enter', /\/cart$/);
  if (!(await mainText(page)).includes('Mật ong Thanh Xuân')) {
    console.log('E2E: the cart rendered before the session was saved (see post-redirect-get.e2e.ts); F5');
    await page.keyboard.press('F5');
    await page.waitForLoadState('load');
  }
  expect(await mainText(page)).toContain('Mật ong Thanh Xuân');
  expect(await page.getByRole('spinbutton', { name: 'Số lượng' }).inputValue()).toBe('2');

  // To checkout: the store asks to sign in first.
  const proceed = await tabTo(page, '"Tiến hành đặt hàng"', (f) => f.name === 'Tiến hành đặt hàng', { max: 120 });
  await focusVisible(proceed, '"Tiến hành đặt hàng"');
  await screenshot(page, journey, '03-cart-focus-checkout');
  await pressAndWait(page, 'Enter', /\/login\?next=%2Fcheckout$/);
  await tabTo(page, 'the email or phone field', (f) => f.tag === 'input' && f.id === 'f-email');
  await page.keyboard.type(DEMO_ACCOUNTS.buyer.email);
  await page.keyboard.press('Tab');
  const password = await describeFocused(page);
  expect(password?.type).toBe('password');
  await page.keyboard.type(DEMO_ACCOUNTS.buyer.password);
  await pressAndWait(page, 'Enter', (u) => u.pathname === '/checkout');

  // The checkout form: name and phone are prefilled from the account, Lào Cai is the default province.
  await see(page.getByRole('heading', { level: 1, name: 'Đặt hàng' }), 'the checkout form');
  const recipient = await tabTo(page, 'the recipient name', (f) => f.id === 'f-recipientName');
  expect(recipient.value).toBe(DEMO_ACCOUNTS.buyer.fullName);
  await tabTo(page, 'the province', (f) => f.tag === 'select', { max: 3 });
  expect(await page.getByLabel('Tỉnh/thành phố').inputValue()).toBe('Lào Cai');
  const commune = await tabTo(page, 'the commune', (f) => f.id === 'f-commune', { max: 1 });
  await focusVisible(commune, 'the commune field');
  await page.keyboard.type('Phường Sa Pa');
  await tabTo(page, 'the street', (f) => f.id === 'f-street', { max: 2 });
  await page.keyboard.type('Số 3 đường Thạch Sơn');
  // Into the payment radio group (it focuses the checked radio), then the arrow keys choose.
  const radio = await tabTo(page, 'the payment choice', (f) => f.type === 'radio', { max: 3 });
  await focusVisible(radio, 'the payment radio');
  for (let i = 0; i < 3 && (await describeFocused(page))?.value !== 'vietqr'; i++) await page.keyboard.press('ArrowDown');
  expect(await page.getByLabel('Chuyển khoản VietQR').isChecked()).toBe(true);
  const submit = await tabTo(page, '"Đặt hàng"', (f) => f.tag === 'button' && f.name.startsWith('Đặt hàng'), { max: 3 });
  await focusVisible(submit, '"Đặt hàng"');
  // Back to check what was typed, then forward again (Shift+Tab / Tab).
  await tabTo(page, 'the street (back)', (f) => f.id === 'f-street', { reverse: true, max: 4 });
  expect((await describeFocused(page))?.value).toBe('Số 3 đường Thạch Sơn');
  await tabTo(page, '"Đặt hàng" again', (f) => f.tag === 'button' && f.name.startsWith('Đặt hàng'), { max: 4 });
  await screenshot(page, journey, '04-checkout-filled');
  await pressAndWait(page, 'Enter', /\/orders\/[^/]+\/pay$/);
  const code = orderCodeFromUrl(page.url());
  await see(page.getByRole('img', { name: /Mã VietQR/ }), 'the VietQR code');

  // Pay with the demo transfer: Space on the button.
  const simulate = await tabTo(page, '"Mô phỏng chuyển khoản thành công"', (f) => f.name === 'Mô phỏng chuyển khoản thành công', { max: 40 });
  await focusVisible(simulate, 'the demo payment button');
  await screenshot(page, journey, '05-pay-focus-simulate');
  await pressAndWait(page, 'Space', (u) => u.pathname === `/orders/${code}`);
  await see(page.getByText(/Trạng thái:\s*Đã thanh toán/), 'the paid order');
  await screenshot(page, journey, '06-order-paid');

  const [order] = await e2e.store.db.query(`SELECT status, commune, street FROM orders WHERE code = $1`, [code]);
  expect(order).toEqual({ status: 'paid', commune: 'Phường Sa Pa', street: 'Số 3 đường Thạch Sơn' });
  soft.assertAll();
});
