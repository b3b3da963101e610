import request from 'supertest';
import { createAccount, csrfFrom, signIn, signInAsSeller } from '../../helpers/auth';
import { countQueries } from '../../helpers/queries';
import { addToCart, buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** A cooperative with a zone table: up to 500 g, 20.000 ₫ in Lào Cai, 30.000 ₫ in the north, 35.000 ₫ elsewhere. */
async function zonedProduct() {
  const seller = await signInAsSeller(ctx.app, ctx.ds);
  const token = csrfFrom((await seller.agent.get('/seller/shipping')).text);
  const table: Record<string, string> = {};
  for (const [zone, fees] of Object.entries({ same_commune: [10000, 15000], province: [20000, 25000], north: [30000, 35000], country: [35000, 45000] })) {
    table[`${zone}_500g`] = String(fees[0]);
    table[`${zone}_1kg`] = String(fees[1]);
    table[`${zone}_extraKg`] = '5000';
  }
  await seller.agent
    .post('/seller/shipping')
    .type('form')
    .send({ _csrf: token, mode: 'zones', ...table, freeShippingThresholdVnd: '' })
    .expect(303);
  const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, priceVnd: 80000, stock: 20 });
  await ctx.ds.query(`UPDATE products SET weight_grams = 400 WHERE id = $1`, [product.id]);
  return product;
}

/** The statement that reads the province of the buyer's latest order. */
const provinceReads = (sql: string[]) => sql.filter((q) => /\bFROM orders\b/.test(q) && /\bprovince\b/.test(q));

/** The fee line ("Phí giao đến Cà Mau: …"), not the label of the province picker ("Phí giao đến"). */
const FEE_LINE = /Phí giao đến [^<]+: /;

describe('the province of the buyer’s latest online order stands for the account’s address', () => {
  it('a signed-in buyer whose last order went to Cà Mau sees the fee to Cà Mau on a product page, in the cart and at checkout', async () => {
    const product = await zonedProduct();
    const path = `/products/${product.slug}`;
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    orderCodeFrom(await checkout(buyer.agent, { province: 'Thành phố Hà Nội', commune: 'Phường Hoàn Kiếm' }));
    await addToCart(buyer.agent, product.id, 1);
    orderCodeFrom(await checkout(buyer.agent, { province: 'Cà Mau', commune: 'Phường An Xuyên' }));
    // The buyer never chose a province on a product page: no ship_to cookie.

    let page!: request.Response;
    const sql = await countQueries(ctx.ds, async () => {
      page = await buyer.agent.get(path);
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Phí giao đến Cà Mau: 35.000\u00a0₫');
    expect(page.text).toMatch(/<option value="96" selected>Cà Mau<\/option>/);
    // One indexed read of the latest order, once per page.
    expect(provinceReads(sql)).toHaveLength(1);
    expect(page.headers['cache-control']).toBe('no-store');

    await addToCart(buyer.agent, product.id, 1);
    const cart = await buyer.agent.get('/cart');
    expect(cart.text).toContain('Phí giao tính đến Cà Mau; bạn nhập địa chỉ nhận khi đặt hàng.');
    expect(cart.text).toContain('35.000\u00a0₫');

    const form = await buyer.agent.get('/checkout');
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/<option selected>Cà Mau<\/option>/);
    expect(form.text).not.toMatch(/<option selected>Lào Cai<\/option>/);
    expect(form.text).toMatch(/Phí giao đến Cà Mau \(400 g\): <strong>35\.000\u00a0₫<\/strong>/);
  });

  it('a province chosen on a product page (the ship_to cookie) wins over the account’s, without reading the orders', async () => {
    const product = await zonedProduct();
    const path = `/products/${product.slug}`;
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    orderCodeFrom(await checkout(buyer.agent, { province: 'Cà Mau', commune: 'Phường An Xuyên' }));
    await buyer.agent.get(`/ship-to?province=01&next=${path}`).expect(303);

    let page!: request.Response;
    const sql = await countQueries(ctx.ds, async () => {
      page = await buyer.agent.get(path);
    });
    expect(page.text).toContain('Phí giao đến Thành phố Hà Nội: 30.000\u00a0₫');
    expect(page.text).not.toContain('Phí giao đến Cà Mau');
    expect(provinceReads(sql)).toEqual([]);

    await addToCart(buyer.agent, product.id, 1);
    expect((await buyer.agent.get('/cart')).text).toContain('Phí giao tính đến Thành phố Hà Nội;');
    const form = await buyer.agent.get('/checkout');
    expect(form.text).toMatch(/<option selected>Thành phố Hà Nội<\/option>/);
    expect(form.text).toMatch(/Phí giao đến Thành phố Hà Nội \(400 g\): <strong>30\.000\u00a0₫<\/strong>/);
  });

  it('a buyer without orders sees no fee line, and checkout opens on Lào Cai', async () => {
    const product = await zonedProduct();
    const account = await createAccount(ctx.ds, { role: 'buyer', fullName: 'Người mua mới' });
    const agent = await signIn(ctx.app, account.email);
    const page = await agent.get(`/products/${product.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="get" action="/ship-to"');
    expect(page.text).not.toMatch(FEE_LINE);
    expect(page.text).not.toMatch(/<option value="\d+" selected>/);

    await addToCart(agent, product.id, 1);
    expect((await agent.get('/cart')).text).toContain('tính theo địa chỉ nhận khi đặt hàng');
    const form = await agent.get('/checkout');
    expect(form.text).toMatch(/<option selected>Lào Cai<\/option>/);
  });

  it('a signed-out visitor’s product page reads no orders and stays publicly cacheable', async () => {
    const product = await zonedProduct();
    const path = `/products/${product.slug}`;
    await request(ctx.app).get(path).expect(200);
    let page!: request.Response;
    const sql = await countQueries(ctx.ds, async () => {
      page = await request(ctx.app).get(path);
    });
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(FEE_LINE);
    expect(sql.filter((q) => /\borders\b|\bsessions\b/.test(q))).toEqual([]);
    expect(sql.length).toBeLessThanOrEqual(1);
    expect(page.headers['cache-control']).toMatch(/public/);
  });
});
