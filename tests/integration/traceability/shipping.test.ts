import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { decodeHtml } from '../../helpers/sales';

let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
beforeAll(async () => {
  ctx = await createTestContext({ now: new Date('2026-11-29T03:00:00Z') });
  seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Mật ong Lương Thịnh' });
});
afterAll(() => ctx.close());

async function addBatch(agent: typeof seller.agent, productId: number, body: Record<string, string>): Promise<{ id: number; traceCode: string }> {
  const page = await agent.get(`/seller/products/${productId}/batches`);
  const res = await agent
    .post(`/seller/products/${productId}/batches`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...body });
  expect(res.status).toBe(303);
  const [row] = await ctx.ds.query(`SELECT id, trace_code AS "traceCode" FROM product_batches WHERE product_id = $1 AND code = $2`, [productId, body.code]);
  return row;
}

/** A paid order of these lines by a new signed-in buyer. */
async function paidOrder(lines: { productId: number; quantity: number }[]) {
  const buyer = await buyerWithCart(ctx, lines);
  const code = orderCodeFrom(await checkout(buyer.agent));
  const [{ id }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
  expect(await ctx.container.orders.markPaid(id)).toBe(true);
  const items = (await ctx.ds.query(`SELECT id, product_id AS "productId" FROM order_items WHERE order_id = $1 ORDER BY id`, [id])) as {
    id: number;
    productId: number;
  }[];
  return { code, id, buyer: buyer.agent, items };
}

async function ship(agent: typeof seller.agent, code: string, extra: Record<string, string> = {}) {
  const page = await agent.get(`/seller/orders/${code}`);
  return agent
    .post(`/seller/orders/${code}/status`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), status: 'shipped', trackingNo: 'VNPOST-1', ...extra });
}

const batchOfItems = async (orderId: number) =>
  ((await ctx.ds.query(`SELECT batch_id FROM order_items WHERE order_id = $1 ORDER BY id`, [orderId])) as { batch_id: number | null }[]).map((r) => r.batch_id);
const partStatus = async (orderId: number) => (await ctx.ds.query(`SELECT status FROM seller_orders WHERE order_id = $1`, [orderId]))[0].status as string;

describe('shipping records the batch each item left from', () => {
  it('defaults to the oldest batch with quantity left; the trace page counts it sold; the buyer links to it', async () => {
    const honey = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 50, name: 'Mật ong bạc hà', unit: 'hũ' });
    const old = await addBatch(seller.agent, honey.id, { code: 'MO-CU', producedOn: '2026-03-01', quantity: '2' });
    const expired = await addBatch(seller.agent, honey.id, { code: 'MO-HET', producedOn: '2025-01-01', expiresOn: '2026-01-01', quantity: '10' });
    const fresh = await addBatch(seller.agent, honey.id, { code: 'MO-MOI', producedOn: '2026-10-01', quantity: '40' });

    const first = await paidOrder([{ productId: honey.id, quantity: 2 }]);
    const page = await seller.agent.get(`/seller/orders/${first.code}`);
    const select = page.text.slice(page.text.indexOf(`name="batch_${first.items[0].id}"`), page.text.indexOf('</select>'));
    expect(decodeHtml(select)).toContain(`<option value="${old.id}" selected>MO-CU · sản xuất 01/03/2026 · còn 2</option>`);
    expect(decodeHtml(select)).toContain(`<option value="${fresh.id}">MO-MOI · sản xuất 01/10/2026 · còn 40</option>`);
    expect(select).not.toContain('MO-HET'); // expired: not offered, though it has units left
    expect(select).toContain('<option value="">');

    // The form as a browser without the select (or an older page) posts it: the default.
    const res = await ship(seller.agent, first.code);
    expect(res.status).toBe(303);
    expect(await batchOfItems(first.id)).toEqual([old.id]);

    const trace = decodeHtml((await request(ctx.app).get(`/trace/${old.traceCode}`)).text);
    expect(trace).toMatch(/Đã bán<\/dt><dd>2 hũ/);
    const buyerPage = await first.buyer.get(`/orders/${first.code}`);
    expect(buyerPage.text).toContain(`<a href="/trace/${old.traceCode}">Truy xuất lô MO-CU</a>`);

    // MO-CU is used up: the next order defaults to the next oldest unexpired batch with units left.
    const second = await paidOrder([{ productId: honey.id, quantity: 1 }]);
    const next = await seller.agent.get(`/seller/orders/${second.code}`);
    expect(next.text).toContain(`<option value="${fresh.id}" selected>`);
    expect(next.text).not.toContain(`<option value="${old.id}"`);
    expect((await ship(seller.agent, second.code)).status).toBe(303);
    expect(await batchOfItems(second.id)).toEqual([fresh.id]);
    expect(expired.id).toBeGreaterThan(0);
  });

  it('records the batch the seller picked, or none when asked', async () => {
    const tea = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 50 });
    const rice = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 50 });
    await addBatch(seller.agent, tea.id, { code: 'CHE-1', producedOn: '2026-01-01', quantity: '10' });
    const tea2 = await addBatch(seller.agent, tea.id, { code: 'CHE-2', producedOn: '2026-06-01', quantity: '10' });
    await addBatch(seller.agent, rice.id, { code: 'GAO-1', producedOn: '2026-01-01', quantity: '10' });
    const order = await paidOrder([
      { productId: tea.id, quantity: 1 },
      { productId: rice.id, quantity: 1 },
    ]);
    const [teaItem, riceItem] = [order.items.find((i) => i.productId === tea.id)!, order.items.find((i) => i.productId === rice.id)!];
    const res = await ship(seller.agent, order.code, { [`batch_${teaItem.id}`]: String(tea2.id), [`batch_${riceItem.id}`]: '' });
    expect(res.status).toBe(303);
    const rows = (await ctx.ds.query(`SELECT id, batch_id FROM order_items WHERE order_id = $1`, [order.id])) as { id: number; batch_id: number | null }[];
    expect(Object.fromEntries(rows.map((r) => [r.id, r.batch_id]))).toEqual({ [teaItem.id]: tea2.id, [riceItem.id]: null });
    const buyerPage = await order.buyer.get(`/orders/${order.code}`);
    expect(buyerPage.text).toContain(`Truy xuất lô CHE-2`);
    expect(buyerPage.text).not.toContain('Truy xuất lô GAO-1');
  });

  it("refuses another seller's batch, another product's batch or garbage with 422 and writes nothing", async () => {
    const tea = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 50 });
    const other = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 50 });
    await addBatch(seller.agent, tea.id, { code: 'T-1', producedOn: '2026-01-01', quantity: '10' });
    const otherBatch = await addBatch(seller.agent, other.id, { code: 'O-1', producedOn: '2026-01-01', quantity: '10' });
    const neighbour = await signInAsSeller(ctx.app, ctx.ds);
    const theirProduct = await ctx.factories.createProduct({ sellerId: neighbour.sellerId, stock: 5 });
    const theirBatch = await addBatch(neighbour.agent, theirProduct.id, { code: 'N-1', producedOn: '2026-01-01', quantity: '10' });
    const order = await paidOrder([{ productId: tea.id, quantity: 1 }]);
    const item = order.items[0];
    const events = async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM order_events WHERE order_id = $1`, [order.id]))[0].n as number;
    const before = await events();

    for (const [value, message] of [
      [String(theirBatch.id), 'Lô hàng được chọn không thuộc sản phẩm này của gian hàng.'],
      [String(otherBatch.id), 'Lô hàng được chọn không thuộc sản phẩm này của gian hàng.'],
      ['abc', 'Lô hàng được chọn không hợp lệ.'],
    ]) {
      const res = await ship(seller.agent, order.code, { [`batch_${item.id}`]: value });
      expect(res.status).toBe(422);
      expect(decodeHtml(res.text)).toContain(message);
      expect(await partStatus(order.id)).toBe('to_ship');
      expect(await batchOfItems(order.id)).toEqual([null]);
      expect(await events()).toBe(before);
    }
    // An item id that is not in this part.
    const stray = await ship(seller.agent, order.code, { [`batch_${item.id + 100000}`]: String(otherBatch.id) });
    expect(stray.status).toBe(422);
    expect(await partStatus(order.id)).toBe('to_ship');
  });

  it('two parts shipped at once never both take the last unit of a batch', async () => {
    const jam = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 50 });
    const last = await addBatch(seller.agent, jam.id, { code: 'MUT-1', producedOn: '2026-01-01', quantity: '1' });
    const next = await addBatch(seller.agent, jam.id, { code: 'MUT-2', producedOn: '2026-02-01', quantity: '10' });
    const orders = [await paidOrder([{ productId: jam.id, quantity: 1 }]), await paidOrder([{ productId: jam.id, quantity: 1 }])];
    const tokens = await Promise.all(orders.map(async (o) => csrfFrom((await seller.agent.get(`/seller/orders/${o.code}`)).text)));
    const results = await Promise.all(
      orders.map((o, i) =>
        seller.agent
          .post(`/seller/orders/${o.code}/status`)
          .type('form')
          .send({ _csrf: tokens[i], status: 'shipped', trackingNo: `GHN-${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const batches = [...(await batchOfItems(orders[0].id)), ...(await batchOfItems(orders[1].id))];
    expect(batches.sort()).toEqual([last.id, next.id].sort());
  });

  it('ships a product without batches as before: no select, no batch', async () => {
    const plain = await ctx.factories.createProduct({ sellerId: seller.sellerId, stock: 5 });
    const order = await paidOrder([{ productId: plain.id, quantity: 1 }]);
    const page = await seller.agent.get(`/seller/orders/${order.code}`);
    expect(page.text).not.toContain('name="batch_');
    expect((await ship(seller.agent, order.code)).status).toBe(303);
    expect(await partStatus(order.id)).toBe('shipped');
    expect(await batchOfItems(order.id)).toEqual([null]);
    expect((await order.buyer.get(`/orders/${order.code}`)).text).not.toContain('Truy xuất lô');
  });
});
