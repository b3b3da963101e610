import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { createAccount, csrfFrom, signIn } from '../../helpers/auth';
import { addToCart, pageToken } from '../../helpers/shopping';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const sessions = async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM sessions`))[0].n as number;

describe('cart', () => {
  it('a guest gets a cart in the database, grouped by cooperative with shipping per cooperative', async () => {
    const honey = await ctx.factories.createSeller({ name: 'HTX Ong mật Bảo Hà' });
    const tea = await ctx.factories.createSeller({ name: 'HTX Chè Suối Giàng' });
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 25000 WHERE id = $1`, [honey.id]);
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 40000, free_shipping_threshold_vnd = 500000 WHERE id = $1`, [tea.id]);
    const p1 = await ctx.factories.createProduct({ sellerId: honey.id, name: 'Mật ong hoa rừng', priceVnd: 180000, stock: 10 });
    const p2 = await ctx.factories.createProduct({ sellerId: tea.id, name: 'Trà Shan tuyết', priceVnd: 300000, stock: 10 });

    const before = await sessions();
    const guest = request.agent(ctx.app);
    expect((await addToCart(guest, p1.id, 2)).status).toBe(303);
    expect((await addToCart(guest, p2.id, 2)).status).toBe(303);
    expect(await sessions()).toBe(before + 1);

    const page = await guest.get('/cart');
    expect(page.text).toContain('HTX Ong mật Bảo Hà');
    expect(page.text).toContain('HTX Chè Suối Giàng');
    expect(page.text).toContain('360.000\u00a0₫'); // 2 × 180.000
    expect(page.text).toContain('25.000\u00a0₫'); // honey's flat fee
    expect(page.text).toContain('Miễn phí'); // tea: 600.000 ≥ 500.000
    expect(page.text).toContain('985.000\u00a0₫'); // 360.000 + 25.000 + 600.000
    const items = await ctx.ds.query(`SELECT product_id, quantity, seen_price_vnd FROM cart_items ORDER BY product_id`);
    expect(items).toEqual([
      { product_id: p1.id, quantity: 2, seen_price_vnd: 180000 },
      { product_id: p2.id, quantity: 2, seen_price_vnd: 300000 },
    ]);
  });

  it('bounds quantities by stock, and 0 removes the line', async () => {
    const p = await ctx.factories.createProduct({ name: 'Cốm Na Lo', stock: 5 });
    const agent = request.agent(ctx.app);
    await addToCart(agent, p.id, 99);
    const page = await agent.get('/cart');
    expect(page.text).toContain('Chỉ còn 5 sản phẩm “Cốm Na Lo”');
    const [line] = await ctx.ds.query(`SELECT quantity FROM cart_items WHERE product_id = $1`, [p.id]);
    expect(line.quantity).toBe(5);
    await agent
      .post(`/cart/items/${p.id}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), quantity: '0' })
      .expect(303);
    expect(await ctx.ds.query(`SELECT 1 FROM cart_items WHERE product_id = $1`, [p.id])).toEqual([]);
  });

  it('refuses sold-out, hidden and nonsense additions', async () => {
    const soldOut = await ctx.factories.createProduct({ name: 'Hết rồi', stock: 0 });
    const hidden = await ctx.factories.createProduct({ name: 'Bị ẩn', status: 'hidden' });
    const agent = request.agent(ctx.app);
    const res = await addToCart(agent, soldOut.id, 1);
    expect(res.status).toBe(422);
    expect(res.text).toContain('“Hết rồi” đã hết hàng.');
    expect((await addToCart(agent, hidden.id, 1)).status).toBe(404);
    for (const quantity of [0, -1, 1.5, 1e9]) expect((await addToCart(agent, soldOut.id + 1000, quantity)).status).toBeGreaterThanOrEqual(404);
    const token = await pageToken(agent);
    for (const quantity of ['0', '-1', '1.5', 'x', '1e9']) {
      const r = await agent
        .post('/cart/items')
        .type('form')
        .send({ _csrf: token, productId: String(hidden.id), quantity });
      expect(r.status).toBe(422);
    }
    expect(await ctx.ds.query(`SELECT 1 FROM cart_items WHERE product_id = ANY($1)`, [[soldOut.id, hidden.id]])).toEqual([]);
  });

  it('shows a price change, a hidden product and a shortage clearly, and blocks checkout until accepted', async () => {
    const account = await createAccount(ctx.ds);
    const agent = await signIn(ctx.app, account.email);
    const a = await ctx.factories.createProduct({ name: 'Gạo Séng Cù', priceVnd: 150000, stock: 10 });
    const b = await ctx.factories.createProduct({ name: 'Miến đao', priceVnd: 70000, stock: 10 });
    const c = await ctx.factories.createProduct({ name: 'Tương ớt', priceVnd: 40000, stock: 10 });
    await addToCart(agent, a.id, 1);
    await addToCart(agent, b.id, 1);
    await addToCart(agent, c.id, 4);
    await ctx.ds.query(`UPDATE products SET price_vnd = 165000 WHERE id = $1`, [a.id]);
    await ctx.ds.query(`UPDATE products SET status = 'hidden' WHERE id = $1`, [b.id]);
    await ctx.ds.query(`UPDATE products SET stock = 2 WHERE id = $1`, [c.id]);

    const page = await agent.get('/cart');
    expect(page.text).toContain('Giá đã thay đổi: từ 150.000\u00a0₫ thành 165.000\u00a0₫.');
    expect(page.text).toContain('Sản phẩm này không còn được bán.');
    expect(page.text).toContain('Chỉ còn 2 sản phẩm.');
    expect(page.text).not.toContain('href="/checkout"');
    const go = await agent.get('/checkout');
    expect(go.status).toBe(302);
    expect(go.headers.location).toBe('/cart');

    await agent
      .post('/cart/accept')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const lines = await ctx.ds.query(
      `SELECT ci.product_id, ci.quantity, ci.seen_price_vnd FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1 ORDER BY product_id`,
      [account.id],
    );
    expect(lines).toEqual([
      { product_id: a.id, quantity: 1, seen_price_vnd: 165000 },
      { product_id: c.id, quantity: 2, seen_price_vnd: 40000 },
    ]);
    expect((await agent.get('/cart')).text).toContain('href="/checkout"');
  });

  it('merges a guest cart into the account cart at sign-in', async () => {
    const account = await createAccount(ctx.ds);
    const p1 = await ctx.factories.createProduct({ name: 'Lạp sườn', stock: 20 });
    const p2 = await ctx.factories.createProduct({ name: 'Thịt trâu sấy', stock: 20 });
    // The account already has one of p1 in its cart.
    const signedIn = await signIn(ctx.app, account.email);
    await addToCart(signedIn, p1.id, 1);

    const guest = request.agent(ctx.app);
    await addToCart(guest, p1.id, 2);
    await addToCart(guest, p2.id, 3);
    const token = csrfFrom((await guest.get('/login')).text);
    await guest.post('/login').type('form').send({ _csrf: token, email: account.email, password: 'Ruong-bac-thang-2026' }).expect(303);
    const cart = await guest.get('/cart');
    expect(cart.text).toContain('Lạp sườn');
    expect(cart.text).toContain('Thịt trâu sấy');
    const lines = await ctx.ds.query(
      `SELECT ci.product_id, ci.quantity FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1 ORDER BY product_id`,
      [account.id],
    );
    expect(lines).toEqual([
      { product_id: p1.id, quantity: 3 },
      { product_id: p2.id, quantity: 3 },
    ]);
    expect(await ctx.ds.query(`SELECT 1 FROM carts WHERE user_id IS NULL AND id IN (SELECT cart_id FROM cart_items WHERE product_id = $1)`, [p2.id])).toEqual(
      [],
    );
  });
});
