import request from 'supertest';
import { csrfFrom, signIn, signInAsSeller, createAccount } from '../../helpers/auth';
import { countQueries } from '../../helpers/queries';
import { ADDRESS, buyerWithCart, orderCodeFrom, pageToken } from '../../helpers/shopping';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** The table every test cooperative uses: same commune, Lào Cai, north, country × ≤500 g, ≤1 kg, per extra kg. */
const TABLE = {
  same_commune_500g: '10.000',
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
  country_extraKg: '12.000',
};

async function sellerWithTable(extra: Record<string, string> = {}) {
  const seller = await signInAsSeller(ctx.app, ctx.ds);
  const token = csrfFrom((await seller.agent.get('/seller/shipping')).text);
  const res = await seller.agent
    .post('/seller/shipping')
    .type('form')
    .send({ _csrf: token, mode: 'zones', ...TABLE, freeShippingThresholdVnd: '', ...extra });
  expect(res.status).toBe(303);
  return seller;
}

const rates = async (sellerId: number) =>
  ctx.ds.query(`SELECT zone, up_to_500g_vnd AS a, up_to_1kg_vnd AS b, per_extra_kg_vnd AS c FROM seller_shipping_rates WHERE seller_id = $1 ORDER BY zone`, [
    sellerId,
  ]);

const setWeight = (productId: number, grams: number) => ctx.ds.query(`UPDATE products SET weight_grams = $2 WHERE id = $1`, [productId, grams]);

describe('the seller’s shipping table', () => {
  it('a cooperative without a table is told its flat fee applies everywhere; it saves a table by zone and weight, then goes back to one fee', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const page = await seller.agent.get('/seller/shipping');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Khi chưa có bảng phí theo vùng, một mức phí áp dụng cho mọi nơi và mọi khối lượng, như trước đây.');
    expect(page.text).toMatch(/<input type="radio" name="mode" value="flat" checked>/);
    expect(page.text).toContain('id="f-shippingFeeVnd" name="shippingFeeVnd" type="text" value="30000"');
    expect(page.text).toContain('Thành phố Hà Nội');
    const token = csrfFrom(page.text);
    await seller.agent
      .post('/seller/shipping')
      .type('form')
      .send({ _csrf: token, mode: 'zones', ...TABLE, freeShippingThresholdVnd: '400.000' })
      .expect(303)
      .expect('Location', '/seller/shipping?ok=1');
    expect(await rates(seller.sellerId)).toEqual([
      { zone: 'country', a: 35000, b: 45000, c: 12000 },
      { zone: 'north', a: 30000, b: 35000, c: 8000 },
      { zone: 'province', a: 20000, b: 25000, c: 5000 },
      { zone: 'same_commune', a: 10000, b: 15000, c: 3000 },
    ]);
    const [terms] = await ctx.ds.query(`SELECT shipping_fee_vnd, free_shipping_threshold_vnd FROM sellers WHERE id = $1`, [seller.sellerId]);
    expect(terms).toEqual({ shipping_fee_vnd: 30000, free_shipping_threshold_vnd: 400000 });
    const saved = await seller.agent.get('/seller/shipping?ok=1');
    expect(saved.text).toContain('Đã lưu phí giao hàng.');
    expect(saved.text).toMatch(/<input type="radio" name="mode" value="zones" checked>/);
    expect(saved.text).toContain('name="country_extraKg" type="text" value="12000"');

    await seller.agent
      .post('/seller/shipping')
      .type('form')
      .send({ _csrf: token, mode: 'flat', shippingFeeVnd: '25000', ...TABLE })
      .expect(303);
    expect(await rates(seller.sellerId)).toEqual([]);
    const [after] = await ctx.ds.query(`SELECT shipping_fee_vnd, free_shipping_threshold_vnd FROM sellers WHERE id = $1`, [seller.sellerId]);
    expect(after).toEqual({ shipping_fee_vnd: 25000, free_shipping_threshold_vnd: null });
  });

  it.each([
    ['a missing fee', { north_1kg: '' }, 'north_1kg', 'Vui lòng nhập phí giao'],
    ['a negative fee', { country_500g: '-1' }, 'country_500g', 'phải là số đồng nguyên'],
    ['a fraction', { province_extraKg: '1.5' }, 'province_extraKg', 'phải là số đồng nguyên'],
    ['a huge fee', { same_commune_500g: '100000000' }, 'same_commune_500g', 'tối đa 10.000.000'],
    ['1 kg cheaper than 500 g', { north_500g: '40000', north_1kg: '35000' }, 'north_1kg', 'không thể thấp hơn phí đến 500 g'],
    ['an unknown mode', { mode: 'free' }, 'mode', 'Vui lòng chọn cách tính phí.'],
  ])('%s: 422 with the message by the field, nothing written', async (_label, change, field, message) => {
    const seller = await sellerWithTable();
    const before = await rates(seller.sellerId);
    const token = csrfFrom((await seller.agent.get('/seller/shipping')).text);
    const res = await seller.agent
      .post('/seller/shipping')
      .type('form')
      .send({ _csrf: token, mode: 'zones', ...TABLE, ...change });
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    if (field !== 'mode')
      expect(res.text).toContain(
        `id="f-${field}" name="${field}" type="text" value="${(change as Record<string, string>)[field]}" inputmode="numeric" aria-invalid="true"`,
      );
    expect(await rates(seller.sellerId)).toEqual(before);
  });

  it('an extra field (another seller’s id) is refused; a buyer may not open it; a signed-out visitor is sent to sign in', async () => {
    const seller = await sellerWithTable();
    const other = await signInAsSeller(ctx.app, ctx.ds);
    const token = csrfFrom((await seller.agent.get('/seller/shipping')).text);
    const res = await seller.agent
      .post('/seller/shipping')
      .type('form')
      .send({ _csrf: token, mode: 'zones', ...TABLE, country_500g: '1', sellerId: String(other.sellerId) });
    expect(res.status).toBe(422);
    expect(await rates(other.sellerId)).toEqual([]);
    expect((await rates(seller.sellerId)).find((r: { zone: string }) => r.zone === 'country').a).toBe(35000);

    const buyer = await createAccount(ctx.ds, { role: 'buyer', fullName: 'Người mua' });
    const agent = await signIn(ctx.app, buyer.email);
    expect((await agent.get('/seller/shipping')).status).toBe(403);
    const anonymous = await request(ctx.app).get('/seller/shipping');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });

  it('saves at the same moment: each one whole, the last one wins, never a mix or an error', async () => {
    const seller = await sellerWithTable();
    const token = csrfFrom((await seller.agent.get('/seller/shipping')).text);
    const tables = [1, 2, 3, 4, 5, 6].map((n) => Object.fromEntries(Object.keys(TABLE).map((field) => [field, String(n * 1000)])));
    const answers = await Promise.all(
      tables.map((table) =>
        seller.agent
          .post('/seller/shipping')
          .type('form')
          .send({ _csrf: token, mode: 'zones', ...table }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303, 303, 303, 303]);
    const rows = await rates(seller.sellerId);
    expect(rows).toHaveLength(4);
    const values = new Set(rows.flatMap((r: { a: number; b: number; c: number }) => [r.a, r.b, r.c]));
    expect(values.size).toBe(1);
  });

  it('a suspended cooperative is refused (403), its table untouched', async () => {
    const seller = await sellerWithTable();
    const token = csrfFrom((await seller.agent.get('/seller/shipping')).text);
    await ctx.ds.query(`UPDATE sellers SET status = 'suspended' WHERE id = $1`, [seller.sellerId]);
    const res = await seller.agent
      .post('/seller/shipping')
      .type('form')
      .send({ _csrf: token, mode: 'zones', ...TABLE, country_500g: '1' });
    expect(res.status).toBe(403);
    expect((await rates(seller.sellerId)).find((r: { zone: string }) => r.zone === 'country').a).toBe(35000);
  });
});

describe('checkout by destination and weight', () => {
  it('the fee of each parcel follows the address; "Cập nhật phí giao" shows it before the order; a legacy cooperative keeps 30.000 ₫', async () => {
    const zoned = await sellerWithTable();
    const tea = await ctx.factories.createProduct({ sellerId: zoned.sellerId, name: 'Chè Shan tuyết Suối Giàng', priceVnd: 120000, stock: 20 });
    await setWeight(tea.id, 700); // × 2 = 1,4 kg: ≤ 1 kg + one started extra kg
    const legacy = await ctx.factories.createProduct({ name: 'Mật ong bạc hà', priceVnd: 200000, stock: 5 });
    const buyer = await buyerWithCart(ctx, [
      { productId: tea.id, quantity: 2 },
      { productId: legacy.id, quantity: 1 },
    ]);
    // The cart does not know the address yet: the table's fee waits for checkout, the flat one is shown.
    const cart = await buyer.agent.get('/cart');
    expect(cart.text).toContain('tính theo địa chỉ nhận khi đặt hàng');
    expect(cart.text).toContain('30.000\u00a0₫');

    // Checkout opens on Lào Cai (the form's default province): rest of Lào Cai.
    const page = await buyer.agent.get('/checkout');
    expect(page.text).toContain('Kiện 1: ');
    expect(page.text).toMatch(/Phí giao đến Lào Cai \(1,4 kg\): <strong>30\.000\u00a0₫<\/strong>/); // 25.000 + 5.000
    expect(page.text).toMatch(/Phí giao đến Lào Cai \(500 g\): <strong>30\.000\u00a0₫<\/strong>/); // the flat fee
    // On a phone the summary (parcels, fees, total) comes before the "Đặt hàng" button.
    const summaryAt = page.text.indexOf('id="summary-title"');
    const orderButtonAt = page.text.indexOf('Đặt hàng ·');
    expect(summaryAt).toBeGreaterThan(0);
    expect(summaryAt).toBeLessThan(orderButtonAt);
    expect(page.text.indexOf('Tổng cộng: 500.000\u00a0₫')).toBeLessThan(orderButtonAt);

    // The buyer picks Cà Mau and asks for the fees: the same page, nothing written.
    const token = csrfFrom(page.text);
    const quote = await buyer.agent
      .post('/checkout')
      .type('form')
      .send({ _csrf: token, ...ADDRESS, province: 'Cà Mau', commune: 'Phường An Xuyên', intent: 'quote' });
    expect(quote.status).toBe(200);
    expect(quote.text).toContain('Đã tính lại phí giao đến Cà Mau.');
    expect(quote.text).toMatch(/Phí giao đến Cà Mau \(1,4 kg\): <strong>57\.000\u00a0₫<\/strong>/); // 45.000 + 12.000
    expect(quote.text).toContain('Đặt hàng · 527.000\u00a0₫'); // 240.000 + 57.000 + 200.000 + 30.000
    expect(quote.text).toMatch(/<option selected>Cà Mau<\/option>/);
    expect(quote.text).toContain('value="Phường An Xuyên"');
    expect(await ctx.ds.query(`SELECT 1 FROM orders WHERE buyer_user_id = $1`, [buyer.userId])).toEqual([]);

    const placed = await buyer.agent
      .post('/checkout')
      .type('form')
      .send({ _csrf: token, ...ADDRESS, province: 'Cà Mau', commune: 'Phường An Xuyên' });
    const code = orderCodeFrom(placed);
    const parts = await ctx.ds.query(
      `SELECT so.seller_id, so.shipping_fee_vnd::int AS fee, so.total_vnd::int AS total FROM seller_orders so JOIN orders o ON o.id = so.order_id
       WHERE o.code = $1 ORDER BY so.shipping_fee_vnd`,
      [code],
    );
    expect(parts).toEqual([
      { seller_id: legacy.sellerId, fee: 30000, total: 230000 },
      { seller_id: zoned.sellerId, fee: 57000, total: 297000 },
    ]);
    const [order] = await ctx.ds.query(`SELECT shipping_total_vnd::int AS shipping, total_vnd::int AS total FROM orders WHERE code = $1`, [code]);
    expect(order).toEqual({ shipping: 87000, total: 527000 });
  });

  it('same commune and the north; free from the threshold', async () => {
    const zoned = await sellerWithTable({ freeShippingThresholdVnd: '300000' });
    const honey = await ctx.factories.createProduct({ sellerId: zoned.sellerId, priceVnd: 100000, stock: 20 });
    await setWeight(honey.id, 1001);
    const fee = async (quantity: number, province: string, commune: string) => {
      const buyer = await buyerWithCart(ctx, [{ productId: honey.id, quantity }], { fast: true });
      const placed = await buyer.agent
        .post('/checkout')
        .type('form')
        .send({ _csrf: await pageToken(buyer.agent), ...ADDRESS, province, commune });
      const [part] = await ctx.ds.query(`SELECT so.shipping_fee_vnd::int AS fee FROM seller_orders so JOIN orders o ON o.id = so.order_id WHERE o.code = $1`, [
        orderCodeFrom(placed),
      ]);
      return part.fee;
    };
    expect(await fee(1, 'Lào Cai', 'Phường Sa Pa')).toBe(15000 + 3000); // same commune, 1001 g
    expect(await fee(2, 'Thành phố Hà Nội', 'Phường Ba Đình')).toBe(35000 + 2 * 8000); // north, 2002 g
    expect(await fee(3, 'Cà Mau', 'Phường An Xuyên')).toBe(0); // 300.000 ≥ the threshold
  });

  it('a tampered fee field changes nothing: the form is refused and no order is made; the server’s figure is what an order gets', async () => {
    const zoned = await sellerWithTable();
    const product = await ctx.factories.createProduct({ sellerId: zoned.sellerId, priceVnd: 50000, stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    const token = await pageToken(buyer.agent);
    for (const tampered of [{ shippingFeeVnd: '0' }, { shippingTotalVnd: '0' }, { totalVnd: '1' }, { [`fee_${zoned.sellerId}`]: '0' }]) {
      const res = await buyer.agent
        .post('/checkout')
        .type('form')
        .send({ _csrf: token, ...ADDRESS, province: 'Cà Mau', commune: 'Phường An Xuyên', ...tampered });
      expect(res.status).toBe(422);
      expect(await ctx.ds.query(`SELECT 1 FROM orders WHERE buyer_user_id = $1`, [buyer.userId])).toEqual([]);
    }
    // A quote for Lào Cai shown, then the order placed for Cà Mau: the fee is Cà Mau's, computed at POST.
    await buyer.agent
      .post('/checkout')
      .type('form')
      .send({ _csrf: token, ...ADDRESS, intent: 'quote' })
      .expect(200);
    const code = orderCodeFrom(
      await buyer.agent
        .post('/checkout')
        .type('form')
        .send({ _csrf: token, ...ADDRESS, province: 'Cà Mau', commune: 'Phường An Xuyên' }),
    );
    const [part] = await ctx.ds.query(`SELECT so.shipping_fee_vnd::int AS fee FROM seller_orders so JOIN orders o ON o.id = so.order_id WHERE o.code = $1`, [
      code,
    ]);
    expect(part.fee).toBe(35000);
  });
});

describe('in the reader’s language, and from the product page to checkout', () => {
  it('the seller’s form refuses in English for an English reader', async () => {
    const seller = await sellerWithTable();
    await seller.agent.get('/lang/en?next=/');
    const page = await seller.agent.get('/seller/shipping');
    expect(page.text).toContain('The same fee everywhere');
    const res = await seller.agent
      .post('/seller/shipping')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), mode: 'zones', ...TABLE, north_1kg: 'x', north_extraKg: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('A fee is a whole number of đồng, e.g. 30000 or 30.000.');
    expect(res.text).toContain('Enter the fee.');
  });

  it('the cart and checkout use the province chosen on a product page (the ship_to cookie), with its fees', async () => {
    const zoned = await sellerWithTable();
    const product = await ctx.factories.createProduct({ sellerId: zoned.sellerId, priceVnd: 70000, stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 2 }]);
    await buyer.agent.get(`/ship-to?province=01&next=/products/${product.slug}`).expect(303);
    // The cart estimates the fee to that province too (the table's "north" row, 1 kg).
    const cartPage = await buyer.agent.get('/cart');
    expect(cartPage.text).toContain('Phí giao tính đến Thành phố Hà Nội; bạn nhập địa chỉ nhận khi đặt hàng.');
    expect(cartPage.text).toContain('35.000\u00a0₫');
    expect(cartPage.text).not.toContain('tính theo địa chỉ nhận khi đặt hàng');
    const page = await buyer.agent.get('/checkout');
    expect(page.text).toMatch(/<option selected>Thành phố Hà Nội<\/option>/);
    expect(page.text).toMatch(/Phí giao đến Thành phố Hà Nội \(1 kg\): <strong>35\.000\u00a0₫<\/strong>/);
  });
});

describe('GET /api/v1/shipping-quote', () => {
  it('answers the figure checkout charges for a one-product cart, by province name or code', async () => {
    const zoned = await sellerWithTable();
    const product = await ctx.factories.createProduct({ sellerId: zoned.sellerId, priceVnd: 90000, stock: 10 });
    await setWeight(product.id, 650);
    const byName = await request(ctx.app).get('/api/v1/shipping-quote').query({ productId: product.id, quantity: 3, province: 'Cà Mau' });
    expect(byName.status).toBe(200);
    expect(byName.body).toEqual({ fee: 45000 + 12000, zone: 'country', weightGrams: 1950, freeShippingThreshold: null, currency: 'VND', province: 'Cà Mau' });
    expect(byName.headers['set-cookie']).toBeUndefined();
    const byCode = await request(ctx.app).get(`/api/v1/shipping-quote?productId=${product.id}&quantity=3&province=96`);
    expect(byCode.body.fee).toBe(57000);
    const sameCommune = await request(ctx.app).get('/api/v1/shipping-quote').query({ productId: product.id, province: 'Lào Cai', commune: 'Phường Sa Pa' });
    expect(sameCommune.body).toMatchObject({ fee: 15000, zone: 'same_commune', weightGrams: 650 });

    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 3 }], { fast: true });
    const code = orderCodeFrom(
      await buyer.agent
        .post('/checkout')
        .type('form')
        .send({ _csrf: await pageToken(buyer.agent), ...ADDRESS, province: 'Cà Mau', commune: 'Phường An Xuyên' }),
    );
    const [part] = await ctx.ds.query(`SELECT so.shipping_fee_vnd::int AS fee FROM seller_orders so JOIN orders o ON o.id = so.order_id WHERE o.code = $1`, [
      code,
    ]);
    expect(part.fee).toBe(byName.body.fee);

    // A cooperative without a table: its flat fee, whatever the province and weight.
    const legacy = await ctx.factories.createProduct({ priceVnd: 10000 });
    const flat = await request(ctx.app).get('/api/v1/shipping-quote').query({ productId: legacy.id, quantity: 40, province: 'Cà Mau' });
    expect(flat.body).toMatchObject({ fee: 30000, zone: 'country', weightGrams: 20000 });
  });

  it.each([
    ['no product', 'province=C%C3%A0%20Mau', /productId/],
    ['a product id that is not a number', 'productId=abc&province=96', /productId/],
    ['a zero quantity', 'productId=1&quantity=0&province=96', /quantity/],
    ['a fractional quantity', 'productId=1&quantity=1.5&province=96', /quantity/],
    ['a huge quantity', 'productId=1&quantity=100000&province=96', /quantity/],
    ['no province', 'productId=1', /province/],
    ['an unknown province', 'productId=1&province=Y%C3%AAn%20B%C3%A1i', /Unknown province/],
    ['a repeated parameter', 'productId=1&productId=2&province=96', /productId/],
    ['an unknown parameter', 'productId=1&province=96&fee=0', /Unknown parameter: fee/],
    ['a huge id', 'productId=99999999999&province=96', /productId/],
  ])('%s: 400 with a message', async (_label, query, message) => {
    const res = await request(ctx.app).get(`/api/v1/shipping-quote?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('an unknown or unlisted product: 404', async () => {
    const draft = await ctx.factories.createProduct({ status: 'draft' });
    for (const id of [2_000_000_000, draft.id]) {
      const res = await request(ctx.app).get(`/api/v1/shipping-quote?productId=${id}&province=96`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });
});

describe('the product page’s fee line', () => {
  it('appears once the visitor chose a province (a cookie, not a session); a first visit sets no cookie and reads nothing more', async () => {
    const zoned = await sellerWithTable();
    const product = await ctx.factories.createProduct({ sellerId: zoned.sellerId, priceVnd: 80000 });
    const path = `/products/${product.slug}`;

    const first = await request(ctx.app).get(path);
    expect(first.status).toBe(200);
    const setCookies = (res: request.Response) => ((res.headers['set-cookie'] as unknown as string[]) ?? []).map((c) => c.split('=')[0]);
    // The guest's form token cookies as before; no session, and no ship_to until the visitor chooses.
    expect(setCookies(first)).not.toContain('ship_to');
    expect(setCookies(first)).not.toContain('cho.sid');
    expect(first.text).not.toContain('Phí giao đến Cà Mau');
    expect(first.text).toContain('<form method="get" action="/ship-to"');

    const chosen = await request(ctx.app).get('/ship-to').query({ province: '96', next: path });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.location).toBe(path);
    const cookies = chosen.headers['set-cookie'] as unknown as string[];
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^ship_to=96;.*HttpOnly/);
    expect(cookies[0]).not.toMatch(/cho\.sid/);
    // An unsafe "next" goes home; an unknown province sets nothing.
    const evil = await request(ctx.app).get('/ship-to').query({ province: 'xx', next: '//evil.example' });
    expect([evil.headers.location, evil.headers['set-cookie']]).toEqual(['/', undefined]);

    await request(ctx.app).get(path).set('Cookie', 'ship_to=96');
    let page!: request.Response;
    const sql = await countQueries(ctx.ds, async () => {
      page = await request(ctx.app).get(path).set('Cookie', 'ship_to=96');
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Phí giao đến Cà Mau: 35.000\u00a0₫');
    expect(page.text).toMatch(/<option value="96" selected>Cà Mau<\/option>/);
    expect(setCookies(page)).not.toContain('ship_to');
    expect(setCookies(page)).not.toContain('cho.sid');
    // The catalogue's one statement, plus the seller's table now that a province is known.
    expect(sql.length).toBeLessThanOrEqual(2);
    expect(sql.filter((q) => /\bsessions\b/.test(q))).toEqual([]);

    const english = await request(ctx.app).get(path).set('Cookie', 'ship_to=01; lang=en');
    expect(english.text).toContain('Shipping to Thành phố Hà Nội: 30.000\u00a0₫');
  });
});
