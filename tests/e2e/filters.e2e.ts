import { horizontalOverflow, screenshot } from './support/artifacts';
import { MOBILE, useE2E } from './support/fixture';
import { SoftChecks, clickAndWait, see } from './support/flows';

const e2e = useE2E();

describe('the listing on a phone (360×740): filters in a drawer, active filters as chips', () => {
  test('the first product is on the first screen; open the drawer, filter, see the chip, remove it', async () => {
    const soft = new SoftChecks();
    const journey = 'filters-mobile';
    const page = await (await e2e.newContext(MOBILE)).newPage();
    await page.goto('/products');
    await see(page.getByRole('heading', { level: 1, name: 'Sản phẩm OCOP' }));

    // Closed, the drawer is one line: the first card starts within the first screen.
    const drawer = page.locator('details.filters-drawer');
    expect(await drawer.getAttribute('open')).toBeNull();
    await expect(page.getByLabel('Nhóm sản phẩm').isVisible()).resolves.toBe(false);
    const firstCard = page.locator('.results .grid > li').first();
    const box = await firstCard.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(740);
    await screenshot(page, journey, '01-listing-first-screen', soft);
    const total = await page.locator('.results .grid > li').count();

    // Open the drawer (no script needed: <details>), choose a group and apply.
    await page.getByText('Bộ lọc', { exact: true }).click();
    await see(page.getByLabel('Nhóm sản phẩm'), 'the filter form in the open drawer');
    // The first level-1 group (I, II…) offered.
    const values = await page.locator('#f-category option').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''));
    const group = values.find((v) => /^[IVX]+$/.test(v))!;
    await page.getByLabel('Nhóm sản phẩm').selectOption(group);
    await screenshot(page, journey, '02-drawer-open', soft);
    await clickAndWait(page, page.getByRole('button', { name: 'Lọc', exact: true }), (u) => u.searchParams.get('category') === group);

    // The chip names the filter, the drawer's button counts it, and the first card is still on the first screen.
    const chips = page.getByRole('list', { name: 'Bộ lọc đang dùng' });
    const chip = chips.getByRole('link', { name: new RegExp(`^${group.replace('.', '\\.')} .*bỏ lọc này`) });
    await see(chip, 'the active filter as a chip');
    await see(page.getByText('Bộ lọc (1)', { exact: true }), 'the count on the drawer button');
    await see(chips.getByRole('link', { name: 'Xóa bộ lọc' }));
    const filteredBox = await page.locator('.results .grid > li').first().boundingBox();
    if (filteredBox) expect(filteredBox.y).toBeLessThan(740);
    await screenshot(page, journey, '03-chip', soft);

    // Removing the filter through its chip gives the whole listing back.
    await clickAndWait(page, chip, (u) => u.pathname === '/products' && !u.searchParams.has('category'));
    await see(page.getByText('Bộ lọc', { exact: true }));
    expect(await page.getByRole('list', { name: 'Bộ lọc đang dùng' }).count()).toBe(0);
    expect(await page.locator('.results .grid > li').count()).toBe(total);
    expect((await horizontalOverflow(page)).offenders).toEqual([]);
    soft.assertAll();
  });
});
