import request from 'supertest';
import { en } from '../../../server/rendering/locales/en';
import { vi } from '../../../server/rendering/locales/vi';
import { missingKeys } from '../../../server/rendering/i18n';
import { createAccount, csrfFrom, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { deliveredOrder, postReview } from '../../helpers/reviews';
import { toCsv } from '../../../server/lib/csv';
import { decodeHtml, parseCsv, placeOrder, placePaidOrder } from '../../helpers/sales';
import { insertWithholding, sellerOrderOf } from '../../helpers/tax-rows';
import { englishChecker } from '../../helpers/english-walk';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/*
 * The English walk of the seller area, the team area and the back office (issue 21): every page of
 * each role, opened with the `lang=en` cookie, must show no word of the Vietnamese interface and no
 * raw message key. Names, addresses, notes and other data stay as people wrote them: the walk strips
 * the data it created before looking. Same checker as the buyer walk (english-walk.test.ts), with
 * the words only the seller area and the back office use.
 */

/** Vietnamese phrases only an untranslated page shows (each a word of vi.ts; checked below). */
const TELL_TALE = [
  'Sản phẩm',
  'sản phẩm',
  'Đơn hàng',
  'đơn hàng',
  'Thanh toán',
  'thanh toán',
  'Lưu',
  'Huỷ',
  'Trạng thái',
  'Khu vực',
  'Tổng',
  'Phí giao',
  'Số lượng',
  'Người nhận',
  'Địa chỉ',
  'Tài khoản',
  'Cập nhật',
  'Xoá',
  'Gửi',
  'Đánh giá',
  'đánh giá',
  'Hợp tác xã',
  'hợp tác xã',
  'Vui lòng',
  'Không tìm thấy',
  'không hợp lệ',
  'Đã giao',
  'Chờ thanh toán',
  'Đã thanh toán',
  'Đang giao',
  'Ngày',
  'Phiên chợ',
  'Lô hàng',
  'Ghi chú',
  'Mã đơn',
  'Bạn',
  'bạn',
  'Lọc',
  'Giá',
  'Hồ sơ',
  'hồ sơ',
  'Công nợ',
  'Quản trị',
  'Tồn kho',
  'tồn kho',
  'Phí sàn',
  'Thuế',
  'thuế',
  'Báo cáo',
  'Duyệt',
  'Lý do',
  'Bản nháp',
  'Đang bán',
  'Xác minh',
  'xác minh',
  'Doanh số',
  'Doanh thu',
  'Khấu trừ',
  'khấu trừ',
  'Nhật ký',
  'Tải CSV',
  'Chưa có',
  'Người mua',
  'Hoàn tiền',
  'Tổ công nghệ',
  'Hộ sản xuất',
  'Mã số thuế',
  'Bán tại quầy',
  'Ảnh',
  'Lô',
  'Tệp',
  'Số tiền',
  'tại quầy',
  'Thêm',
  'Sửa',
  'Xem',
  'Tháng',
  'Năm',
  'của',
  'và',
  'không',
  'được',
];

/** Text shown on purpose in Vietnamese: the brand, the switch back to Vietnamese, the province. */
const ALWAYS_ALLOWED = ['Chợ OCOP', 'Tiếng Việt', 'Lào Cai'];

const { data, tellTaleIn, check } = englishChecker(TELL_TALE, ALWAYS_ALLOWED);

let ctx: TestContext;

interface Page {
  path: string;
  status?: number;
}

/** Opens each page in English and lists what is left in Vietnamese or shown as a raw key. */
async function walk(agent: request.Agent, pages: (string | Page)[]): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of pages) {
    const page = typeof entry === 'string' ? { path: entry } : entry;
    const res = await agent.get(page.path).set('Cookie', 'lang=en');
    problems.push(...check(page.path, res, page.status ?? 200));
  }
  return problems;
}

async function postForm(agent: request.Agent, tokenPage: string, path: string, body: Record<string, string>): Promise<request.Response> {
  const _csrf = csrfFrom((await agent.get(tokenPage)).text);
  return agent
    .post(path)
    .set('Cookie', 'lang=en')
    .type('form')
    .send({ _csrf, ...body });
}

const state = {} as {
  seller: Awaited<ReturnType<typeof signInAsSeller>>;
  household: Awaited<ReturnType<typeof signInAsSeller>>;
  admin: request.Agent;
  member: request.Agent;
  productId: number;
  batchId: number;
  paidCode: string;
  deliveredCode: string;
  saleCode: string;
  teamId: number;
  marketDayId: number;
  lastMonth: string;
};

const SECRET = 'walk-bank-secret';

/** Every product, cooperative, person and team name in the database is data (factories name things in Vietnamese). */
async function namesAreData(): Promise<void> {
  const rows = (await ctx.ds.query(
    `SELECT name FROM products UNION SELECT unit FROM products UNION SELECT name FROM sellers UNION SELECT address FROM sellers
     UNION SELECT description FROM sellers UNION SELECT full_name FROM users UNION SELECT name FROM digital_teams`,
  )) as { name: string | null }[];
  data.push(...rows.map((r) => r.name ?? '').filter((name) => name.length > 1));
}

beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET } });
  const admin = await signInAsAdmin(ctx.app, ctx.ds);
  state.admin = admin.agent;
  const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Mật ong Mường Khương' });
  state.seller = seller;
  await ctx.ds.query(
    `UPDATE sellers SET tax_code = '0101234567', bank_bin = '970405', bank_account_no = '1234567890', bank_account_name = 'HTX MAT ONG' WHERE id = $1`,
    [seller.sellerId],
  );
  const product = await ctx.factories.createProduct({
    sellerId: seller.sellerId,
    name: 'Mật ong bạc hà Mường Khương',
    description: 'Mật ong nguyên chất, thu hoạch mùa thu.',
    ocopStars: 4,
    stock: 50,
    unit: 'hũ',
  });
  const draft = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Trà Shan tuyết cổ thụ', unit: 'gói', stock: 2 });
  await ctx.ds.query(`UPDATE products SET status = 'draft' WHERE id = $1`, [draft.id]);
  state.productId = product.id;
  data.push(
    'HTX Mật ong Mường Khương',
    product.name,
    'Mật ong nguyên chất, thu hoạch mùa thu.',
    'hũ',
    'Trà Shan tuyết cổ thụ',
    'gói',
    'Phường Sa Pa',
    'Tổ 1',
    'HTX kiểm thử',
    'Đại diện HTX',
    'Quản trị viên',
    'HTX MAT ONG',
  );

  // A batch (lô) with its trace page and labels.
  const added = await postForm(seller.agent, `/seller/products/${product.id}/batches`, `/seller/products/${product.id}/batches`, {
    code: 'MO-2611',
    producedOn: '2026-11-20',
    area: 'Thôn Khuổi Phạc',
    quantity: '20',
    addToStock: '1',
  });
  expect(added.status).toBe(303);
  [{ id: state.batchId }] = await ctx.ds.query(`SELECT id FROM product_batches WHERE product_id = $1`, [product.id]);
  data.push('MO-2611', 'Thôn Khuổi Phạc');

  // An order to ship, and a delivered one with a review.
  state.paidCode = (await placePaidOrder(ctx, [{ productId: product.id, quantity: 2 }])).code;
  const delivered = await deliveredOrder(ctx, { id: product.id, sellerId: seller.sellerId });
  state.deliveredCode = delivered.code;
  expect((await postReview(delivered.agent, delivered.code, delivered.itemId, { rating: '5', comment: 'Mật ong thơm, đóng gói cẩn thận.' })).status).toBe(303);
  data.push('Mật ong thơm, đóng gói cẩn thận.', 'Người mua thử', 'Nguyễn Thị Mai', 'Số 5 đường Cầu Mây', 'VN123', 'Nguyễn Văn A');

  // A market day with the cooperative's stall, and a stall sale paid by transfer.
  const [day] = await ctx.ds.query(
    `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at, description)
     VALUES ('phien-cho-sa-pa', 'Phiên chợ 4.0 Sa Pa', 'Phường Sa Pa', 'Quảng trường Sa Pa', now() - interval '1 hour', now() + interval '8 hours', 'Thanh toán không dùng tiền mặt')
     RETURNING id`,
  );
  state.marketDayId = day.id;
  await ctx.ds.query(`INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2)`, [day.id, seller.sellerId]);
  data.push('Phiên chợ 4.0 Sa Pa', 'Quảng trường Sa Pa', 'Thanh toán không dùng tiền mặt');
  const till = await seller.agent.get('/seller/pos');
  const sale = await seller.agent
    .post('/seller/pos/sales')
    .type('form')
    .send(`_csrf=${encodeURIComponent(csrfFrom(till.text))}&intent=sell&productId=${product.id}&quantity=1`);
  state.saleCode = /QUAY-[A-Z0-9]{6}/.exec(sale.headers.location ?? '')?.[0] ?? '';
  if (!state.saleCode) throw new Error(`no stall sale: ${sale.status}`);
  const [{ total_vnd: total }] = await ctx.ds.query(`SELECT total_vnd FROM orders WHERE code = $1`, [state.saleCode]);
  expect((await sendBankTransfer(ctx.app, SECRET, bankTransfer(state.saleCode, Number(total)))).status).toBe(200);

  // A payout recorded by the admin (the ledger has a line of each kind).
  const payout = await postForm(state.admin, `/admin/payouts/${seller.sellerId}`, `/admin/payouts/${seller.sellerId}`, {
    amountVnd: '50000',
    bankReference: 'FT2611001',
    paidOn: '2026-11-20',
    note: 'Chuyển khoản đợt 1',
  });
  expect(payout.status).toBe(303);
  data.push('FT2611001', 'Chuyển khoản đợt 1');

  // A digital team with a member, and a household it assists (withheld tax: a household producer).
  const household = await signInAsSeller(ctx.app, ctx.ds, { name: 'Hộ Lý Seo Chử' });
  state.household = household;
  await ctx.ds.query(`UPDATE sellers SET type = 'ho_san_xuat', citizen_id = '001099012345' WHERE id = $1`, [household.sellerId]);
  const [team] = await ctx.ds.query(`INSERT INTO digital_teams (name, commune) VALUES ('Tổ CNS bản Tả Van', 'Phường Sa Pa') RETURNING id`);
  state.teamId = team.id;
  const member = await createAccount(ctx.ds, { fullName: 'Giàng Thị Mai' });
  await ctx.ds.query(`INSERT INTO digital_team_members (team_id, user_id) VALUES ($1, $2)`, [team.id, member.id]);
  await ctx.ds.query(`INSERT INTO team_households (team_id, seller_id) VALUES ($1, $2)`, [team.id, household.sellerId]);
  state.member = await signIn(ctx.app, member.email);
  data.push('Hộ Lý Seo Chử', 'Tổ CNS bản Tả Van', 'Giàng Thị Mai', member.email);
  const householdProduct = await ctx.factories.createProduct({ sellerId: household.sellerId, name: 'Gạo Séng Cù', unit: 'bao 5 kg', stock: 30 });
  data.push('Gạo Séng Cù', 'bao 5 kg');
  await placePaidOrder(ctx, [{ productId: householdProduct.id, quantity: 1 }]);

  // Tax withheld last month, for the month's declaration page.
  const [{ month }] = await ctx.ds.query(`SELECT to_char((now() AT TIME ZONE 'Asia/Ho_Chi_Minh') - interval '1 month', 'YYYY-MM') AS month`);
  state.lastMonth = month;
  const part = await sellerOrderOf(ctx, household.sellerId);
  await insertWithholding(ctx.ds, {
    sellerOrderId: part,
    sellerId: household.sellerId,
    period: `${month}-01`,
    goods: 200000,
    createdAt: `${month}-15T03:00:00Z`,
  });
  await namesAreData();
  missingKeys.clear();
});
afterAll(() => ctx.close());

describe('the word list', () => {
  it('every tell-tale phrase is a word of the Vietnamese catalogue, and none is a word of the English one', () => {
    const viText = Object.values(vi).join('\n');
    const enText = Object.values(en).join('\n');
    expect(TELL_TALE.filter((phrase) => !viText.includes(phrase))).toEqual([]);
    const englishProse = enText
      .split('Tiếng Việt')
      .join(' ')
      .replace(/“[^”]*”/g, ' ')
      .replace(/For example: [^\n]*/g, ' ')
      .replace(/e\.g\. [A-Z ]+/g, ' ');
    expect(TELL_TALE.filter((phrase) => tellTaleIn(englishProse).includes(phrase))).toEqual([]);
  });
});

describe('the checker', () => {
  it('finds back-office Vietnamese and raw keys, and passes data, quoted literals and <code>', () => {
    const page = (body: string) => ({ status: 200, text: `<html lang="en"><body>${body}</body></html>` }) as request.Response;
    expect(check('sample', page('<h1>Công nợ hợp tác xã</h1><p>admin.sellers.title</p>'), 200)).toEqual([
      'sample: “hợp tác xã” in “…Công nợ hợp tác xã admin.sellers.title…”',
      'sample: “Công nợ” in “…Công nợ hợp tác xã admin.sellers.title…”',
      'sample: raw key admin.sellers.title',
    ]);
    expect(check('sample', page('<p>HTX Mật ong Mường Khương · “mã sản phẩm (SKU)” · <code>tồn kho</code></p>'), 200)).toEqual([]);
  });
});

describe('in English: a cooperative (seller area)', () => {
  it('sees its dashboard, products, stock, batches, orders, payouts, tax, till, market days, reviews and helpers in English', async () => {
    const { seller, productId, batchId } = { ...state, seller: state.seller };
    const problems = await walk(seller.agent, [
      '/seller',
      '/seller/application',
      '/seller/tax-identification',
      '/seller/products',
      '/seller/products/new',
      `/seller/products/${productId}`,
      `/seller/products/${productId}/edit`,
      `/seller/products/${productId}/batches`,
      `/seller/products/${productId}/batches/${batchId}/labels`,
      '/seller/products/import',
      '/seller/orders',
      '/seller/orders?status=to_ship',
      `/seller/orders/${state.paidCode}`,
      `/seller/orders/${state.deliveredCode}`,
      `/seller/orders/${state.saleCode}`,
      '/seller/payouts',
      '/seller/tax',
      '/seller/pos',
      `/seller/pos/sales/${state.saleCode}`,
      '/seller/market-days',
      '/seller/reviews',
      '/seller/helpers',
      '/seller/shipping',
      '/seller/notifications',
      { path: '/seller/products/999999', status: 404 },
    ]);
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('a refused product form, a refused stock change and the notices after a change are in English', async () => {
    const { seller, productId } = state;
    const problems: string[] = [];
    const badProduct = await postForm(seller.agent, '/seller/products/new', '/seller/products/new', { name: 'x', priceVnd: 'abc', unit: '' });
    problems.push(...check('POST /seller/products/new refused', badProduct, 422));
    const badStock = await postForm(seller.agent, `/seller/products/${productId}`, `/seller/products/${productId}/stock`, {
      delta: '-100000',
      reason: 'damage',
    });
    problems.push(...check('POST stock refused', badStock, 422));
    const stock = await postForm(seller.agent, `/seller/products/${productId}`, `/seller/products/${productId}/stock`, { delta: '5', reason: 'restock' });
    expect(stock.status).toBe(303);
    problems.push(...check('the product after a stock change (notice)', await seller.agent.get(stock.headers.location).set('Cookie', 'lang=en'), 200));
    expect(problems).toEqual([]);
  });

  it('refused batch, identification, reply and till forms are in English', async () => {
    const { seller, productId } = state;
    const [{ id: reviewId }] = await ctx.ds.query(`SELECT id FROM reviews WHERE product_id = $1 LIMIT 1`, [productId]);
    const batch = await postForm(seller.agent, `/seller/products/${productId}/batches`, `/seller/products/${productId}/batches`, {
      code: 'MO-2611',
      producedOn: '2026-11-31',
      quantity: '-3',
    });
    const identification = await postForm(seller.agent, '/seller/tax-identification', '/seller/tax-identification', { taxCode: '12ab', citizenId: '123' });
    const reply = await postForm(seller.agent, '/seller/reviews', `/seller/reviews/${reviewId}/reply`, { reply: '   ' });
    const till = await seller.agent.get('/seller/pos');
    const sale = await seller.agent
      .post('/seller/pos/sales')
      .set('Cookie', 'lang=en')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(till.text))}&intent=sell&productId=${productId}&quantity=0`);
    expect([
      ...check('POST batch refused', batch, 422),
      ...check('POST tax identification refused', identification, 422),
      ...check('POST review reply refused', reply, 422),
      ...check('POST stall sale with nothing', sale, 422),
    ]).toEqual([]);
  });

  it('a refused shipment, a refused publish and a SKU already in use answer in English', async () => {
    const { seller, paidCode } = state;
    const ship = (body: Record<string, string>) => postForm(seller.agent, `/seller/orders/${paidCode}`, `/seller/orders/${paidCode}/status`, body);
    const noTracking = await ship({ status: 'shipped', trackingNo: '' });
    expect(noTracking.text).toContain('Please enter the tracking number when shipping.');
    const problems = [
      ...check('POST ship without a tracking number', noTracking, 422),
      ...check('POST ship with a long tracking number', await ship({ status: 'shipped', trackingNo: 'X'.repeat(61) }), 422),
      ...check('POST an unknown status', await ship({ status: 'lost' }), 422),
      ...check('POST ship with a batch that is no number', await ship({ status: 'shipped', trackingNo: 'VN999', batch_1: 'abc' }), 422),
      ...check('POST with a long note', await ship({ status: 'delivered', note: 'x'.repeat(501) }), 422),
    ];
    // The draft has a price but no photo: it cannot go on sale yet.
    const [{ id: draftId }] = await ctx.ds.query(`SELECT id FROM products WHERE seller_id = $1 AND status = 'draft'`, [seller.sellerId]);
    const publish = await postForm(seller.agent, `/seller/products/${draftId}`, `/seller/products/${draftId}/publish`, {});
    expect(publish.text).toContain('add at least one product photo');
    problems.push(...check('POST publish without a photo', publish, 409));
    await ctx.ds.query(`UPDATE products SET price_vnd = 0 WHERE id = $1`, [draftId]);
    problems.push(
      ...check('POST publish without a price', await postForm(seller.agent, `/seller/products/${draftId}`, `/seller/products/${draftId}/publish`, {}), 409),
    );
    await ctx.ds.query(`UPDATE products SET price_vnd = 100000 WHERE id = $1`, [draftId]);
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.5.a'`);
    const product = {
      name: 'Chè búp Shan tuyết',
      categoryId: String(categoryId),
      description: 'x',
      priceVnd: '90000',
      unit: 'gói',
      stock: '2',
      lowStockThreshold: '1',
      weightGrams: '300',
    };
    data.push('Chè búp Shan tuyết', 'Chè búp Shan tuyết 2');
    expect((await postForm(seller.agent, '/seller/products/new', '/seller/products/new', { ...product, sku: 'WALK-1' })).status).toBe(303);
    const duplicate = await postForm(seller.agent, '/seller/products/new', '/seller/products/new', { ...product, name: 'Chè búp Shan tuyết 2', sku: 'walk-1' });
    problems.push(...check('POST a product with a SKU in use', duplicate, 422));
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('a cancelled stall sale reads its state in English', async () => {
    const { seller, productId } = state;
    const till = await seller.agent.get('/seller/pos');
    const sale = await seller.agent
      .post('/seller/pos/sales')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(till.text))}&intent=sell&productId=${productId}&quantity=1`);
    const code = /QUAY-[A-Z0-9]{6}/.exec(sale.headers.location ?? '')?.[0] ?? '';
    expect(code).not.toBe('');
    const cancelled = await postForm(seller.agent, `/seller/pos/sales/${code}`, `/seller/pos/sales/${code}/cancel`, {});
    expect(cancelled.status).toBe(303);
    const page = await seller.agent.get(`/seller/pos/sales/${code}`).set('Cookie', 'lang=en');
    expect(check('the cancelled stall sale', page, 200)).toEqual([]);
    expect(page.text).toContain('<p class="alert">Cancelled</p>');
  });

  it('a CSV import: a preview with row errors, a clean preview and its result are in English', async () => {
    const { seller } = state;
    const upload = async (content: string) => {
      const _csrf = csrfFrom((await seller.agent.get('/seller/products/import')).text);
      return seller.agent
        .post('/seller/products/import')
        .set('Cookie', 'lang=en')
        .field('_csrf', _csrf)
        .attach('file', Buffer.from(content, 'utf8'), { filename: 'san-pham.csv', contentType: 'text/csv' });
    };
    const [header, ...rows] = parseCsv((await seller.agent.get('/seller/products.csv').expect(200)).text.replace(/^\uFEFF/, ''));
    const column = (name: string) => {
      const at = header.findIndex((h) => h === name);
      if (at < 0) throw new Error(`no column ${name} in ${header.join(',')}`);
      return at;
    };
    const broken = rows.map((r) => [...r]);
    broken[0][column('giá')] = 'abc';
    const bad = await upload(toCsv(header, broken));
    expect(bad.status).toBe(303);
    const changed = rows.map((r) => [...r]);
    changed[0][column('tồn kho')] = String(Number(changed[0][column('tồn kho')]) + 3);
    const good = await upload(toCsv(header, changed));
    expect(good.status).toBe(303);
    const preview = await seller.agent.get(good.headers.location).set('Cookie', 'lang=en');
    const fingerprint = /name="fingerprint" value="([0-9a-f]{32})"/.exec(preview.text)?.[1] ?? '';
    const applied = await seller.agent
      .post(`${good.headers.location}/confirm`)
      .set('Cookie', 'lang=en')
      .type('form')
      .send({ _csrf: csrfFrom(preview.text), fingerprint });
    expect(applied.status).toBe(303);
    const badPreview = await seller.agent.get(bad.headers.location).set('Cookie', 'lang=en');
    expect(badPreview.text).not.toContain('name="fingerprint"');
    const problems = [
      ...check('a preview with row errors', badPreview, 200),
      ...(await walk(seller.agent, [good.headers.location])),
      ...check('the import after confirming', await seller.agent.get(applied.headers.location).set('Cookie', 'lang=en'), 200),
    ];
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('a cooperative awaiting review, a rejected one and a suspended one read their state in English', async () => {
    const pending = await signInAsSeller(ctx.app, ctx.ds, { status: 'pending', name: 'HTX Chè Shan Suối Giàng' });
    const rejected = await signInAsSeller(ctx.app, ctx.ds, { status: 'rejected', name: 'HTX Thổ cẩm Bản Phố' });
    const suspended = await signInAsSeller(ctx.app, ctx.ds, { status: 'suspended', name: 'HTX Gạo nếp Tả Van' });
    await ctx.ds.query(`UPDATE sellers SET status_reason = 'Thiếu giấy phép kinh doanh' WHERE id IN ($1, $2)`, [rejected.sellerId, suspended.sellerId]);
    await namesAreData();
    data.push('Thiếu giấy phép kinh doanh');
    const problems = [
      ...(await walk(pending.agent, ['/seller', '/seller/application', { path: '/seller/products', status: 403 }])),
      ...(await walk(rejected.agent, ['/seller', '/seller/application'])),
      ...(await walk(suspended.agent, ['/seller', '/seller/application', { path: '/seller/shipping', status: 403 }])),
    ];
    const refused = await postForm(suspended.agent, '/seller', '/seller/tax-identification', { taxCode: '0101234567' });
    problems.push(...check('POST by a suspended cooperative', refused, 403));
    const resubmit = await postForm(rejected.agent, '/seller/application', '/seller/application', { cooperativeName: '', type: 'x' });
    problems.push(...check('POST a resubmission with errors', resubmit, 422));
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('the application form of a cooperative-to-be is in English', async () => {
    const problems = await walk(request.agent(ctx.app), ['/sellers/apply']);
    expect(problems).toEqual([]);
  });
});

describe('in English: a digital-team member', () => {
  it('sees the team page, the onboarding form, and the household’s seller area while acting for it', async () => {
    const { member, household } = state;
    const problems = await walk(member, ['/team', '/team/households/new']);
    const started = await postForm(member, '/team', `/team/households/${household.sellerId}/act`, {});
    expect(started.status).toBe(303);
    problems.push(
      ...(await walk(member, [
        '/seller',
        '/seller/products',
        '/seller/orders',
        '/seller/pos',
        '/seller/market-days',
        '/seller/reviews',
        '/seller/products/import',
        // The household's money pages are closed to a helper: the 403 says why, in English.
        { path: '/seller/payouts', status: 403 },
      ])),
    );
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });
});

describe('in English: refused forms of the team area and the back office', () => {
  it('a team member’s onboarding form, and the admin’s team, market day, payout and review forms answer in English', async () => {
    const { member, admin, seller } = state;
    const [{ id: reviewId }] = await ctx.ds.query(`SELECT id FROM reviews WHERE product_id = $1 LIMIT 1`, [state.productId]);
    const problems = [
      ...check(
        'POST /team/households/new refused',
        await postForm(member, '/team/households/new', '/team/households/new', { teamId: String(state.teamId), fullName: '', phone: 'abc', password: 'x' }),
        422,
      ),
      ...check('POST /admin/teams/new refused', await postForm(admin, '/admin/teams/new', '/admin/teams/new', { name: ' ', commune: 'Phường Hoàn Kiếm' }), 422),
      ...check(
        'POST /admin/teams/:id/members refused',
        await postForm(admin, `/admin/teams/${state.teamId}`, `/admin/teams/${state.teamId}/members`, { account: 'khong-co-ai@example.vn' }),
        422,
      ),
      ...check(
        'POST /admin/market-days/new refused',
        await postForm(admin, '/admin/market-days/new', '/admin/market-days/new', { name: 'x', commune: '', place: '', startsAt: '', endsAt: '' }),
        422,
      ),
      ...check(
        'POST /admin/payouts/:id refused',
        await postForm(admin, `/admin/payouts/${seller.sellerId}`, `/admin/payouts/${seller.sellerId}`, {
          amountVnd: 'abc',
          bankReference: '',
          paidOn: '2026-02-30',
        }),
        422,
      ),
      ...check('POST /admin/reviews/:id/hide refused', await postForm(admin, '/admin/reviews', `/admin/reviews/${reviewId}/hide`, { reason: '' }), 422),
    ];
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });
});

describe('in English: an administrator', () => {
  it('sees the dashboard, cooperatives, products, orders, audit log, reports, payouts, tax, teams, market days and reviews in English', async () => {
    const { admin, seller } = state;
    const problems = await walk(admin, [
      '/admin',
      '/admin/sellers',
      '/admin/sellers?status=pending',
      `/admin/sellers/${seller.sellerId}`,
      `/admin/sellers/${state.household.sellerId}`,
      '/admin/products',
      '/admin/products?ocop=pending',
      '/admin/orders',
      '/admin/orders?flagged=1',
      `/admin/orders/${state.paidCode}`,
      `/admin/orders/${state.deliveredCode}`,
      '/admin/audit',
      '/admin/reports',
      '/admin/reports?from=2026-13-01',
      '/admin/payouts',
      `/admin/payouts/${seller.sellerId}`,
      '/admin/tax',
      `/admin/tax?month=${state.lastMonth}`,
      '/admin/teams',
      '/admin/teams/new',
      `/admin/teams/${state.teamId}`,
      '/admin/market-days',
      '/admin/market-days/new',
      `/admin/market-days/${state.marketDayId}`,
      '/admin/reviews',
      '/admin/notifications',
    ]);
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('an underpaid transfer and a transfer for no order read as English reasons on the order pages', async () => {
    const { admin, productId } = state;
    const unpaid = await placeOrder(ctx, [{ productId, quantity: 1 }]);
    const [{ total_vnd: total }] = await ctx.ds.query(`SELECT total_vnd FROM orders WHERE id = $1`, [unpaid.id]);
    expect((await sendBankTransfer(ctx.app, SECRET, bankTransfer(unpaid.code, Number(total) - 1000))).status).toBe(200);
    expect((await sendBankTransfer(ctx.app, SECRET, bankTransfer('CHUYEN TIEN KHONG MA', 120000))).status).toBe(200);
    const [{ review_reason: reason }] = await ctx.ds.query(`SELECT review_reason FROM orders WHERE id = $1`, [unpaid.id]);
    expect(reason).toMatch(/^Số tiền không khớp \(thiếu tiền\)/);
    await namesAreData();
    const problems = await walk(admin, ['/admin', '/admin/orders', '/admin/orders?flagged=1', `/admin/orders/${unpaid.code}`]);
    expect(problems).toEqual([]);
    const page = await admin.get(`/admin/orders/${unpaid.code}`).set('Cookie', 'lang=en');
    expect(page.text).toContain(`Amount does not match (too little): received ${Number(total) - 1000}, order ${total}`);
    expect((await admin.get('/admin/orders').set('Cookie', 'lang=en')).text).toContain('No order found for this payment');
  });

  it('CSV downloads keep their documented Vietnamese headers for an English reader', async () => {
    const { admin, seller, productId } = state;
    const report = await admin.get('/admin/reports.csv?table=products-by-group').set('Cookie', 'lang=en');
    expect(report.status).toBe(200);
    expect(parseCsv(report.text.replace(/^\uFEFF/, ''))[0]).toEqual(['Mã nhóm', 'Nhóm sản phẩm', 'Số sản phẩm']);
    const ledger = await seller.agent.get(`/seller/products/${productId}/stock.csv`).set('Cookie', 'lang=en');
    expect(parseCsv(ledger.text.replace(/^\uFEFF/, ''))[0]).toEqual([
      'Thời gian',
      'Thay đổi',
      'Lý do',
      'Tồn sau thay đổi',
      'Ghi chú',
      'Người thực hiện',
      'Đơn hàng',
    ]);
    // The page beside it is English: the same table's headers on screen.
    expect((await admin.get('/admin/reports').set('Cookie', 'lang=en')).text).toContain('<th scope="col">Group code</th>');
  });

  it('a refused decision and the notice after hiding a product are in English', async () => {
    const { admin, seller, productId } = state;
    const problems: string[] = [];
    const pending = await ctx.factories.createSeller({ status: 'pending', name: 'HTX Chè Tân Uyên' });
    await namesAreData();
    const refused = await postForm(admin, `/admin/sellers/${pending.id}`, `/admin/sellers/${pending.id}/reject`, { reason: '' });
    problems.push(...check('POST reject without a reason', refused, 422));
    const hidden = await postForm(admin, '/admin/products', `/admin/products/${productId}/hide`, { reason: 'Ảnh không đúng sản phẩm' });
    expect(hidden.status).toBe(303);
    data.push('Ảnh không đúng sản phẩm');
    problems.push(...check('the products list after hiding (notice)', await admin.get(hidden.headers.location).set('Cookie', 'lang=en'), 200));
    expect(problems).toEqual([]);
    void seller;
  });
});

describe('in English: refused order and product actions of the back office', () => {
  it('a mark-paid without a reference or for an order not waiting, a reference used twice and a refund of an unpaid order', async () => {
    const { admin, seller } = state;
    // A product of its own: the walk's first one is hidden by an earlier step.
    const { id: productId } = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Mật ong rừng Bát Xát', stock: 10 });
    data.push('Mật ong rừng Bát Xát');
    const unpaid = await placeOrder(ctx, [{ productId, quantity: 1 }]);
    const other = await placeOrder(ctx, [{ productId, quantity: 1 }]);
    const act = (code: string, action: string, body: Record<string, string>) =>
      postForm(admin, `/admin/orders/${code}`, `/admin/orders/${code}/${action}`, body);
    const noReference = await act(unpaid.code, 'mark-paid', { reference: '' });
    expect(noReference.text).toContain('Please enter the bank transaction reference.');
    const refund = await act(unpaid.code, 'refund', { reason: '' });
    expect(refund.text).toContain('Only a paid order can be refunded.');
    const problems = [
      ...check('POST mark-paid without a reference', noReference, 422),
      ...check('POST refund of an unpaid order', refund, 409),
      ...check('POST mark-paid of a paid order', await act(state.paidCode, 'mark-paid', { reference: 'FT2611999' }), 409),
    ];
    expect((await act(unpaid.code, 'mark-paid', { reference: 'FT2611777' })).status).toBe(303);
    problems.push(...check('POST mark-paid with a reference already recorded', await act(other.code, 'mark-paid', { reference: 'FT2611777' }), 409));
    // A refund without a reason is recorded with the system's reason, shown in the reader's language.
    expect((await act(unpaid.code, 'refund', { reason: '' })).status).toBe(303);
    const refunded = await admin.get(`/admin/orders/${unpaid.code}`).set('Cookie', 'lang=en');
    problems.push(...check('the refunded order', refunded, 200));
    expect(refunded.text).toContain('Full refund by an administrator');
    expect((await admin.get(`/admin/orders/${unpaid.code}`).set('Cookie', 'lang=vi')).text).toContain('Quản trị viên hoàn tiền toàn bộ đơn');
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('hiding a hidden product, restoring a visible one and verifying a claim twice, stale or missing say why in English', async () => {
    const { admin, seller } = state;
    const { id: productId } = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Miến dong Bình Lư', ocopStars: 3, stock: 10 });
    data.push('Miến dong Bình Lư');
    const [{ id: draftId }] = await ctx.ds.query(`SELECT id FROM products WHERE seller_id = $1 AND status = 'draft' ORDER BY id LIMIT 1`, [seller.sellerId]);
    const [{ version }] = await ctx.ds.query(`SELECT ocop_claim_version AS version FROM products WHERE id = $1`, [productId]);
    const action = async (id: number, name: string, body: Record<string, string> = {}) => {
      const res = await postForm(admin, '/admin/products', `/admin/products/${id}/${name}`, body);
      return res.status === 303 ? admin.get(res.headers.location).set('Cookie', 'lang=en') : res;
    };
    const problems = [
      ...check('restore a product that is not hidden (notice)', await action(productId, 'restore'), 200),
      ...check('verify a claim already verified (notice)', await action(productId, 'verify-ocop', { claimVersion: String(version) }), 200),
      ...check('verify a product without a claim (notice)', await action(draftId, 'verify-ocop', { claimVersion: '1' }), 200),
      ...check('verify a claim changed meanwhile', await action(productId, 'verify-ocop', { claimVersion: String(Number(version) + 5) }), 409),
    ];
    await action(draftId, 'hide', { reason: 'Ảnh mờ' });
    data.push('Ảnh mờ');
    problems.push(...check('hide a hidden product (notice)', await action(draftId, 'hide', { reason: 'Ảnh mờ' }), 200));
    await action(draftId, 'restore');
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });
});

describe('in English: a buyer whose cooperative is suspended', () => {
  it('the cancellation mail is English for an English buyer, and the order’s history reads in English', async () => {
    const { admin } = state;
    const cooperative = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Gạo Séng Cù Mường Khương' });
    const rice = await ctx.factories.createProduct({ sellerId: cooperative.sellerId, name: 'Gạo Séng Cù túi 2 kg', stock: 10 });
    const unpaid = await placeOrder(ctx, [{ productId: rice.id, quantity: 1 }]);
    await ctx.ds.query(`UPDATE users SET language = 'en' WHERE id = (SELECT buyer_user_id FROM orders WHERE id = $1)`, [unpaid.id]);
    const suspended = await postForm(admin, `/admin/sellers/${cooperative.sellerId}`, `/admin/sellers/${cooperative.sellerId}/suspend`, {
      reason: 'Hết hạn giấy chứng nhận',
    });
    expect(suspended.status).toBe(303);
    await namesAreData();
    data.push('Hết hạn giấy chứng nhận');
    const [mail] = await ctx.ds.query(`SELECT subject, text_body FROM outbox_emails WHERE dedupe_key = $1`, [`order:${unpaid.id}:cancelled:buyer`]);
    expect(mail.text_body).toContain('has been suspended from selling');
    let text = `${mail.subject}\n${mail.text_body}`;
    for (const known of [...data].sort((a, b) => b.length - a.length)) text = text.split(known).join(' ');
    expect(tellTaleIn(text.split('Chợ OCOP').join(' '))).toEqual([]);
    const page = await admin.get(`/admin/orders/${unpaid.code}`).set('Cookie', 'lang=en');
    expect(check('the cancelled order in the back office', page, 200)).toEqual([]);
    expect(decodeHtml(page.text)).toContain('The cooperative “HTX Gạo Séng Cù Mường Khương” has been suspended from selling on Chợ OCOP');
    // A Vietnamese reader reads the note as it was written.
    const [{ note }] = await ctx.ds.query(`SELECT note FROM order_events WHERE order_id = $1 AND to_status = 'cancelled'`, [unpaid.id]);
    expect(note).toMatch(/^Hợp tác xã “HTX Gạo Séng Cù Mường Khương” đã bị tạm ngừng bán hàng/);
    expect(decodeHtml((await admin.get(`/admin/orders/${unpaid.code}`).set('Cookie', 'lang=vi')).text)).toContain(note);
    expect([...missingKeys]).toEqual([]);
  });
});
