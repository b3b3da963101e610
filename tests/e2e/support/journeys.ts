import type { Page } from 'playwright-core';
import { screenshot } from './artifacts';
import { DEMO_ACCOUNTS, SoftChecks, addToCart, cartGroups, clickAndWait, login, openProduct, productCard, searchFromHeader, see, seeText } from './flows';

export interface TwoCooperativeCart {
  honeySeller: string;
  teaName: string;
  teaSeller: string;
}

/** The seller named on a product page ("Người bán"). */
export async function sellerOnProductPage(page: Page): Promise<string> {
  const card = page.getByRole('region', { name: 'Người bán' });
  await see(card, 'the seller card');
  return (await card.locator('strong').first().innerText()).trim();
}

/**
 * Steps shared by both payment journeys, as a guest: search "mat ong" (no accents) in the header,
 * filter 4★, 2 × "Mật ong Thanh Xuân"; then a Shan tuyết tea of another cooperative; the cart shows
 * two cooperatives; "Tiến hành đặt hàng" → login as the demo buyer → back on /checkout.
 */
export async function fillCartFromTwoCooperativesAndSignIn(page: Page, journey: string, soft: SoftChecks): Promise<TwoCooperativeCart> {
  await page.goto('/');
  await see(page.getByRole('heading', { level: 1, name: 'Chợ OCOP' }), 'the home page');
  await screenshot(page, journey, '01-home', soft);

  await searchFromHeader(page, 'mat ong');
  await see(productCard(page, 'Mật ong Thanh Xuân'), 'Mật ong Thanh Xuân in the results for "mat ong"');
  await see(productCard(page, 'Mật ong Lương Thịnh'), 'the 3★ Mật ong Lương Thịnh before filtering');

  // The filters sit in the closed "Bộ lọc" drawer above the results.
  await page.getByText('Bộ lọc', { exact: true }).click();
  await page.getByLabel('Hạng sao OCOP').selectOption('4');
  await clickAndWait(page, page.getByRole('button', { name: 'Lọc', exact: true }), (u) => u.searchParams.get('stars') === '4');
  expect(new URL(page.url()).searchParams.get('q')).toBe('mat ong');
  await soft.check(
    page,
    'the "Hạng sao OCOP" filter form (4★, price fields left empty) lists Mật ong Thanh Xuân',
    async () => {
      await see(productCard(page, 'Mật ong Thanh Xuân'), 'Mật ong Thanh Xuân among the 4★ results', 3000);
    },
    // What the form should have asked for: no price bounds.
    () => page.goto('/products?q=mat+ong&stars=4').then(() => undefined),
  );
  await see(productCard(page, 'Mật ong Thanh Xuân'), 'Mật ong Thanh Xuân among the 4★ results');
  expect(await productCard(page, 'Mật ong Lương Thịnh').count()).toBe(0); // 3★: filtered out
  await screenshot(page, journey, '02-search-mat-ong-4-sao', soft);

  await openProduct(page, 'Mật ong Thanh Xuân');
  const honeySeller = await sellerOnProductPage(page);
  await seeText(page, 'Còn hàng');
  await screenshot(page, journey, '03-product-mat-ong-thanh-xuan', soft);
  await addToCart(page, 2);

  await searchFromHeader(page, 'tra shan tuyet');
  const otherCoop = page
    .getByRole('main')
    .getByRole('listitem')
    .filter({ has: page.getByRole('link') })
    .filter({ hasText: /Trà Shan tuyết/i })
    .filter({ hasNotText: honeySeller });
  await see(otherCoop, 'a Shan tuyết tea of another cooperative');
  await clickAndWait(page, otherCoop.first().getByRole('link').first(), /\/products\/[^/?]+$/);
  const teaName = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
  const teaSeller = await sellerOnProductPage(page);
  expect(teaSeller).not.toBe(honeySeller);
  await addToCart(page, 1);

  // The cart: one group per cooperative.
  await see(page.getByRole('heading', { level: 1, name: 'Giỏ hàng' }), 'the cart');
  expect(await cartGroups(page).count()).toBe(2);
  await see(cartGroups(page).getByRole('heading', { name: honeySeller }), `the group of ${honeySeller}`);
  await see(cartGroups(page).getByRole('heading', { name: teaSeller }), `the group of ${teaSeller}`);
  const honeyLine = cartGroups(page).filter({ hasText: honeySeller });
  expect(await honeyLine.getByRole('spinbutton', { name: 'Số lượng' }).inputValue()).toBe('2');
  await see(page.getByText('Phí giao hàng (2 hợp tác xã)'), 'the shipping line for two cooperatives');
  await screenshot(page, journey, '04-cart-two-cooperatives', soft);

  await clickAndWait(page, page.getByRole('link', { name: 'Tiến hành đặt hàng' }), /\/login\?/);
  expect(new URL(page.url()).searchParams.get('next')).toBe('/checkout');
  await see(page.getByRole('heading', { level: 1, name: 'Đăng nhập' }), 'the login page');
  await screenshot(page, journey, '05-login', soft);
  await login(page, DEMO_ACCOUNTS.buyer, (u) => u.pathname === '/checkout');
  await see(page.getByRole('heading', { level: 1, name: 'Đặt hàng' }), 'the checkout form after login');
  // The guest cart followed the buyer into their account.
  await see(page.getByRole('heading', { level: 3, name: honeySeller }), 'the honey seller in the summary');
  await see(page.getByRole('heading', { level: 3, name: teaSeller }), 'the tea seller in the summary');
  return { honeySeller, teaName, teaSeller };
}
