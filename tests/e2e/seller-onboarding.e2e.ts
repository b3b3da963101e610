import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { screenshot } from './support/artifacts';
import { VIEWPORTS, useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, SoftChecks, clickAndWait, login, openProduct, productCard, searchFromHeader, see } from './support/flows';
import { sellerOnProductPage } from './support/journeys';

const e2e = useE2E();

/** One cooperative per viewport, so both runs can share the file's store. */
const COOPS = {
  desktop: {
    commune: 'Xã Tả Van',
    cooperative: 'HTX Miến dong Tả Van',
    product: 'Miến dong Tả Van sợi nhỏ',
    query: 'mien dong ta van',
    email: 'htx.mien.ta.van@example.vn',
  },
  mobile: {
    commune: 'Xã Bắc Hà',
    cooperative: 'HTX Mận Tam hoa Bắc Hà',
    product: 'Mận Tam hoa Bắc Hà sấy dẻo',
    query: 'man tam hoa bac ha',
    email: 'htx.man.bac.ha@example.vn',
  },
} as const;

let photo: string;
beforeAll(async () => {
  photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-e2e-photo-')), 'san-pham.jpg');
  await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 120, g: 70, b: 30 } } })
    .composite([{ input: Buffer.from('<svg width="1200" height="900"><circle cx="600" cy="450" r="300" fill="#e8c07a"/></svg>') }])
    .jpeg({ quality: 80 })
    .toFile(photo);
});
afterAll(() => fs.rmSync(path.dirname(photo), { recursive: true, force: true }));

describe.each(VIEWPORTS)('a cooperative joins and sells ($name)', (vp) => {
  const journey = `seller-onboarding-${vp.name}`;
  const coop = COOPS[vp.name];

  test('apply → pending → approved by the admin → new product with a photo → published → found without accents', async () => {
    const soft = new SoftChecks();
    // 1. The cooperative applies.
    const seller = await (await e2e.newContext(vp)).newPage();
    await seller.goto('/sellers/apply');
    await see(seller.getByRole('heading', { level: 1, name: 'Đăng ký bán hàng trên Chợ OCOP' }), 'the application form');
    await seller.getByLabel('Họ và tên người đại diện').fill('Lò Thị Dung');
    await seller.getByLabel('Email').fill(coop.email);
    await seller.getByLabel('Số điện thoại').fill('0912 345 111');
    await seller.getByLabel('Mật khẩu').fill('Ruong-Bac-Thang-2026');
    await seller.getByLabel('Tên hợp tác xã hoặc cơ sở').fill(coop.cooperative);
    await seller.getByLabel('Loại hình chủ thể').selectOption({ label: 'Hợp tác xã' });
    await seller.getByLabel('Xã/phường (tỉnh Lào Cai)').selectOption({ label: coop.commune });
    await seller.getByLabel('Địa chỉ (thôn/bản, số nhà, đường)').fill('Thôn Giàng Tả Chải, nhà văn hoá');
    await seller
      .getByLabel('Giới thiệu hợp tác xã và sản phẩm')
      .fill(`${coop.cooperative}: 25 hộ thành viên, sản xuất theo cách truyền thống của đồng bào vùng cao.`);
    await screenshot(seller, journey, '01-apply-form', soft);
    await clickAndWait(seller, seller.getByRole('button', { name: 'Gửi hồ sơ' }), (u) => u.pathname === '/seller');
    await see(seller.getByRole('heading', { level: 1, name: coop.cooperative }), 'the seller dashboard');
    await see(seller.getByText(/Trạng thái:\s*Chờ duyệt/), 'the status "Chờ duyệt"');
    await screenshot(seller, journey, '02-pending', soft);
    await soft.check(seller, 'the application page names the status ("Chờ duyệt", not "pending")', async () => {
      await seller.goto('/seller/application');
      await see(seller.getByText(/Trạng thái hiện tại:\s*Chờ duyệt/), 'the status "Chờ duyệt" on /seller/application', 3000);
    });
    await seller.goto('/seller');
    const [pending] = await e2e.store.db.query(`SELECT id, status, commune FROM sellers WHERE name = $1`, [coop.cooperative]);
    expect(pending).toMatchObject({ status: 'pending', commune: coop.commune });

    // 2. The admin approves it (another browser profile).
    const admin = await (await e2e.newContext(vp)).newPage();
    await login(admin, DEMO_ACCOUNTS.admin);
    await admin.goto('/admin/sellers?status=pending');
    await see(admin.getByRole('heading', { level: 1, name: 'Hợp tác xã' }), 'the admin seller list');
    await screenshot(admin, journey, '03-admin-pending-list', soft);
    await clickAndWait(admin, admin.getByRole('link', { name: coop.cooperative, exact: true }), (u) => u.pathname === `/admin/sellers/${pending.id}`);
    await see(admin.getByText('Lò Thị Dung'), 'the representative in the application');
    await clickAndWait(admin, admin.getByRole('button', { name: 'Duyệt', exact: true }), (u) => u.pathname.startsWith('/admin/sellers'));
    await admin.goto(`/admin/sellers/${pending.id}`);
    await see(admin.getByRole('heading', { level: 1, name: /Đã duyệt/ }), 'the status "Đã duyệt" in the admin page');
    await screenshot(admin, journey, '04-admin-approved', soft);
    const [approved] = await e2e.store.db.query(`SELECT status FROM sellers WHERE id = $1`, [pending.id]);
    expect(approved.status).toBe('approved');

    // 3. The cooperative adds a product with a photo and publishes it.
    await seller.reload();
    await see(seller.getByText(/Trạng thái:\s*Đã duyệt/), 'the status "Đã duyệt" for the cooperative');
    await seller.goto('/seller/products/new');
    await see(seller.getByRole('heading', { level: 1, name: 'Thêm sản phẩm' }), 'the new product form');
    await seller.getByLabel('Tên sản phẩm').fill(coop.product);
    const category = seller.getByLabel('Nhóm sản phẩm OCOP');
    const firstGroup = await category.locator('optgroup option').first().getAttribute('value');
    await category.selectOption(firstGroup!);
    await seller.getByLabel('Mô tả').fill('Làm thủ công, phơi nắng tự nhiên, không chất bảo quản.');
    await seller.getByLabel('Giá bán (đồng)').fill('85.000');
    await seller.getByLabel('Đơn vị bán').fill('gói 500g');
    await seller.getByLabel('Khối lượng đóng gói (gam)').fill('550');
    await seller.getByLabel('Tồn kho ban đầu').fill('40');
    await screenshot(seller, journey, '05-new-product-form', soft);
    await clickAndWait(seller, seller.getByRole('button', { name: 'Tạo sản phẩm' }), /\/seller\/products\/\d+\?ok=created$/);
    await see(seller.getByRole('heading', { level: 1, name: coop.product }), 'the product in the seller area');
    await see(seller.getByText('Bản nháp').first(), 'the draft status');

    await seller.getByLabel(/^Thêm ảnh/).setInputFiles(photo);
    await clickAndWait(seller, seller.getByRole('button', { name: 'Tải ảnh lên' }), /\?ok=photos$/);
    await see(seller.getByRole('heading', { level: 2, name: /^Ảnh sản phẩm \(1\// }), 'one photo');
    const uploaded = seller.getByRole('listitem').getByRole('img');
    expect(await uploaded.evaluate((img: { decode(): Promise<void>; naturalWidth: number }) => img.decode().then(() => img.naturalWidth))).toBeGreaterThan(0);
    await screenshot(seller, journey, '06-photo-uploaded', soft);

    await clickAndWait(seller, seller.getByRole('button', { name: 'Đăng bán' }), /\?ok=published$/);
    await see(seller.getByText('Sản phẩm đã được đăng bán.'), 'the published notice');
    await see(seller.getByRole('heading', { level: 1, name: /Đang bán/ }), 'the status "Đang bán"');
    await screenshot(seller, journey, '07-published', soft);
    const [product] = await e2e.store.db.query(
      `SELECT p.status, p.price_vnd, p.stock, count(i.id)::int AS images FROM products p LEFT JOIN product_images i ON i.product_id = p.id
        WHERE p.name = $1 GROUP BY p.id`,
      [coop.product],
    );
    expect(product).toEqual({ status: 'active', price_vnd: 85000, stock: 40, images: 1 });

    // 4. An anonymous buyer finds it, typing without accents.
    const buyer = await (await e2e.newContext(vp)).newPage();
    await buyer.goto('/');
    await searchFromHeader(buyer, coop.query);
    await see(productCard(buyer, coop.product), `${coop.product} in the results for "${coop.query}"`);
    // The card shows the uploaded photo (alt="" there: the product name is the same link's text).
    const cardImage = productCard(buyer, coop.product).first().locator('img');
    expect(await cardImage.count()).toBe(1);
    expect(await cardImage.getAttribute('src')).toMatch(/^\/media\/products\/\d+\/[0-9a-f]+-400\.webp$/);
    await screenshot(buyer, journey, '08-buyer-search', soft);
    await openProduct(buyer, coop.product);
    expect(await sellerOnProductPage(buyer)).toBe(coop.cooperative);
    await see(buyer.getByText('85.000'), 'the price');
    await screenshot(buyer, journey, '09-buyer-product-page', soft);
    soft.assertAll();
  });
});
