import type { Locator, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../../server/seed/demo-accounts';
import { SoftChecks, failureShot } from './artifacts';

export { DEMO_ACCOUNTS, SoftChecks };
export type Account = { email: string; password: string };

/** playwright-core has no web-first `expect`: wait until the locator is visible, with the reason in the error. */
export async function see(locator: Locator, what?: string, timeout?: number): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    const shot = await failureShot(locator.page());
    throw new Error(`Expected to see ${what ?? String(locator)} on ${locator.page().url()} (screenshot: ${shot})\n${(err as Error).message}`, { cause: err });
  }
  return locator;
}

/** Visible text somewhere on the page (substring, like a user scanning it). */
export function seeText(page: Page, text: string | RegExp): Promise<Locator> {
  return see(page.getByText(text), JSON.stringify(String(text)));
}

export async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

/** Click something that navigates, and wait until the browser is on the expected page. */
export async function clickAndWait(page: Page, target: Locator, url: string | RegExp | ((u: URL) => boolean)): Promise<void> {
  await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), target.click()]);
}

export async function login(page: Page, account: Account, expectUrl?: string | RegExp | ((u: URL) => boolean)): Promise<void> {
  if (!/\/login/.test(page.url())) await page.goto('/login');
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Mật khẩu').fill(account.password);
  await clickAndWait(page, page.getByRole('main').getByRole('button', { name: 'Đăng nhập' }), expectUrl ?? ((u) => !u.pathname.startsWith('/login')));
}

/** The header's search box (every page has it). */
export async function searchFromHeader(page: Page, q: string): Promise<void> {
  const box = page.getByRole('search').getByRole('searchbox');
  await box.fill(q);
  await Promise.all([page.waitForURL((u) => u.pathname === '/products' && u.searchParams.get('q') === q), box.press('Enter')]);
  await see(page.getByRole('heading', { level: 1, name: `Kết quả cho “${q}”` }), 'the results heading');
}

/** A product card in the results, by the product's name. */
export function productCard(page: Page, name: string): Locator {
  return page.getByRole('main').getByRole('link', { name });
}

export async function openProduct(page: Page, name: string): Promise<void> {
  await clickAndWait(page, productCard(page, name).first(), /\/products\/[^/?]+$/);
  await see(page.getByRole('heading', { level: 1, name }), `the product page of ${name}`);
}

/**
 * On a product page: quantity, "Thêm vào giỏ hàng" → the cart, which lists the product.
 * Checks what lasts (the cart line), not the one-shot flash: the store redirects before its session
 * row is written (see post-redirect-get.e2e.ts), so the first render may miss the session. When it
 * does, that is logged and the cart is reloaded once; post-redirect-get.e2e.ts fails on it for real.
 */
export async function addToCart(page: Page, quantity = 1): Promise<void> {
  const name = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
  if (quantity !== 1) await page.getByRole('spinbutton', { name: 'Số lượng' }).fill(String(quantity));
  await clickAndWait(page, page.getByRole('button', { name: 'Thêm vào giỏ hàng' }), /\/cart$/);
  await see(page.getByRole('heading', { level: 1, name: 'Giỏ hàng' }), 'the cart');
  const line = page.getByRole('main').getByRole('link', { name, exact: true });
  if ((await line.count()) === 0) {
    console.log(`E2E: the cart rendered right after adding "${name}" does not list it yet (session saved after the redirect); reloading`);
    await page.reload();
  }
  await see(line, `"${name}" in the cart`);
}

/** The cart's seller groups (one section per cooperative, labelled by its heading). */
export function cartGroups(page: Page): Locator {
  return page.locator('main section.cart-group');
}

export interface AddressInput {
  street: string;
  commune?: string;
  note?: string;
}

/** On /checkout: a Lào Cai address, the payment method, "Đặt hàng". */
export async function placeOrder(
  page: Page,
  method: 'Chuyển khoản VietQR' | 'Thẻ quốc tế (Stripe)',
  address: AddressInput,
  expectUrl: string | RegExp | ((u: URL) => boolean),
): Promise<void> {
  await see(page.getByRole('heading', { level: 1, name: 'Đặt hàng' }), 'the checkout form');
  await page.getByLabel('Tỉnh/thành phố').selectOption({ label: 'Lào Cai' });
  await page.getByLabel('Xã/phường').fill(address.commune ?? 'Phường Sa Pa');
  await page.getByLabel('Số nhà, đường, thôn/bản').fill(address.street);
  if (address.note) await page.getByLabel('Ghi chú cho người bán').fill(address.note);
  await page.getByLabel(method).check();
  await clickAndWait(page, page.getByRole('button', { name: /^Đặt hàng/ }), expectUrl);
}

/** /orders/ABC123/pay → ABC123 */
export function orderCodeFromUrl(url: string): string {
  const m = /\/orders\/([^/?#]+)/.exec(new URL(url).pathname);
  if (!m) throw new Error(`no order code in ${url}`);
  return m[1];
}
