import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { databaseDigest } from '../../helpers/security';
import { ADDRESS, buyerWithCart, pageToken } from '../../helpers/shopping';

/**
 * A client is free to send anything: edited hidden fields, numbers the form would never produce,
 * fields the form does not have. Each must get a clear refusal, and the database must not move.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const BAD_NUMBERS = ['0', '-1', '1.5', '1e9', '1000000000', 'x', '', ' ', '0x10', 'Infinity', '١'];

/** Posts each body; every answer must be one of `statuses` and the database identical afterwards. */
async function expectRefused(agent: request.Agent, path: string, bodies: Record<string, string | string[]>[], statuses = [422]): Promise<void> {
  const before = await databaseDigest(ctx.ds);
  const token = await pageToken(agent);
  const answers: string[] = [];
  for (const body of bodies) {
    const res = await agent
      .post(path)
      .type('form')
      .send({ _csrf: token, ...body });
    if (!statuses.includes(res.status)) answers.push(`${JSON.stringify(body)} → ${res.status}`);
  }
  expect(answers).toEqual([]);
  expect(await databaseDigest(ctx.ds)).toEqual(before);
}

describe('tampered numbers and fields', () => {
  it('cart: quantity 0, −1, 1.5, 1e9, "x"… and a posted price are refused; the cart stays as it was', async () => {
    const product = await ctx.factories.createProduct({ stock: 50, priceVnd: 120_000 });
    const other = await ctx.factories.createProduct({ stock: 50, priceVnd: 80_000 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 2 }]);
    await expectRefused(buyer.agent, '/cart/items', [
      ...BAD_NUMBERS.filter((q) => q !== '' && q !== ' ').map((quantity) => ({ productId: String(other.id), quantity })),
      { productId: String(other.id), quantity: '1', priceVnd: '1' },
      { productId: String(other.id), quantity: '1', seenPriceVnd: '1' },
      { productId: String(other.id), quantity: ['1', '2'] },
      { productId: [String(other.id), String(product.id)], quantity: '1' },
    ]);
    // A product id that is not a product: refused, or simply not found.
    await expectRefused(
      buyer.agent,
      '/cart/items',
      ['-1', '1.5', '1e3', 'x', '0', '999999999', '99999999999'].map((productId) => ({ productId, quantity: '1' })),
      [404, 422],
    );
    // Updating the line: 0 removes it (that is the form's meaning), anything else odd is refused.
    await expectRefused(
      buyer.agent,
      `/cart/items/${product.id}`,
      ['-1', '1.5', '1e9', '1000000000', 'x', '', '0x10', 'Infinity'].map((quantity) => ({ quantity })).concat([{ quantity: '1', priceVnd: '1' } as never]),
    );
    const [line] = await ctx.ds.query(`SELECT quantity, seen_price_vnd FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE c.user_id = $1`, [
      buyer.userId,
    ]);
    expect(line).toEqual({ quantity: 2, seen_price_vnd: 120_000 });
  });

  it('checkout: totals, prices or a status in the form are refused, no order and no reservation', async () => {
    const product = await ctx.factories.createProduct({ stock: 5, priceVnd: 250_000 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    await expectRefused(buyer.agent, '/checkout', [
      { ...ADDRESS, totalVnd: '1' },
      { ...ADDRESS, itemsTotalVnd: '1' },
      { ...ADDRESS, status: 'paid' },
      { ...ADDRESS, buyerUserId: '1' },
      { ...ADDRESS, paymentMethod: 'cash' },
      { ...ADDRESS, paymentMethod: ['vietqr', 'stripe'] },
      { ...ADDRESS, province: ['Lào Cai', 'Lào Cai'] },
    ]);
    expect((await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [product.id]))[0].stock).toBe(5);
  });

  it('seller product forms: price, stock and threshold out of range or not whole numbers are refused; nothing is created or changed', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 7, priceVnd: 99_000, status: 'draft' });
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    const valid = { name: 'Mật ong bạc hà', categoryId: String(categoryId), description: '', priceVnd: '150000', unit: 'chai 500ml', lowStockThreshold: '5' };
    const newForm = csrfFrom((await seller.agent.get('/seller/products/new')).text);
    expect(newForm).toBeTruthy();
    await expectRefused(seller.agent, '/seller/products/new', [
      ...BAD_NUMBERS.map((priceVnd) => ({ ...valid, stock: '1', priceVnd })),
      ...['-1', '1.5', '1e9', '1000000000', 'x', '0x10'].map((stock) => ({ ...valid, stock })),
      ...['-1', '1.5', '1e9', '99999999999', 'x'].map((lowStockThreshold) => ({ ...valid, stock: '1', lowStockThreshold })),
      ...['0', '-1', '1e9', '99999999999', 'x', '1.5'].map((id) => ({ ...valid, stock: '1', categoryId: id })),
      { ...valid, stock: '1', status: 'active' },
      { ...valid, stock: '1', sellerId: '1' },
      { ...valid, stock: '1', ocopVerified: 'true' },
      { ...valid, stock: '1', ocopStars: '5', ocopCertificateNo: 'X', ocopDecisionDate: '0000-01-01' },
      { ...valid, stock: '1', ocopStars: '5', ocopCertificateNo: 'X', ocopDecisionDate: '2025-02-30' },
      { ...valid, stock: '1', ocopStars: '6', ocopCertificateNo: 'X', ocopDecisionDate: '2025-01-01' },
    ]);
    const edit = { ...valid, version: '1' };
    await expectRefused(seller.agent, `/seller/products/${product.id}/edit`, [
      ...BAD_NUMBERS.map((priceVnd) => ({ ...edit, priceVnd })),
      ...['0', '-1', '1.5', 'x', '99999999999', '1e10'].map((version) => ({ ...edit, version })),
      { ...edit, stock: '1000' },
      { ...edit, status: 'active' },
    ]);
    const [row] = await ctx.ds.query(`SELECT price_vnd, stock, version, status FROM products WHERE id = $1`, [product.id]);
    expect(row).toEqual({ price_vnd: 99_000, stock: 7, version: 1, status: 'draft' });
  });

  it('seller stock form: deltas that are zero, fractional, huge, words, or more than is in stock are refused; the ledger is untouched', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 3 });
    await expectRefused(seller.agent, `/seller/products/${product.id}/stock`, [
      ...['0', '1.5', '1e9', '1000000000', '-1000000000', 'x', '', '0x10', 'Infinity'].map((delta) => ({ delta, reason: 'restock' })),
      { delta: '-4', reason: 'damage' },
      { delta: '-1', reason: 'restock' },
      { delta: '1', reason: 'sale' },
      { delta: '1', reason: 'release' },
      { delta: '1', reason: 'initial' },
      { delta: ['1', '1'], reason: 'restock' },
      { delta: '1', reason: 'restock', orderId: '1' },
    ]);
    expect((await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [product.id]))[0].stock).toBe(3);
  });

  it('seller shipping form: negative, fractional, huge and non-numeric fees are refused', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds);
    await expectRefused(seller.agent, '/seller/shipping', [
      ...['-1', '1.5', '1e9', '100000000', 'x', '0x10'].map((shippingFeeVnd) => ({ shippingFeeVnd, freeShippingThresholdVnd: '' })),
      ...['0', '-1', '1.5', '1e9', 'x'].map((freeShippingThresholdVnd) => ({ shippingFeeVnd: '30000', freeShippingThresholdVnd })),
      { shippingFeeVnd: '30000', sellerId: '1' },
    ]);
  });

  it('admin forms: commission rates and payouts out of range are refused', async () => {
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    const seller = await ctx.factories.createSeller();
    await expectRefused(
      agent,
      '/admin/settings/commission',
      ['-1', '100.01', '1e9', 'x', '1.555', ''].map((rate) => ({ rate })),
    );
    await expectRefused(agent, `/admin/payouts/${seller.id}`, [
      ...['0', '-1', '1.5', 'x', '1e9'].map((amountVnd) => ({ amountVnd, bankReference: 'FT123', paidOn: '2026-01-05' })),
      ...['0000-01-01', '2025-02-30', '2025-13-01', 'yesterday'].map((paidOn) => ({ amountVnd: '1000', bankReference: 'FT123', paidOn })),
    ]);
  });

  it('ids beyond what PostgreSQL stores are refused, not a server error', async () => {
    const { agent } = await signInAsAdmin(ctx.app, ctx.ds);
    for (const path of ['/admin/sellers/99999999999', '/admin/sellers/1e10', '/admin/payouts/99999999999']) {
      expect([404, 422]).toContain((await agent.get(path)).status);
    }
    for (const path of [
      '/admin/products?sellerId=99999999999',
      '/admin/orders?sellerId=99999999999',
      '/admin/orders.csv?sellerId=1e11',
      '/admin/orders?from=0000-01-01&to=2025-02-30',
    ]) {
      expect((await agent.get(path)).status).toBe(200);
    }
    await expectRefused(agent, '/admin/sellers/99999999999/approve', [{ reason: 'x' }]);
  });
});
