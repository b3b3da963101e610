import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { screenshot } from './support/artifacts';
import { MOBILE, useE2E } from './support/fixture';
import { DEMO_ACCOUNTS, SoftChecks, clickAndWait, login, see } from './support/flows';

const e2e = useE2E();

const HOUSEHOLD = {
  name: 'Hộ bà Giàng Thị Mai – thổ cẩm Tả Van',
  representative: 'Giàng Thị Mai',
  phone: '0977 123 456',
  phoneNormalised: '0977123456',
  password: 'Tho-Cam-Ta-Van-2026',
  commune: 'Xã Tả Van',
  product: 'Khăn thổ cẩm Tả Van dệt tay',
} as const;

let photo: string;
beforeAll(async () => {
  photo = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cho-ocop-e2e-photo-')), 'tho-cam.jpg');
  await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 40, g: 50, b: 120 } } })
    .composite([{ input: Buffer.from('<svg width="1200" height="900"><rect x="300" y="200" width="600" height="500" fill="#c0392b"/></svg>') }])
    .jpeg({ quality: 80 })
    .toFile(photo);
});
afterAll(() => fs.rmSync(path.dirname(photo), { recursive: true, force: true }));

/** Issue 19: a digital-team member, on a phone, onboards a household without email and lists its first product with a photo. */
describe('a digital-team member onboards a household (mobile)', () => {
  const journey = 'team-onboarding-mobile';

  test('/team → household application (phone, no email, consent) → admin approves → "Hỗ trợ hộ này" → product with a photo → published', async () => {
    const soft = new SoftChecks();
    const [member] = await e2e.store.db.query(`SELECT id FROM users WHERE email = $1`, [DEMO_ACCOUNTS.team.email]);
    expect(member).toBeDefined();

    // 1. The member signs in on their phone and opens the onboarding form from /team.
    const phone = await (await e2e.newContext(MOBILE)).newPage();
    await login(phone, DEMO_ACCOUNTS.team);
    await phone.goto('/team');
    await see(phone.getByRole('heading', { level: 1, name: 'Tổ công nghệ số của tôi' }), 'the member area');
    await screenshot(phone, journey, '01-team', soft);
    await clickAndWait(phone, phone.getByRole('link', { name: 'Hỗ trợ một hộ đăng ký' }), (u) => u.pathname === '/team/households/new');
    await see(phone.getByRole('heading', { level: 1, name: 'Hỗ trợ một hộ đăng ký bán hàng' }), 'the household application form');

    // 2. The household's application: no email, a phone number, the representative's own password and consent.
    expect(await phone.getByLabel('Loại hình').inputValue()).toBe('ho_san_xuat');
    await phone.getByLabel('Tên hộ / tên gian hàng').fill(HOUSEHOLD.name);
    await phone.getByLabel('Họ và tên người đại diện của hộ').fill(HOUSEHOLD.representative);
    await phone.getByLabel('Số điện thoại của hộ').fill(HOUSEHOLD.phone);
    await phone.getByLabel('Xã/phường').selectOption({ label: HOUSEHOLD.commune });
    await phone.getByLabel('Địa chỉ (thôn/bản, số nhà)').fill('Thôn Tả Van Giáy 2');
    await phone.getByLabel('Sản phẩm hộ làm ra').fill('Khăn, túi và váy thổ cẩm dệt tay, nhuộm chàm theo cách của người Mông.');
    await screenshot(phone, journey, '02-household-form', soft);
    await phone.getByLabel('Mật khẩu của hộ').fill(HOUSEHOLD.password);
    await phone.getByLabel('Nhập lại mật khẩu').fill(HOUSEHOLD.password);
    await phone.getByLabel(/Tôi đồng ý để tổ công nghệ số hỗ trợ/).check();
    await screenshot(phone, journey, '03-consent', soft);
    await clickAndWait(phone, phone.getByRole('button', { name: 'Gửi hồ sơ của hộ' }), (u) => u.pathname === '/team');
    await see(phone.getByText(`Đã gửi hồ sơ của “${HOUSEHOLD.name}”`), 'the "sent" notice');
    const householdRow = phone.getByRole('listitem').filter({ hasText: HOUSEHOLD.name });
    await see(householdRow.getByText('chờ duyệt'), 'the household marked "chờ duyệt" on /team');
    await screenshot(phone, journey, '04-team-pending', soft);

    const [pending] = await e2e.store.db.query(
      `SELECT s.id, s.status, s.commune, s.onboarded_by_team_id IS NOT NULL AS onboarded, u.email, u.phone
         FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE s.name = $1`,
      [HOUSEHOLD.name],
    );
    expect(pending).toMatchObject({ status: 'pending', commune: HOUSEHOLD.commune, onboarded: true, email: null });
    expect(String(pending.phone).replace(/^\+84/, '0')).toBe(HOUSEHOLD.phoneNormalised);

    // 3. The admin approves it (another browser profile).
    const admin = await (await e2e.newContext(MOBILE)).newPage();
    await login(admin, DEMO_ACCOUNTS.admin);
    await admin.goto(`/admin/sellers/${pending.id}`);
    await see(admin.getByText(HOUSEHOLD.representative).first(), 'the representative in the application');
    await screenshot(admin, journey, '05-admin-application', soft);
    await clickAndWait(admin, admin.getByRole('button', { name: 'Duyệt', exact: true }), (u) => u.pathname.startsWith('/admin/sellers'));
    await admin.goto(`/admin/sellers/${pending.id}`);
    await see(admin.getByRole('heading', { level: 1, name: /Đã duyệt/ }), 'the status "Đã duyệt" in the admin page');
    const [approved] = await e2e.store.db.query(`SELECT status FROM sellers WHERE id = $1`, [pending.id]);
    expect(approved.status).toBe('approved');

    // 4. The member acts for the household: the banner names both people.
    await phone.goto('/team');
    const approvedRow = phone.locator(`li[data-seller-id="${pending.id}"]`);
    await see(approvedRow, 'the household on /team');
    expect(await approvedRow.getByText('chờ duyệt').count()).toBe(0);
    await clickAndWait(phone, approvedRow.getByRole('button', { name: 'Hỗ trợ hộ này' }), (u) => u.pathname === '/seller');
    await see(phone.getByText(`Đang hỗ trợ: ${HOUSEHOLD.name} — ${DEMO_ACCOUNTS.team.fullName}`), 'the acting banner');
    await see(phone.getByRole('heading', { level: 1, name: HOUSEHOLD.name }), "the household's seller dashboard");
    await screenshot(phone, journey, '06-acting', soft);

    // 5. The household's first product, with a photo, published.
    await phone.goto('/seller/products/new');
    await see(phone.getByRole('heading', { level: 1, name: 'Thêm sản phẩm' }), 'the new product form');
    await see(phone.getByText(/^Đang hỗ trợ:/), 'the acting banner on the product form');
    await phone.getByLabel('Tên sản phẩm').fill(HOUSEHOLD.product);
    const category = phone.getByLabel('Nhóm sản phẩm OCOP');
    const firstGroup = await category.locator('optgroup option').first().getAttribute('value');
    await category.selectOption(firstGroup!);
    await phone.getByLabel('Mô tả').fill('Dệt tay trên khung gỗ, nhuộm chàm tự nhiên, mỗi chiếc mất ba ngày.');
    await phone.getByLabel('Giá bán (đồng)').fill('250.000');
    await phone.getByLabel('Đơn vị bán').fill('chiếc');
    await phone.getByLabel('Khối lượng đóng gói (gam)').fill('400');
    await phone.getByLabel('Tồn kho ban đầu').fill('12');
    await screenshot(phone, journey, '07-new-product-form', soft);
    await clickAndWait(phone, phone.getByRole('button', { name: 'Tạo sản phẩm' }), /\/seller\/products\/\d+\?ok=created$/);
    await see(phone.getByRole('heading', { level: 1, name: HOUSEHOLD.product }), 'the product in the seller area');

    await phone.getByLabel(/^Thêm ảnh/).setInputFiles(photo);
    await clickAndWait(phone, phone.getByRole('button', { name: 'Tải ảnh lên' }), /\?ok=photos$/);
    await see(phone.getByRole('heading', { level: 2, name: /^Ảnh sản phẩm \(1\// }), 'one photo');
    const uploaded = phone.getByRole('listitem').getByRole('img');
    expect(await uploaded.evaluate((img: { decode(): Promise<void>; naturalWidth: number }) => img.decode().then(() => img.naturalWidth))).toBeGreaterThan(0);
    await screenshot(phone, journey, '08-photo-uploaded', soft);

    await clickAndWait(phone, phone.getByRole('button', { name: 'Đăng bán' }), /\?ok=published$/);
    await see(phone.getByText('Sản phẩm đã được đăng bán.'), 'the published notice');
    await see(phone.getByRole('heading', { level: 1, name: /Đang bán/ }), 'the status "Đang bán"');
    await screenshot(phone, journey, '09-published', soft);

    // 6. Through the database: the household's product, and the member named as actor.
    const [product] = await e2e.store.db.query(
      `SELECT p.id, p.seller_id, p.status, p.price_vnd, p.stock, count(i.id)::int AS images
         FROM products p LEFT JOIN product_images i ON i.product_id = p.id WHERE p.name = $1 GROUP BY p.id`,
      [HOUSEHOLD.product],
    );
    expect(product).toMatchObject({ seller_id: pending.id, status: 'active', price_vnd: 250000, stock: 12, images: 1 });
    const ledger = await e2e.store.db.query(`SELECT reason, delta, actor_user_id FROM stock_movements WHERE product_id = $1 ORDER BY id`, [product.id]);
    expect(ledger).toEqual([{ reason: 'initial', delta: 12, actor_user_id: member.id }]);
    // The audit names both: the member as actor, the household as target and in the details.
    const audit = await e2e.store.db.query(
      `SELECT actor_user_id, details FROM audit_log WHERE action = 'team.acted_for' AND target_type = 'seller' AND target_id = $1 ORDER BY id`,
      [String(pending.id)],
    );
    expect(audit.map((a: { details: { what: string } }) => a.details.what)).toEqual(['product.create', 'product.photo_upload', 'product.publish']);
    for (const row of audit) {
      expect(row).toMatchObject({ actor_user_id: member.id, details: { onBehalfOfSellerId: pending.id, productId: product.id } });
    }

    // 7. The household signs in with its phone number and the password it chose, and sees its product.
    const household = await (await e2e.newContext(MOBILE)).newPage();
    await login(household, { email: HOUSEHOLD.phone, password: HOUSEHOLD.password }, (u) => u.pathname === '/seller');
    await see(household.getByRole('heading', { level: 1, name: HOUSEHOLD.name }), "the household's own seller dashboard");
    expect(await household.getByText(/^Đang hỗ trợ:/).count()).toBe(0);
    await household.goto('/seller/products');
    await see(household.getByRole('main').getByText(HOUSEHOLD.product).first(), 'its product in its own list');
    await screenshot(household, journey, '10-household-products', soft);
    soft.assertAll();
  });
});
