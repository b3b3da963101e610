import request from 'supertest';
import { en } from '../../../server/rendering/locales/en';
import { vi } from '../../../server/rendering/locales/vi';
import { missingKeys } from '../../../server/rendering/i18n';
import { createAccount, csrfFrom, signIn, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { deliveredOrder, postReview } from '../../helpers/reviews';
import { decodeHtml } from '../../helpers/sales';
import { addToCart, buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { englishChecker } from '../../helpers/english-walk';
import { createTestContext, type TestContext } from '../../helpers/test-context';

/*
 * The English walk (issue 21): every page of each role, opened with the `lang=en` cookie, must show
 * no word of the Vietnamese catalogue and no raw message key. Product, cooperative, commune and
 * person names are data (they stay as people wrote them): the walk strips the data it created
 * before looking. Each role is a `describe` block with its list of pages; a block is added here
 * once its pages pass.
 */

/** Vietnamese phrases that only a page left untranslated shows (each is a word of vi.ts, checked below). */
const TELL_TALE = [
  'Đăng nhập',
  'Đăng ký',
  'Đăng xuất',
  'Giỏ hàng',
  'Đặt hàng',
  'Sản phẩm',
  'sản phẩm',
  'đơn hàng',
  'Đơn hàng',
  'Người bán',
  'Thanh toán',
  'thanh toán',
  'Lưu',
  'Huỷ',
  'Trạng thái',
  'Khu vực',
  'Tổng',
  'Phí giao',
  'Số lượng',
  'Thành tiền',
  'Người nhận',
  'Số điện thoại',
  'Địa chỉ',
  'Mật khẩu',
  'Họ và tên',
  'Tài khoản',
  'Tìm kiếm',
  'Xem tất cả',
  'Quay lại',
  'Cập nhật',
  'Xóa',
  'Xoá',
  'Gửi',
  'Đánh giá',
  'đánh giá',
  'Hợp tác xã',
  'Chứng nhận',
  'Thêm vào giỏ',
  'Còn hàng',
  'Hết hàng',
  'Vui lòng',
  'Không tìm thấy',
  'không hợp lệ',
  'Đã thêm',
  'Đã giao',
  'Chờ thanh toán',
  'Đã thanh toán',
  'Đang giao',
  'Ngày',
  'Phiên chợ',
  'Lô hàng',
  'Truy xuất',
  'Ghi chú',
  'Mã đơn',
  'Chuyển khoản',
  'Biên nhận',
  'Xác nhận',
  'của bạn',
  'Bạn',
  'bạn',
  'Sắp xếp',
  'Lọc',
  'Giá',
  'Mới nhất',
  'đồng ý',
];

/** Text the layout shows on purpose in Vietnamese: the brand and the switch back to Vietnamese. */
const ALWAYS_ALLOWED = ['Chợ OCOP', 'Tiếng Việt'];

const { data, tellTaleIn, check } = englishChecker(TELL_TALE, ALWAYS_ALLOWED);

let ctx: TestContext;

interface Page {
  path: string;
  status?: number;
}

/** Opens each page in English and lists what is left in Vietnamese or shown as a raw key. */
async function walk(agent: request.Agent | ReturnType<typeof request>, pages: (string | Page)[]): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of pages) {
    const page = typeof entry === 'string' ? { path: entry } : entry;
    // An agent carries lang=en in its cookie jar (englishAgent); a bare request gets it as a header.
    const res = 'jar' in agent ? await (agent as request.Agent).get(page.path) : await (agent as request.Agent).get(page.path).set('Cookie', 'lang=en');
    problems.push(...check(page.path, res, page.status ?? 200));
  }
  return problems;
}

async function englishAgent(agent: request.Agent): Promise<request.Agent> {
  agent.jar.setCookie('lang=en; Path=/');
  return agent;
}

const state = {} as {
  sellerSlug: string;
  productSlug: string;
  productId: number;
  orderCode: string;
  unpaidCode: string;
  traceCode: string;
  marketSlug: string;
  receiptToken: string;
  buyer: request.Agent;
};

const SECRET = 'walk-bank-secret';

beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET } });
  const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Mật ong Mường Khương' });
  const [{ name: sellerName }] = await ctx.ds.query(`SELECT name FROM sellers WHERE id = $1`, [seller.sellerId]);
  const product = await ctx.factories.createProduct({
    sellerId: seller.sellerId,
    name: 'Mật ong bạc hà Mường Khương',
    description: 'Mật ong nguyên chất, thu hoạch mùa thu.',
    ocopStars: 4,
    stock: 50,
    unit: 'hũ',
  });
  data.push(sellerName, product.name, 'Mật ong nguyên chất, thu hoạch mùa thu.', 'hũ', 'Phường Sa Pa', 'Tổ 1', 'HTX kiểm thử');
  Object.assign(state, { sellerSlug: seller.slug, productSlug: product.slug, productId: product.id });

  // A batch with a public trace page.
  const batches = await seller.agent.get(`/seller/products/${product.id}/batches`);
  const added = await seller.agent
    .post(`/seller/products/${product.id}/batches`)
    .type('form')
    .send({ _csrf: csrfFrom(batches.text), code: 'MO-2611', producedOn: '2026-11-20', area: 'Thôn Khuổi Phạc', quantity: '20', addToStock: '1' });
  expect(added.status).toBe(303);
  data.push('MO-2611', 'Thôn Khuổi Phạc');
  [{ trace_code: state.traceCode }] = await ctx.ds.query(`SELECT trace_code FROM product_batches WHERE product_id = $1`, [product.id]);

  // A delivered order with a review, and an unpaid one, by one buyer.
  const delivered = await deliveredOrder(ctx, { id: product.id, sellerId: seller.sellerId });
  expect((await postReview(delivered.agent, delivered.code, delivered.itemId, { rating: '5', comment: 'Mật ong thơm, đóng gói cẩn thận.' })).status).toBe(303);
  data.push('Mật ong thơm, đóng gói cẩn thận.', 'Người mua thử', 'Nguyễn Thị Mai', 'Số 5 đường Cầu Mây', 'Lào Cai', 'VN123');
  state.orderCode = delivered.code;
  state.buyer = await englishAgent(delivered.agent);
  expect((await addToCart(delivered.agent, product.id, 1)).status).toBe(303);
  state.unpaidCode = orderCodeFrom(await checkout(delivered.agent));

  // A market day with the cooperative's stall.
  const [day] = await ctx.ds.query(
    `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at, description)
     VALUES ('phien-cho-sa-pa', 'Phiên chợ 4.0 Sa Pa', 'Phường Sa Pa', 'Quảng trường Sa Pa', now() + interval '2 days', now() + interval '2 days 8 hours', 'Thanh toán không dùng tiền mặt')
     RETURNING id, slug`,
  );
  await ctx.ds.query(`INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2)`, [day.id, seller.sellerId]);
  data.push('Phiên chợ 4.0 Sa Pa', 'Quảng trường Sa Pa', 'Thanh toán không dùng tiền mặt');
  state.marketSlug = day.slug;

  // A stall sale paid by transfer: its public receipt.
  const till = await seller.agent.get('/seller/pos');
  const sale = await seller.agent
    .post('/seller/pos/sales')
    .type('form')
    .send(`_csrf=${encodeURIComponent(csrfFrom(till.text))}&intent=sell&productId=${product.id}&quantity=1`);
  const saleCode = /QUAY-[A-Z0-9]{6}/.exec(sale.headers.location ?? '')?.[0];
  if (!saleCode) throw new Error(`no stall sale: ${sale.status}`);
  const [{ receipt_token: receiptToken, total_vnd: total }] = await ctx.ds.query(`SELECT receipt_token, total_vnd FROM orders WHERE code = $1`, [saleCode]);
  expect((await sendBankTransfer(ctx.app, SECRET, bankTransfer(saleCode, Number(total)))).status).toBe(200);
  state.receiptToken = receiptToken;
  missingKeys.clear();
});
afterAll(() => ctx.close());

describe('the word list', () => {
  it('every tell-tale phrase is a word of the Vietnamese catalogue, and none is a word of the English one', () => {
    const viText = Object.values(vi).join('\n');
    const enText = Object.values(en).join('\n');
    expect(TELL_TALE.filter((phrase) => !viText.includes(phrase))).toEqual([]);
    // English text may quote a Vietnamese name on purpose (“mã sản phẩm (SKU)”, a CSV header; an example name).
    const englishProse = enText
      .split('Tiếng Việt')
      .join(' ')
      .replace(/“[^”]*”/g, ' ')
      .replace(/For example: [^\n]*/g, ' ');
    expect(TELL_TALE.filter((phrase) => tellTaleIn(englishProse).includes(phrase))).toEqual([]);
  });

  it('the checker finds Vietnamese and raw keys, and ignores the data it is told about', () => {
    expect(check('sample', { status: 200, text: '<html lang="en"><body><p>Giỏ hàng</p><p>cart.title</p></body></html>' } as request.Response, 200)).toEqual([
      'sample: “Giỏ hàng” in “…Giỏ hàng cart.title…”',
      'sample: raw key cart.title',
    ]);
  });
});

describe('in English: an anonymous visitor', () => {
  it('sees every public page without a Vietnamese word of the interface or a raw key', async () => {
    const anonymous = request(ctx.app);
    const problems = await walk(anonymous, [
      '/',
      '/products',
      '/products?q=ong',
      '/products?q=khongcogi',
      '/products?category=I.2.b&stars=4&sort=price_asc',
      `/products/${state.productSlug}`,
      `/sellers/${state.sellerSlug}`,
      '/market-days',
      `/market-days/${state.marketSlug}`,
      `/trace/${state.traceCode}`,
      `/receipts/${state.receiptToken}`,
      '/login',
      '/register',
      '/sellers/apply',
      '/cart',
      { path: '/no-such-page', status: 404 },
      { path: '/products/no-such-product', status: 404 },
      { path: '/trace/NO-SUCH-CODE-1', status: 404 },
      // A NUL character is refused before any route reads the request.
      { path: '/products?q=%00', status: 400 },
    ]);
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('the product page with a chosen delivery province is in English', async () => {
    const agent = await englishAgent(request.agent(ctx.app));
    await agent.get(`/ship-to?province=${encodeURIComponent('Cà Mau')}&next=/`).expect(303);
    data.push('Cà Mau');
    expect(await walk(agent, [`/products/${state.productSlug}`])).toEqual([]);
    expect((await agent.get(`/products/${state.productSlug}`)).text).toContain('Cà Mau:');
    expect([...missingKeys]).toEqual([]);
  });

  it('a refused sign-in and a bad registration re-render their forms in English', async () => {
    const agent = await englishAgent(request.agent(ctx.app));
    const login = await agent.get('/login');
    const badLogin = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(login.text), email: 'nobody@example.vn', password: 'wrong-password-1' });
    const register = await agent.get('/register');
    const badRegister = await agent
      .post('/register')
      .type('form')
      .send({ _csrf: csrfFrom(register.text), fullName: '', email: 'not-an-email', password: 'short', phone: 'abc' });
    expect([...check('POST /login', badLogin, 401), ...check('POST /register', badRegister, 422)]).toEqual([]);
    const forged = await agent.post('/login').type('form').send({ _csrf: 'forged', email: 'a@example.vn', password: 'x' });
    expect(check('POST /login without a valid token', forged, 403)).toEqual([]);
  });
});

describe('in English: a buyer', () => {
  it('sees the cart, checkout, orders, payment and account pages in English', async () => {
    const problems = await walk(state.buyer, [
      '/',
      `/products/${state.productSlug}`,
      '/cart',
      `/orders/${state.orderCode}`,
      `/orders/${state.unpaidCode}`,
      `/orders/${state.unpaidCode}/pay`,
      '/account',
      { path: '/seller', status: 403 },
      { path: '/admin', status: 403 },
      { path: '/orders/OCP-ZZZZZZ', status: 404 },
    ]);
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('the labels the page script puts on its buttons (quantity steppers, copy buttons) come from the page, in English', async () => {
    const product = await state.buyer.get(`/products/${state.productSlug}`);
    expect(product.text).toContain('data-decrease="Decrease quantity" data-increase="Increase quantity"');
    const pay = await state.buyer.get(`/orders/${state.unpaidCode}/pay`);
    expect(pay.text).toContain('data-copy-text="Copy" data-copied-text="Copied"');
    // The script keeps no Vietnamese of its own to fall back on.
    const script = await request(ctx.app).get('/js/app.js');
    expect(tellTaleIn(script.text)).toEqual([]);
    expect(script.text).not.toMatch(/Sao chép|Đã chép|số lượng/);
  });

  it('a cart with lines, the checkout, a refused checkout and the flash after adding to the cart are in English', async () => {
    const buyer = await buyerWithCart(ctx, [{ productId: state.productId, quantity: 2 }]);
    const agent = await englishAgent(buyer.agent);
    const problems = await walk(agent, ['/cart', '/checkout']);
    const added = await addToCart(agent, state.productId, 1);
    expect(added.status).toBe(303);
    problems.push(...check('the cart after adding (flash)', await agent.get(added.headers.location), 200));
    const refused = await checkout(agent, { recipientName: '', phone: '12', street: '' });
    problems.push(...check('POST /checkout with missing fields', refused, 422));
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('a checkout refused because the cart changed says why in English', async () => {
    const tea = await ctx.factories.createProduct({ name: 'Chè Shan tuyết cổ thụ', stock: 3 });
    data.push(tea.name);
    const buyer = await buyerWithCart(ctx, [{ productId: tea.id, quantity: 1 }]);
    const agent = await englishAgent(buyer.agent);
    await agent.get('/cart');
    // Sold out meanwhile (another buyer's order, in the story the test tells).
    await ctx.ds.query(`UPDATE products SET stock = 0 WHERE id = $1`, [tea.id]);
    const refused = await checkout(agent);
    expect(check('POST /checkout after the cart changed', refused, 409)).toEqual([]);
    expect(decodeHtml(refused.text)).toContain(`Your cart has changed: “${tea.name}” is sold out. Please check your cart.`);
  });

  it('a refused review, a saved one and a cancelled order answer in English', async () => {
    const problems: string[] = [];
    const [{ id: itemId }] = await ctx.ds.query(`SELECT i.id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.code = $1`, [state.orderCode]);
    const refused = await postReview(state.buyer, state.orderCode, itemId, { rating: '', comment: 'x'.repeat(2001) });
    problems.push(...check('POST review without stars', refused, 422));
    const saved = await postReview(state.buyer, state.orderCode, itemId, { rating: '4', comment: 'Mật ong thơm, đóng gói cẩn thận.' });
    expect(saved.status).toBe(303);
    problems.push(...check('the order page after a review (flash)', await state.buyer.get(`/orders/${state.orderCode}`), 200));
    const page = await state.buyer.get(`/orders/${state.unpaidCode}`);
    const cancelled = await state.buyer
      .post(`/orders/${state.unpaidCode}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(cancelled.status).toBe(303);
    problems.push(...check('the order page after cancelling (flash)', await state.buyer.get(`/orders/${state.unpaidCode}`), 200));
    expect(problems).toEqual([]);
    expect([...missingKeys]).toEqual([]);
  });

  it('a review edit after its window has closed is refused in English', async () => {
    const order = await deliveredOrder(ctx, {
      id: state.productId,
      sellerId: (await ctx.ds.query(`SELECT seller_id FROM products WHERE id = $1`, [state.productId]))[0].seller_id,
    });
    const agent = await englishAgent(order.agent);
    expect((await postReview(agent, order.code, order.itemId, { rating: '5', comment: 'Ngon' })).status).toBe(303);
    data.push('Ngon');
    await ctx.ds.query(`UPDATE reviews SET created_at = now() - interval '31 days' WHERE order_item_id = $1`, [order.itemId]);
    const late = await postReview(agent, order.code, order.itemId, { rating: '4', comment: 'Ngon' });
    expect(check('POST review after the edit window', late, 409)).toEqual([]);
    expect(decodeHtml(late.text)).toContain('30 days');
    expect([...missingKeys]).toEqual([]);
  });

  it('a password change refused on the account page is in English', async () => {
    const account = await createAccount(ctx.ds, { role: 'buyer', fullName: 'Lê Thị Hoa' });
    data.push('Lê Thị Hoa');
    const agent = await englishAgent(await signIn(ctx.app, account.email));
    const page = await agent.get('/account');
    const res = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: 'wrong-one-123', newPassword: 'x', confirmPassword: 'y' });
    const shown = res.status === 303 ? await agent.get(res.headers.location) : res;
    expect(check('POST /account/password refused', shown, shown.status === 200 ? 200 : 422)).toEqual([]);
  });
});
