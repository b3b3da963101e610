import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { countQueries } from '../../helpers/queries';
import { ADDRESS, buyerWithCart, checkout, orderCodeFrom, pageToken } from '../../helpers/shopping';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const stockOf = async (id: number) => (await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [id]))[0].stock as number;

describe('checkout', () => {
  it('turns a cart of 3 cooperatives into 1 order and 3 seller orders with the right totals and fees', async () => {
    const sellers = [];
    for (const name of ['HTX A', 'HTX B', 'HTX C']) sellers.push(await ctx.factories.createSeller({ name }));
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 20000 WHERE id = $1`, [sellers[0].id]);
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 35000 WHERE id = $1`, [sellers[1].id]);
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 30000, free_shipping_threshold_vnd = 200000 WHERE id = $1`, [sellers[2].id]);
    const a = await ctx.factories.createProduct({ sellerId: sellers[0].id, name: 'Mật ong', priceVnd: 180000, stock: 10 });
    const b1 = await ctx.factories.createProduct({ sellerId: sellers[1].id, name: 'Chè xanh', priceVnd: 90000, stock: 10 });
    const b2 = await ctx.factories.createProduct({ sellerId: sellers[1].id, name: 'Chè Ô long', priceVnd: 250000, stock: 10 });
    const c = await ctx.factories.createProduct({ sellerId: sellers[2].id, name: 'Quế điếu', priceVnd: 90000, stock: 10 });
    const buyer = await buyerWithCart(ctx, [
      { productId: a.id, quantity: 2 },
      { productId: b1.id, quantity: 1 },
      { productId: b2.id, quantity: 1 },
      { productId: c.id, quantity: 3 },
    ]);

    const res = await checkout(buyer.agent, { note: 'Giao giờ hành chính' });
    expect(res.status).toBe(303);
    const code = orderCodeFrom(res);

    const [order] = await ctx.ds.query(`SELECT * FROM orders WHERE code = $1`, [code]);
    expect(order).toMatchObject({
      buyer_user_id: buyer.userId,
      status: 'pending_payment',
      payment_method: 'vietqr',
      items_total_vnd: 360000 + 340000 + 270000,
      shipping_total_vnd: 20000 + 35000 + 0,
      total_vnd: 970000 + 55000,
      province: 'Lào Cai',
      commune: 'Phường Sa Pa',
      phone: '0912345678',
      note: 'Giao giờ hành chính',
    });
    const minutes = (new Date(order.reserved_until).getTime() - new Date(order.created_at).getTime()) / 60000;
    expect(Math.round(minutes)).toBe(30);
    const parts = await ctx.ds.query(
      `SELECT seller_id, status, items_total_vnd, shipping_fee_vnd, total_vnd FROM seller_orders WHERE order_id = $1 ORDER BY seller_id`,
      [order.id],
    );
    expect(parts).toEqual([
      { seller_id: sellers[0].id, status: 'awaiting_payment', items_total_vnd: 360000, shipping_fee_vnd: 20000, total_vnd: 380000 },
      { seller_id: sellers[1].id, status: 'awaiting_payment', items_total_vnd: 340000, shipping_fee_vnd: 35000, total_vnd: 375000 },
      { seller_id: sellers[2].id, status: 'awaiting_payment', items_total_vnd: 270000, shipping_fee_vnd: 0, total_vnd: 270000 },
    ]);
    const items = await ctx.ds.query(`SELECT product_name, unit_price_vnd, quantity FROM order_items WHERE order_id = $1 ORDER BY product_id`, [order.id]);
    expect(items).toEqual([
      { product_name: 'Mật ong', unit_price_vnd: 180000, quantity: 2 },
      { product_name: 'Chè xanh', unit_price_vnd: 90000, quantity: 1 },
      { product_name: 'Chè Ô long', unit_price_vnd: 250000, quantity: 1 },
      { product_name: 'Quế điếu', unit_price_vnd: 90000, quantity: 3 },
    ]);
    // Stock reserved, each change in the ledger against the order; the cart is empty.
    expect([await stockOf(a.id), await stockOf(b1.id), await stockOf(b2.id), await stockOf(c.id)]).toEqual([8, 9, 9, 7]);
    const ledger = await ctx.ds.query(`SELECT product_id, delta, balance_after FROM stock_movements WHERE order_id = $1 ORDER BY product_id`, [order.id]);
    expect(ledger).toEqual([
      { product_id: a.id, delta: -2, balance_after: 8 },
      { product_id: b1.id, delta: -1, balance_after: 9 },
      { product_id: b2.id, delta: -1, balance_after: 9 },
      { product_id: c.id, delta: -3, balance_after: 7 },
    ]);
    expect(await ctx.ds.query(`SELECT 1 FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1`, [buyer.userId])).toEqual([]);
    // One mail to the buyer and one to each cooperative, queued with the order.
    const mails = await ctx.ds.query(`SELECT to_address, subject FROM outbox_emails WHERE dedupe_key LIKE $1 ORDER BY id`, [`order:${order.id}:placed:%`]);
    expect(mails).toHaveLength(4);
    expect(mails[0]).toEqual({ to_address: buyer.email, subject: `[Chợ OCOP] Đã nhận đơn hàng ${code}` });

    const page = await buyer.agent.get(`/orders/${code}`);
    expect(page.text).toContain('Chờ thanh toán');
    for (const text of ['HTX A', 'HTX B', 'HTX C', '1.025.000\u00a0₫', 'Lào Cai → Phường Sa Pa → Số 5 đường Cầu Mây']) expect(page.text).toContain(text);
    const account = await buyer.agent.get('/account');
    expect(account.text).toContain(code);
  });

  it('refuses a bad address with field messages and reserves nothing', async () => {
    const p = await ctx.factories.createProduct({ stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 1 }]);
    const res = await checkout(buyer.agent, { phone: '12345', commune: 'Phường Không Có', paymentMethod: 'tien-mat' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Số điện thoại di động không hợp lệ');
    expect(res.text).toContain('Vui lòng chọn cách thanh toán.');
    const commune = await checkout(buyer.agent, { commune: 'Phường Không Có' });
    expect(commune.status).toBe(422);
    expect(commune.text).toContain('Vui lòng chọn xã/phường của tỉnh Lào Cai trong danh sách.');
    const stripe = await checkout(buyer.agent, { paymentMethod: 'stripe' });
    expect(stripe.status).toBe(422);
    expect(stripe.text).toContain('Cách thanh toán này chưa được hỗ trợ.');
    expect(await stockOf(p.id)).toBe(5);
    expect(await ctx.ds.query(`SELECT 1 FROM orders WHERE buyer_user_id = $1`, [buyer.userId])).toEqual([]);
    // Another province takes its commune as free text.
    const hanoi = await checkout(buyer.agent, { province: 'Thành phố Hà Nội', commune: 'Phường Hoàn Kiếm', street: '1 Tràng Tiền' });
    expect(hanoi.status).toBe(303);
  });

  it('sends a signed-out visitor to login first', async () => {
    const res = await request(ctx.app).get('/checkout');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fcheckout');
  });

  it('200 concurrent checkouts for 50 units: exactly 50 orders, 150 clear "out of stock" answers, no server error', async () => {
    const product = await ctx.factories.createProduct({ name: 'Cao actiso Sa Pa', stock: 50, priceVnd: 185000 });
    const buyers = [];
    for (let i = 0; i < 200; i += 20) {
      buyers.push(...(await Promise.all(Array.from({ length: 20 }, () => buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }], { fast: true })))));
    }
    const tokens = await Promise.all(buyers.map((b) => pageToken(b.agent)));
    const results = await Promise.all(
      buyers.map((b, i) =>
        b.agent
          .post('/checkout')
          .type('form')
          .send({ _csrf: tokens[i], ...ADDRESS }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(50);
    expect(statuses.filter((s) => s === 409)).toHaveLength(150);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    for (const r of results.filter((x) => x.status === 409)) expect(r.text).toMatch(/“Cao actiso Sa Pa” (vừa hết hàng|đã hết hàng)/);
    expect(await stockOf(product.id)).toBe(0);
    const [{ n: orders }] = await ctx.ds.query(`SELECT count(DISTINCT order_id)::int AS n FROM order_items WHERE product_id = $1`, [product.id]);
    expect(orders).toBe(50);
    const [{ n: ledger }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM stock_movements WHERE product_id = $1 AND reason = 'sale'`, [product.id]);
    expect(ledger).toBe(50);
  }, 180_000);

  it('a cart that sold out while the buyer filled the form: 409 with the cart as checkout found it, read once', async () => {
    const product = await ctx.factories.createProduct({ name: 'Rượu mận Bắc Hà', stock: 3, priceVnd: 120000 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 2 }]);
    const token = await pageToken(buyer.agent);
    await ctx.ds.query(`UPDATE products SET stock = 0 WHERE id = $1`, [product.id]);
    let res!: request.Response;
    const sql = await countQueries(ctx.ds, async () => {
      res = await buyer.agent
        .post('/checkout')
        .type('form')
        .send({ _csrf: token, ...ADDRESS });
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Giỏ hàng đã thay đổi: “Rượu mận Bắc Hà” đã hết hàng.');
    expect(res.text).toMatch(/<li>Rượu mận Bắc Hà × 2 — 240\.000\u00a0₫<\/li>/);
    expect(sql.filter((q) => q.includes('FROM cart_items ci JOIN products p'))).toHaveLength(1);
    expect(sql.filter((q) => q.includes('FROM carts'))).toHaveLength(1); // checkout locking the cart (the header shows the count of the cart it read)
    // Nothing else: the sellers' shipping terms come with the lines, the account with the session.
    expect(sql.filter((q) => !/^(START TRANSACTION|ROLLBACK)$/.test(q))).toHaveLength(2);
    expect(await ctx.ds.query(`SELECT 1 FROM orders WHERE buyer_user_id = $1`, [buyer.userId])).toEqual([]);
  });

  it('two carts with the same two products in opposite order check out together without a deadlock', async () => {
    for (let round = 0; round < 5; round++) {
      const x = await ctx.factories.createProduct({ stock: 10 });
      const y = await ctx.factories.createProduct({ stock: 10 });
      const one = await buyerWithCart(ctx, [
        { productId: x.id, quantity: 1 },
        { productId: y.id, quantity: 1 },
      ]);
      const two = await buyerWithCart(ctx, [
        { productId: y.id, quantity: 1 },
        { productId: x.id, quantity: 1 },
      ]);
      const [t1, t2] = await Promise.all([pageToken(one.agent), pageToken(two.agent)]);
      const [r1, r2] = await Promise.all([
        one.agent
          .post('/checkout')
          .type('form')
          .send({ _csrf: t1, ...ADDRESS }),
        two.agent
          .post('/checkout')
          .type('form')
          .send({ _csrf: t2, ...ADDRESS }),
      ]);
      expect([r1.status, r2.status]).toEqual([303, 303]);
      expect([await stockOf(x.id), await stockOf(y.id)]).toEqual([8, 8]);
    }
  });
});

describe('the order afterwards', () => {
  it('an expired order returns its stock exactly once, even with two sweepers at the same moment', async () => {
    const p = await ctx.factories.createProduct({ stock: 6 });
    const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 4 }]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    expect(await stockOf(p.id)).toBe(2);
    // Not yet due: nothing happens.
    expect(await ctx.container.orders.expireOverdue()).toBe(0);
    ctx.setNow(new Date(Date.now() + 31 * 60_000));
    try {
      const [first, second] = await Promise.all([ctx.container.orders.expireOverdue(), ctx.container.orders.expireOverdue()]);
      expect(first + second).toBeGreaterThanOrEqual(1);
    } finally {
      ctx.setNow(new Date());
    }
    expect(await stockOf(p.id)).toBe(6);
    const [order] = await ctx.ds.query(`SELECT id, status FROM orders WHERE code = $1`, [code]);
    expect(order.status).toBe('expired');
    const releases = await ctx.ds.query(`SELECT delta FROM stock_movements WHERE order_id = $1 AND reason = 'release'`, [order.id]);
    expect(releases).toEqual([{ delta: 4 }]);
    expect((await ctx.ds.query(`SELECT status FROM seller_orders WHERE order_id = $1`, [order.id]))[0].status).toBe('cancelled');
    expect((await buyer.agent.get(`/orders/${code}`)).text).toContain('Hết hạn thanh toán');
  });

  it('the buyer cancels an unpaid order: stock back once, a second cancel is refused', async () => {
    const p = await ctx.factories.createProduct({ stock: 3 });
    const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 3 }]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    expect(await stockOf(p.id)).toBe(0);
    const page = await buyer.agent.get(`/orders/${code}`);
    await buyer.agent
      .post(`/orders/${code}/cancel`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(await stockOf(p.id)).toBe(3);
    expect(
      (
        await buyer.agent
          .post(`/orders/${code}/cancel`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text) })
      ).status,
    ).toBe(409);
    expect(await stockOf(p.id)).toBe(3);
    // Sweeping later cannot release it again.
    ctx.setNow(new Date(Date.now() + 3600_000));
    try {
      await ctx.container.orders.expireOverdue();
    } finally {
      ctx.setNow(new Date());
    }
    expect(await stockOf(p.id)).toBe(3);
  });

  it("buyer B gets 404 on buyer A's order; seller B sees nothing of seller A's part", async () => {
    const sellerA = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Phần A' });
    const sellerB = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Phần B' });
    const pa = await ctx.factories.createProduct({ sellerId: sellerA.sellerId, name: 'Hàng của A', stock: 5 });
    const pb = await ctx.factories.createProduct({ sellerId: sellerB.sellerId, name: 'Hàng của B', stock: 5 });
    const buyerA = await buyerWithCart(ctx, [{ productId: pa.id, quantity: 1 }]);
    const mixed = await buyerWithCart(ctx, [
      { productId: pa.id, quantity: 1 },
      { productId: pb.id, quantity: 1 },
    ]);
    const codeA = orderCodeFrom(await checkout(buyerA.agent));
    const codeMixed = orderCodeFrom(await checkout(mixed.agent));

    expect((await mixed.agent.get(`/orders/${codeA}`)).status).toBe(404);
    expect(
      (
        await mixed.agent
          .post(`/orders/${codeA}/cancel`)
          .type('form')
          .send({ _csrf: await pageToken(mixed.agent) })
      ).status,
    ).toBe(404);
    expect((await mixed.agent.get('/orders/OCP-XXXXXX')).status).toBe(404);
    expect((await mixed.agent.get('/orders/not-a-code')).status).toBe(404);

    // Seller B has no part in order A at all.
    expect((await sellerB.agent.get(`/seller/orders/${codeA}`)).status).toBe(404);
    expect((await sellerB.agent.get('/seller/orders')).text).not.toContain(codeA);
    // In the mixed order, B sees its own part only.
    const partB = await sellerB.agent.get(`/seller/orders/${codeMixed}`);
    expect(partB.status).toBe(200);
    expect(partB.text).toContain('Hàng của B');
    expect(partB.text).not.toContain('Hàng của A');
    const status = await sellerB.agent
      .post(`/seller/orders/${codeA}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(partB.text), status: 'shipped', trackingNo: 'X' });
    expect(status.status).toBe(404);
  });

  it('paid → each cooperative ships with a tracking number → the buyer sees it → delivered parts complete the order', async () => {
    const s1 = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Giao 1' });
    const s2 = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Giao 2' });
    const p1 = await ctx.factories.createProduct({ sellerId: s1.sellerId, stock: 5 });
    const p2 = await ctx.factories.createProduct({ sellerId: s2.sellerId, stock: 5 });
    const buyer = await buyerWithCart(ctx, [
      { productId: p1.id, quantity: 1 },
      { productId: p2.id, quantity: 1 },
    ]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const [{ id: orderId }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);

    // Not paid yet: nothing to ship.
    const early = await s1.agent.get(`/seller/orders/${code}`);
    expect(early.text).not.toContain('Đã gửi hàng');
    const shipEarly = await s1.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(early.text), status: 'shipped', trackingNo: 'VN1' });
    expect(shipEarly.status).toBe(422);

    expect(await ctx.container.orders.markPaid(orderId)).toBe(true);
    expect(await ctx.container.orders.markPaid(orderId)).toBe(false);
    expect((await ctx.ds.query(`SELECT status FROM seller_orders WHERE order_id = $1`, [orderId])).map((r: { status: string }) => r.status)).toEqual([
      'to_ship',
      'to_ship',
    ]);
    const dashboard = await s1.agent.get('/seller');
    expect(dashboard.text).toContain(code);

    const page1 = await s1.agent.get(`/seller/orders/${code}`);
    const noTracking = await s1.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page1.text), status: 'shipped' });
    expect(noTracking.status).toBe(422);
    expect(noTracking.text).toContain('Vui lòng nhập mã vận đơn');
    await s1.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page1.text), status: 'shipped', trackingNo: 'VNPOST-123456' })
      .expect(303);
    const buyerView = await buyer.agent.get(`/orders/${code}`);
    expect(buyerView.text).toContain('VNPOST-123456');
    expect(buyerView.text).toContain('Đang giao');
    const [shippedMail] = await ctx.ds.query(`SELECT subject, text_body FROM outbox_emails WHERE dedupe_key LIKE $1`, [`order:${orderId}:shipped:%`]);
    expect(shippedMail.text_body).toContain('VNPOST-123456');

    // Delivered before shipped is refused.
    const page2 = await s2.agent.get(`/seller/orders/${code}`);
    expect(
      (
        await s2.agent
          .post(`/seller/orders/${code}/status`)
          .type('form')
          .send({ _csrf: csrfFrom(page2.text), status: 'delivered' })
      ).status,
    ).toBe(422);

    await s1.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page1.text), status: 'delivered' })
      .expect(303);
    expect((await ctx.ds.query(`SELECT status FROM orders WHERE id = $1`, [orderId]))[0].status).toBe('paid');
    await s2.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page2.text), status: 'shipped', trackingNo: 'GHN-9' })
      .expect(303);
    await s2.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page2.text), status: 'delivered' })
      .expect(303);
    expect((await ctx.ds.query(`SELECT status FROM orders WHERE id = $1`, [orderId]))[0].status).toBe('completed');
    const events = await ctx.ds.query(`SELECT to_status FROM order_events WHERE order_id = $1 ORDER BY id`, [orderId]);
    expect(events.map((e: { to_status: string }) => e.to_status)).toEqual([
      'pending_payment',
      'paid',
      'shipped',
      'delivered',
      'shipped',
      'delivered',
      'completed',
    ]);
  });

  it("a cooperative cancelling its paid part returns that part's stock", async () => {
    const s = await signInAsSeller(ctx.app, ctx.ds);
    const p = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: p.id, quantity: 2 }]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const [{ id }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
    await ctx.container.orders.markPaid(id);
    const page = await s.agent.get(`/seller/orders/${code}`);
    await s.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), status: 'cancelled', note: 'Hết hàng thật' })
      .expect(303);
    expect(await stockOf(p.id)).toBe(5);
    expect(
      (
        await s.agent
          .post(`/seller/orders/${code}/status`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), status: 'cancelled' })
      ).status,
    ).toBe(422);
    expect(await stockOf(p.id)).toBe(5);
  });
});
