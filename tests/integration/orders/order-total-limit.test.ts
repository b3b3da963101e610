import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { databaseDigest } from '../../helpers/security';
import { decodeHtml } from '../../helpers/sales';
import { addToCart, buyerWithCart, checkout, orderCodeFrom, pageToken } from '../../helpers/shopping';
import { formatVnd } from '../../../server/lib/money';

/**
 * Money above 2^31 − 1 đồng (PostgreSQL's integer): an order up to the documented limit
 * (2.150.000.000 ₫) is placed, paid, delivered, paid out and refunded like any other; one above it
 * is refused with a clear message, and nothing changes.
 */

const SECRET = 'bank-feed-secret-limit';
const INT4_MAX = 2_147_483_647;
const LIMIT_TEXT = `Mỗi đơn hàng tối đa ${formatVnd(2_150_000_000)}`;

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET } });
});
afterAll(() => ctx.close());

const sendBank = (code: string, amount: number) => sendBankTransfer(ctx.app, SECRET, bankTransfer(`${code} thanh toan`, amount));
const stockOf = async (id: number) => (await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [id]))[0].stock as number;

describe('an order above the limit', () => {
  it('22 × 99.000.000 ₫ is refused at checkout with 422 and the limit on the page; no order, stock and cart untouched', async () => {
    const product = await ctx.factories.createProduct({ priceVnd: 9_900_000, stock: 30, name: 'Sâm Lai Châu thử' });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 22 }]);
    // The cooperative raises the price tenfold; the buyer accepts the new price on the cart page.
    await ctx.ds.query(`UPDATE products SET price_vnd = 99000000 WHERE id = $1`, [product.id]);
    await buyer.agent
      .post('/cart/accept')
      .type('form')
      .send({ _csrf: await pageToken(buyer.agent) })
      .expect(303);

    const cart = decodeHtml((await buyer.agent.get('/cart')).text);
    expect(cart).toContain(formatVnd(2_178_030_000));
    expect(cart).toContain(LIMIT_TEXT);
    expect(cart).not.toContain('Tiến hành đặt hàng');
    expect((await buyer.agent.get('/checkout')).headers.location).toBe('/cart');

    const before = await databaseDigest(ctx.ds);
    const res = await checkout(buyer.agent);
    expect(res.status).toBe(422);
    const page = decodeHtml(res.text);
    expect(page).toContain(LIMIT_TEXT);
    expect(page).toContain('chia thành nhiều đơn');
    expect(page).toContain('name="recipientName"');
    expect(await ctx.ds.query(`SELECT 1 FROM orders WHERE buyer_user_id = $1`, [buyer.userId])).toEqual([]);
    expect(await stockOf(product.id)).toBe(30);
    expect(await databaseDigest(ctx.ds)).toEqual(before);
  });

  it('adding to the cart past the limit is refused with 422 and the limit; the cart keeps what it had', async () => {
    const product = await ctx.factories.createProduct({ priceVnd: 99_000_000, stock: 30 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 21 }]);
    const before = await databaseDigest(ctx.ds);
    const more = await addToCart(buyer.agent, product.id, 1);
    expect(more.status).toBe(422);
    expect(decodeHtml(more.text)).toContain(LIMIT_TEXT);
    // The quantity box on the cart page is the other place a quantity is chosen.
    const raise = await buyer.agent
      .post(`/cart/items/${product.id}`)
      .type('form')
      .send({ _csrf: await pageToken(buyer.agent), quantity: '25' });
    expect(raise.status).toBe(422);
    expect(decodeHtml(raise.text)).toContain(LIMIT_TEXT);
    expect(await databaseDigest(ctx.ds)).toEqual(before);
    const [line] = await ctx.ds.query(`SELECT quantity FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1`, [buyer.userId]);
    expect(line.quantity).toBe(21);
    // Lowering a quantity is always allowed.
    await buyer.agent
      .post(`/cart/items/${product.id}`)
      .type('form')
      .send({ _csrf: await pageToken(buyer.agent), quantity: '20' })
      .expect(303);
  });
});

describe('an order above 2^31 − 1 đồng and within the limit', () => {
  it('is placed, paid by bank transfer, delivered, credited, paid out and refunded, every sum exact', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Sâm Ngọc Linh' });
    const ginseng = await ctx.factories.createProduct({ sellerId: seller.sellerId, priceVnd: 99_000_000, stock: 40, name: 'Sâm Ngọc Linh' });
    const honey = await ctx.factories.createProduct({ sellerId: seller.sellerId, priceVnd: 70_000_000, stock: 5, name: 'Mật ong quý' });
    // 21 × 99.000.000 + 70.000.000 + 30.000 shipping.
    const total = 2_149_030_000;
    expect(total).toBeGreaterThan(INT4_MAX);

    const buyer = await buyerWithCart(ctx, [
      { productId: ginseng.id, quantity: 21 },
      { productId: honey.id, quantity: 1 },
    ]);
    const placed = await checkout(buyer.agent);
    expect(placed.status).toBe(303);
    const code = orderCodeFrom(placed);
    const [order] = await ctx.ds.query(`SELECT id, items_total_vnd, shipping_total_vnd, total_vnd, status FROM orders WHERE code = $1`, [code]);
    expect(order).toMatchObject({ items_total_vnd: 2_149_000_000, shipping_total_vnd: 30_000, total_vnd: total, status: 'pending_payment' });
    expect(await ctx.ds.query(`SELECT total_vnd FROM seller_orders WHERE order_id = $1`, [order.id])).toEqual([{ total_vnd: total }]);
    expect(await ctx.ds.query(`SELECT line_total_vnd FROM order_items WHERE order_id = $1 ORDER BY line_total_vnd`, [order.id])).toEqual([
      { line_total_vnd: 70_000_000 },
      { line_total_vnd: 2_079_000_000 },
    ]);
    expect(await stockOf(ginseng.id)).toBe(19);
    expect(decodeHtml((await buyer.agent.get(`/orders/${code}/pay`)).text)).toContain(formatVnd(total));

    await sendBank(code, total).expect(200);
    expect((await ctx.ds.query(`SELECT status, paid_amount_vnd FROM orders WHERE id = $1`, [order.id]))[0]).toEqual({ status: 'paid', paid_amount_vnd: total });
    expect(await ctx.ds.query(`SELECT amount_vnd, outcome FROM payments WHERE order_id = $1`, [order.id])).toEqual([{ amount_vnd: total, outcome: 'applied' }]);
    expect(decodeHtml((await buyer.agent.get(`/orders/${code}`)).text)).toContain(formatVnd(total));

    const part = await seller.agent.get(`/seller/orders/${code}`);
    expect(decodeHtml(part.text)).toContain(formatVnd(total));
    await seller.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(part.text), status: 'shipped', trackingNo: 'VN2026' })
      .expect(303);
    await seller.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(part.text), status: 'delivered' })
      .expect(303);
    expect(await ctx.ds.query(`SELECT kind, amount_vnd FROM seller_ledger WHERE seller_id = $1 ORDER BY id`, [seller.sellerId])).toEqual([
      { kind: 'sale', amount_vnd: total },
    ]);

    const admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
    const balances = decodeHtml((await admin.get('/admin/payouts')).text);
    expect(balances).toContain(formatVnd(total));
    const statement = await admin.get(`/admin/payouts/${seller.sellerId}`);
    expect(decodeHtml(statement.text)).toContain(formatVnd(total));
    const payout = 2_148_000_000;
    await admin
      .post(`/admin/payouts/${seller.sellerId}`)
      .type('form')
      .send({ _csrf: csrfFrom(statement.text), amountVnd: '2.148.000.000', bankReference: 'FT-LON-01', paidOn: '2026-11-26' })
      .expect(303);
    expect(await ctx.ds.query(`SELECT amount_vnd FROM payouts WHERE seller_id = $1`, [seller.sellerId])).toEqual([{ amount_vnd: payout }]);
    expect(decodeHtml((await seller.agent.get('/seller/payouts')).text)).toContain(formatVnd(total - payout));

    const detail = await admin.get(`/admin/orders/${code}`);
    expect(decodeHtml(detail.text)).toContain(formatVnd(total));
    await admin
      .post(`/admin/orders/${code}/refund`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), reason: 'Khách trả hàng' })
      .expect(303);
    expect(await ctx.ds.query(`SELECT amount_vnd, status FROM refunds WHERE order_id = $1`, [order.id])).toEqual([{ amount_vnd: total, status: 'owed' }]);
    expect((await ctx.ds.query(`SELECT status, refunded_amount_vnd FROM orders WHERE id = $1`, [order.id]))[0]).toEqual({
      status: 'refunded',
      refunded_amount_vnd: total,
    });
    const ledger = await ctx.ds.query(`SELECT kind, amount_vnd FROM seller_ledger WHERE seller_id = $1 ORDER BY id`, [seller.sellerId]);
    expect(ledger).toEqual([
      { kind: 'sale', amount_vnd: total },
      { kind: 'payout', amount_vnd: -payout },
      { kind: 'refund', amount_vnd: -total },
    ]);
    // The balance is the ledger's sum, even though each line is beyond an integer.
    expect(decodeHtml((await admin.get(`/admin/payouts/${seller.sellerId}`)).text)).toContain(formatVnd(-payout));
    expect((await admin.get('/admin')).status).toBe(200);
    expect((await admin.get('/admin/reports')).status).toBe(200);
    expect((await admin.get('/admin/orders.csv')).status).toBe(200);
  });
});
