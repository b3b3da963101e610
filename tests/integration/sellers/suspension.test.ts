import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { png } from '../../helpers/images';
import { databaseDigest } from '../../helpers/security';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';

const BANK_SECRET = 'bank-feed-secret-suspension';
let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: BANK_SECRET } });
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

async function suspend(sellerId: number, reason: string) {
  const token = csrfFrom((await admin.get(`/admin/sellers/${sellerId}`)).text);
  const res = await admin.post(`/admin/sellers/${sellerId}/suspend`).type('form').send({ _csrf: token, reason });
  expect(res.status).toBe(303);
}

function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const orderOf = async (code: string) =>
  (await ctx.ds.query(`SELECT id, status, needs_review, review_reason, total_vnd FROM orders WHERE code = $1`, [code]))[0] as {
    id: number;
    status: string;
    needs_review: boolean;
    review_reason: string | null;
    total_vnd: number;
  };
const stockOf = async (productId: number) => (await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [productId]))[0].stock as number;

/** A suspended cooperative with something of everything: products (live and draft) with photos, a paid order to ship. */
async function suspendedCooperative() {
  const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Chè Tả Phìn' });
  const live = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Chè Tả Phìn', withImage: true, stock: 20 });
  await ctx.ds.query(`INSERT INTO product_images (product_id, storage_key, sizes, width, height, position) VALUES ($1, $2, '{400}', 400, 400, 1)`, [
    live.id,
    `products/${live.id}/second`,
  ]);
  const draft = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Chè Tả Phìn nháp', status: 'draft', withImage: true });
  const buyer = await buyerWithCart(ctx, [{ productId: live.id, quantity: 1 }], { fast: true });
  const code = orderCodeFrom(await checkout(buyer.agent));
  await ctx.container.orders.markPaid((await orderOf(code)).id);
  const [first, second] = await ctx.ds.query(`SELECT id FROM product_images WHERE product_id = $1 ORDER BY position, id`, [live.id]);
  await suspend(seller.sellerId, 'Giấy chứng nhận an toàn thực phẩm hết hạn');
  return { seller, live, draft, code, images: [first.id as number, second.id as number] };
}

describe('a suspended cooperative', () => {
  it('can change nothing: every POST under /seller answers 403 and no table or file changes', async () => {
    const { seller, live, draft, code, images } = await suspendedCooperative();
    // Any page's token: the header's sign-out form is on the read-only notice.
    const token = csrfFrom((await seller.agent.get('/seller')).text);
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.5.a'`);
    const [{ version }] = await ctx.ds.query(`SELECT version FROM products WHERE id = $1`, [live.id]);
    const product = { name: 'Chè mới', categoryId: String(categoryId), description: 'x', priceVnd: '90000', unit: 'gói', lowStockThreshold: '2' };
    const before = await databaseDigest(ctx.ds);
    const filesBefore = filesIn(ctx.mediaDir);

    const form = (url: string, body: Record<string, string> = {}) =>
      seller.agent
        .post(url)
        .type('form')
        .send({ _csrf: token, ...body });
    const attempts: [string, () => Promise<request.Response>][] = [
      ['create a product', () => form('/seller/products/new', { ...product, stock: '5' })],
      ['edit a product', () => form(`/seller/products/${live.id}/edit`, { ...product, version: String(version) })],
      ['publish', () => form(`/seller/products/${draft.id}/publish`)],
      ['unpublish', () => form(`/seller/products/${live.id}/unpublish`)],
      ['change stock', () => form(`/seller/products/${live.id}/stock`, { delta: '5', reason: 'restock' })],
      [
        'upload a photo',
        async () =>
          seller.agent
            .post(`/seller/products/${live.id}/images`)
            .field('_csrf', token)
            .attach('images', await png(300, 300), 'a.png'),
      ],
      ['delete a photo', () => form(`/seller/products/${live.id}/images/${images[1]}/delete`)],
      ['choose the cover', () => form(`/seller/products/${live.id}/images/${images[1]}/cover`)],
      ['move a photo', () => form(`/seller/products/${live.id}/images/${images[0]}/move`, { direction: 'down' })],
      ['change shipping', () => form('/seller/shipping', { shippingFeeVnd: '0' })],
      [
        'resubmit the profile',
        () =>
          form('/seller/application', {
            cooperativeName: 'HTX Chè Tả Phìn mới',
            type: 'htx',
            commune: 'Phường Sa Pa',
            address: 'Tả Phìn',
            description: 'Chè',
          }),
      ],
      ['ship an order', () => form(`/seller/orders/${code}/status`, { status: 'shipped', trackingNo: 'VN123' })],
      ['cancel an order', () => form(`/seller/orders/${code}/status`, { status: 'cancelled' })],
    ];
    const answers: [string, number, boolean][] = [];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      answers.push([what, res.status, res.text.includes('Gian hàng đang bị tạm ngừng')]);
    }
    expect(answers).toEqual(attempts.map(([what]) => [what, 403, true]));
    expect(await databaseDigest(ctx.ds)).toEqual(before);
    expect(filesIn(ctx.mediaDir)).toEqual(filesBefore);
  });

  it('is offered no form: form pages answer 403 with the notice, the area shows the notice without edit buttons', async () => {
    const { seller, live } = await suspendedCooperative();
    for (const url of ['/seller/products/new', `/seller/products/${live.id}/edit`, '/seller/shipping', '/seller/products', `/seller/products/${live.id}`]) {
      const res = await seller.agent.get(url);
      expect([url, res.status]).toEqual([url, 403]);
      expect(res.text).toContain('Gian hàng đang bị tạm ngừng');
      expect(res.text).not.toMatch(/<form[^>]*action="\/seller/);
      expect(res.text).not.toContain('name="name"');
    }
    const area = await seller.agent.get('/seller');
    expect(area.status).toBe(200);
    expect(area.text).toContain('Gian hàng đang bị tạm ngừng');
    expect(area.text).toContain('Giấy chứng nhận an toàn thực phẩm hết hạn');
    expect(area.text).not.toMatch(/<form[^>]*action="\/seller/);
    expect(area.text).not.toContain('href="/seller/products/new"');
    expect(area.text).not.toContain('href="/seller/shipping"');
  });

  it('checks in the service too, not only in the route', async () => {
    const { seller, live } = await suspendedCooperative();
    const actor = { id: seller.userId, role: 'seller' as const };
    const before = await databaseDigest(ctx.ds);
    await expect(ctx.container.sellerProducts.adjustStock(actor, live.id, { delta: 3, reason: 'restock' })).rejects.toMatchObject({ status: 403 });
    await expect(ctx.container.sellers.updateShipping(actor, { shippingFeeVnd: 0 })).rejects.toMatchObject({ status: 403 });
    await expect(ctx.container.sellerProducts.unpublish(actor, live.id)).rejects.toMatchObject({ status: 403 });
    expect(await databaseDigest(ctx.ds)).toEqual(before);
  });

  it('at suspension its unpaid orders are cancelled whole, their stock returned through the ledger, the buyer told why', async () => {
    const suspended = await ctx.factories.createSeller({ name: 'HTX Rượu Bản Phố' });
    const other = await ctx.factories.createSeller({ name: 'HTX Gạo Séng Cù' });
    const wine = await ctx.factories.createProduct({ sellerId: suspended.id, name: 'Rượu ngô Bản Phố', stock: 10 });
    const rice = await ctx.factories.createProduct({ sellerId: other.id, name: 'Gạo Séng Cù', stock: 10 });
    const buyer = await buyerWithCart(ctx, [
      { productId: wine.id, quantity: 2 },
      { productId: rice.id, quantity: 1 },
    ]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const { id: orderId } = await orderOf(code);
    expect([await stockOf(wine.id), await stockOf(rice.id)]).toEqual([8, 9]);

    await suspend(suspended.id, 'Sản phẩm không đúng nhãn');

    expect((await orderOf(code)).status).toBe('cancelled');
    expect(await ctx.ds.query(`SELECT status FROM seller_orders WHERE order_id = $1 ORDER BY id`, [orderId])).toEqual([
      { status: 'cancelled' },
      { status: 'cancelled' },
    ]);
    expect([await stockOf(wine.id), await stockOf(rice.id)]).toEqual([10, 10]);
    const releases = await ctx.ds.query(
      `SELECT product_id, delta, balance_after FROM stock_movements WHERE order_id = $1 AND reason = 'release' ORDER BY product_id`,
      [orderId],
    );
    expect(releases).toEqual(
      [
        { product_id: wine.id, delta: 2, balance_after: 10 },
        { product_id: rice.id, delta: 1, balance_after: 10 },
      ].sort((a, b) => a.product_id - b.product_id),
    );
    const [event] = await ctx.ds.query(`SELECT from_status, to_status, note FROM order_events WHERE order_id = $1 AND to_status = 'cancelled'`, [orderId]);
    expect(event.from_status).toBe('pending_payment');
    expect(event.note).toContain('HTX Rượu Bản Phố');
    const [mail] = await ctx.ds.query(`SELECT text_body FROM outbox_emails WHERE dedupe_key = $1`, [`order:${orderId}:cancelled:buyer`]);
    expect(mail.text_body).toContain('HTX Rượu Bản Phố');
    expect(mail.text_body).toContain('tạm ngừng');
    expect((await buyer.agent.get(`/orders/${code}`)).text).toContain('Đã huỷ');

    // A transfer that arrives afterwards does not bring the order back: it is owed back to the buyer.
    const late = await sendBankTransfer(ctx.app, BANK_SECRET, bankTransfer(`${code} thanh toan`, (await orderOf(code)).total_vnd));
    expect(late.status).toBe(200);
    const after = await orderOf(code);
    expect(after.status).toBe('cancelled');
    expect(after.needs_review).toBe(true);
    expect([await stockOf(wine.id), await stockOf(rice.id)]).toEqual([10, 10]);
    expect(await ctx.ds.query(`SELECT status FROM refunds WHERE order_id = $1`, [orderId])).toEqual([{ status: 'owed' }]);
  });

  it('a payment for an order whose checkout raced the suspension still goes to the review list', async () => {
    const seller = await ctx.factories.createSeller({ name: 'HTX Táo mèo Y Tý' });
    const apples = await ctx.factories.createProduct({ sellerId: seller.id, name: 'Táo mèo Y Tý', stock: 10 });
    const buyer = await buyerWithCart(ctx, [{ productId: apples.id, quantity: 1 }], { fast: true });
    const code = orderCodeFrom(await checkout(buyer.agent));
    // The suspension committed while this checkout was still in flight, so it did not see the order.
    await ctx.ds.query(`UPDATE sellers SET status = 'suspended', status_reason = 'Kiểm tra' WHERE id = $1`, [seller.id]);

    const paid = await sendBankTransfer(ctx.app, BANK_SECRET, bankTransfer(`${code} thanh toan`, (await orderOf(code)).total_vnd));
    expect(paid.status).toBe(200);
    const order = await orderOf(code);
    expect(order.status).toBe('paid');
    expect(order.needs_review).toBe(true);
    expect(order.review_reason).toContain('tạm ngừng');
    expect((await admin.get('/admin/orders?flagged=1')).text).toContain(code);
  });

  it('writes racing the suspension either land before it or are refused: never a 500, the ledger adds up', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Đua' });
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Miến dong Đua', stock: 50, withImage: true });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 2 }], { fast: true });
    const code = orderCodeFrom(await checkout(buyer.agent));
    const token = csrfFrom((await seller.agent.get(`/seller/products/${product.id}`)).text);
    const adminToken = csrfFrom((await admin.get(`/admin/sellers/${seller.sellerId}`)).text);

    const writes = Array.from({ length: 6 }, () =>
      seller.agent.post(`/seller/products/${product.id}/stock`).type('form').send({ _csrf: token, delta: '1', reason: 'restock' }),
    );
    const suspension = admin.post(`/admin/sellers/${seller.sellerId}/suspend`).type('form').send({ _csrf: adminToken, reason: 'Kiểm tra đột xuất' });
    const [suspended, ...answers] = await Promise.all([suspension, ...writes]);
    expect(suspended.status).toBe(303);
    for (const res of answers) expect([303, 403]).toContain(res.status);

    expect((await orderOf(code)).status).toBe('cancelled');
    const [{ stock }] = await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [product.id]);
    const [{ sum }] = await ctx.ds.query(`SELECT sum(delta)::int AS sum FROM stock_movements WHERE product_id = $1`, [product.id]);
    expect(stock).toBe(sum);
    expect(stock).toBe(50 + answers.filter((r) => r.status === 303).length);
  });

  it("at suspension its paid orders wait in the admins' review list, where they can be refunded", async () => {
    const seller = await ctx.factories.createSeller({ name: 'HTX Mận Bắc Hà' });
    const plums = await ctx.factories.createProduct({ sellerId: seller.id, name: 'Mận tam hoa', stock: 10 });
    const buyer = await buyerWithCart(ctx, [{ productId: plums.id, quantity: 3 }], { fast: true });
    const code = orderCodeFrom(await checkout(buyer.agent));
    await ctx.container.orders.markPaid((await orderOf(code)).id);
    const delivered = await buyerWithCart(ctx, [{ productId: plums.id, quantity: 1 }], { fast: true });
    const doneCode = orderCodeFrom(await checkout(delivered.agent));
    await ctx.container.orders.markPaid((await orderOf(doneCode)).id);
    await ctx.ds.query(`UPDATE seller_orders SET status = 'delivered' WHERE order_id = $1`, [(await orderOf(doneCode)).id]);
    await ctx.ds.query(`UPDATE orders SET status = 'completed' WHERE code = $1`, [doneCode]);

    await suspend(seller.id, 'Giao hàng kém chất lượng');

    const order = await orderOf(code);
    expect(order.status).toBe('paid');
    expect(order.needs_review).toBe(true);
    expect(order.review_reason).toContain('HTX Mận Bắc Hà');
    // A completed order has nothing left to ship: no review needed.
    expect((await orderOf(doneCode)).needs_review).toBe(false);
    const review = await admin.get('/admin/orders?flagged=1');
    expect(review.text).toContain(code);
    expect(review.text).not.toContain(doneCode);
    const page = await admin.get(`/admin/orders/${code}`);
    expect(page.text).toContain('Cần xem xét');
    expect(page.text).toContain(`action="/admin/orders/${code}/refund"`);

    const refund = await admin
      .post(`/admin/orders/${code}/refund`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), reason: 'Hợp tác xã bị tạm ngừng' });
    expect(refund.status).toBe(303);
    expect((await orderOf(code)).status).toBe('refunded');
    expect(await stockOf(plums.id)).toBe(10 - 1);
  });
});
