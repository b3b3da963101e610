import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { decodeHtml } from '../../helpers/sales';
import { buyerWithCart } from '../../helpers/shopping';
import { formatVnd } from '../../../server/lib/money';

/**
 * The stall till: a stall sale is an order of channel 'stall', paid by the bank feed with its QUAY-
 * code like an online order, handed over (delivered) and credited to the payout ledger once paid.
 */

const SECRET = 'bank-feed-secret-pos';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET } });
});
afterAll(() => ctx.close());

const sendBank = (body: object) => sendBankTransfer(ctx.app, SECRET, body);

async function seller(status?: 'pending' | 'approved' | 'suspended') {
  return signInAsSeller(ctx.app, ctx.ds, { status });
}

async function tillToken(agent: request.Agent): Promise<string> {
  const res = await agent.get('/seller/pos');
  expect(res.status).toBe(200);
  return csrfFrom(res.text);
}

/** Posts repeated productId/quantity pairs as the till's form does (no JavaScript). */
async function postSale(agent: request.Agent, lines: { productId: number; quantity: number }[], intent = 'sell', token?: string) {
  const body = [`_csrf=${encodeURIComponent(token ?? (await tillToken(agent)))}`, `intent=${intent}`];
  for (const l of lines) body.push(`productId=${l.productId}`, `quantity=${l.quantity}`);
  return agent.post('/seller/pos/sales').type('form').send(body.join('&'));
}

function saleCodeFrom(res: request.Response): string {
  const match = /^\/seller\/pos\/sales\/(QUAY-[A-Z0-9]{6})$/.exec(res.headers.location ?? '');
  if (!match) throw new Error(`no sale code in ${res.status} ${res.headers.location} ${res.text?.slice(0, 300)}`);
  return match[1];
}

const orderRow = async (code: string) =>
  (
    await ctx.ds.query(
      `SELECT id, status, channel, buyer_user_id, payment_method, total_vnd, receipt_token, market_day_id, reserved_until, needs_review, review_reason
       FROM orders WHERE code = $1`,
      [code],
    )
  )[0];
const stockOf = async (productId: number) => (await ctx.ds.query(`SELECT stock FROM products WHERE id = $1`, [productId]))[0].stock as number;
const movements = (productId: number) => ctx.ds.query(`SELECT delta, reason FROM stock_movements WHERE product_id = $1 ORDER BY id`, [productId]);

describe('a stall sale paid by the bank feed', () => {
  it('is created from the till, paid by its code without the dash, delivered and credited once; a duplicate changes nothing', async () => {
    const s = await seller();
    const honey = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 120_000, stock: 8, ocopStars: 4, name: 'Mật ong bạc hà' });
    const tea = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 85_000, stock: 5, name: 'Trà Shan tuyết' });
    const res = await postSale(s.agent, [
      { productId: honey.id, quantity: 2 },
      { productId: tea.id, quantity: 0 },
    ]);
    expect(res.status).toBe(303);
    const code = saleCodeFrom(res);
    const order = await orderRow(code);
    expect(order).toMatchObject({ status: 'pending_payment', channel: 'stall', buyer_user_id: null, payment_method: 'vietqr', total_vnd: 240_000 });
    expect(order.receipt_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const minutes = (new Date(order.reserved_until).getTime() - ctx.container.clock.now().getTime()) / 60_000;
    expect(minutes).toBeCloseTo(15, 0);
    expect(await stockOf(honey.id)).toBe(6);
    expect(await stockOf(tea.id)).toBe(5);
    expect(await movements(honey.id)).toEqual([
      { delta: 8, reason: 'initial' },
      { delta: -2, reason: 'stall_sale' },
    ]);

    // The sale's screen: the QR, the amount, refreshing every 5 seconds.
    const waiting = await s.agent.get(`/seller/pos/sales/${code}`);
    expect(waiting.status).toBe(200);
    expect(waiting.text).toContain('<meta http-equiv="refresh" content="5">');
    expect(waiting.text).toContain('src="data:image/png;base64,');
    expect(decodeHtml(waiting.text)).toContain(formatVnd(240_000));
    expect(Buffer.byteLength(waiting.text)).toBeLessThan(30_000);

    // Banks strip punctuation: "QUAYXXXXXX" still pays it.
    const transfer = bankTransfer(`${code.replace('-', '')} mua mat ong`, 240_000);
    expect((await sendBank(transfer)).status).toBe(200);
    expect((await orderRow(code)).status).toBe('completed');
    const [part] = await ctx.ds.query(`SELECT id, status, delivered_at FROM seller_orders WHERE order_id = $1`, [order.id]);
    expect(part.status).toBe('delivered');
    const ledger = await ctx.ds.query(`SELECT kind, amount_vnd FROM seller_ledger WHERE seller_order_id = $1 AND kind = 'sale'`, [part.id]);
    expect(ledger).toEqual([{ kind: 'sale', amount_vnd: 240_000 }]);
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM outbox_emails WHERE dedupe_key LIKE $1`, [`order:${order.id}:%`])).toEqual([{ n: 0 }]);

    // The same delivery again, and the same money as a second transfer: nothing moves twice.
    expect((await sendBank(transfer)).status).toBe(200);
    expect((await orderRow(code)).status).toBe('completed');
    expect(await stockOf(honey.id)).toBe(6);
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM seller_ledger WHERE seller_order_id = $1 AND kind = 'sale'`, [part.id])).toEqual([{ n: 1 }]);
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM stock_movements WHERE order_id = $1`, [order.id])).toEqual([{ n: 1 }]);

    // Paid: the loud green block, the receipt link, and no refresh.
    const paid = await s.agent.get(`/seller/pos/sales/${code}`);
    expect(paid.text).not.toContain('http-equiv="refresh"');
    expect(paid.text).toContain('class="pos-paid"');
    expect(decodeHtml(paid.text)).toContain('Đã nhận tiền');
    expect(paid.text).toContain(`/receipts/${order.receipt_token}`);
  });

  it('a wrong amount is flagged for an admin and the sale stays unpaid', async () => {
    const s = await seller();
    const p = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 50_000, stock: 3 });
    const code = saleCodeFrom(await postSale(s.agent, [{ productId: p.id, quantity: 1 }]));
    expect((await sendBank(bankTransfer(`${code} thanh toan`, 40_000))).status).toBe(200);
    const order = await orderRow(code);
    expect(order).toMatchObject({ status: 'pending_payment', needs_review: true });
    expect(order.review_reason).toContain('thiếu tiền');
    // The admin's order page renders a stall sale (no buyer, no address).
    const admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
    expect((await admin.get(`/admin/orders/${code}`)).status).toBe(200);
    expect(decodeHtml((await admin.get('/admin/orders')).text)).toContain(code);
  });

  it('the market day running now that the seller joined is recorded on the sale', async () => {
    const s = await seller();
    const p = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 3 });
    const now = ctx.container.clock.now();
    const [day] = await ctx.ds.query(
      `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at) VALUES ('phien-' || md5(random()::text), 'Phiên chợ Sa Pa', 'Phường Sa Pa', 'Quảng trường', $1, $2) RETURNING id`,
      [new Date(now.getTime() - 3600_000), new Date(now.getTime() + 3600_000)],
    );
    await ctx.ds.query(`INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2)`, [day.id, s.sellerId]);
    const code = saleCodeFrom(await postSale(s.agent, [{ productId: p.id, quantity: 1 }]));
    expect((await orderRow(code)).market_day_id).toBe(day.id);
  });
});

describe('cancel and expiry', () => {
  it('cancelling an unpaid sale returns its stock exactly once', async () => {
    const s = await seller();
    const p = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 4 });
    const code = saleCodeFrom(await postSale(s.agent, [{ productId: p.id, quantity: 3 }]));
    expect(await stockOf(p.id)).toBe(1);
    const token = csrfFrom((await s.agent.get(`/seller/pos/sales/${code}`)).text);
    const cancelled = await s.agent.post(`/seller/pos/sales/${code}/cancel`).type('form').send({ _csrf: token });
    expect(cancelled.status).toBe(303);
    expect((await orderRow(code)).status).toBe('cancelled');
    expect(await stockOf(p.id)).toBe(4);
    // Again, and the sweeper after it: nothing more comes back.
    expect((await s.agent.post(`/seller/pos/sales/${code}/cancel`).type('form').send({ _csrf: token })).status).toBe(409);
    ctx.setNow(new Date(Date.now() + 60 * 60_000));
    await ctx.container.orders.expireOverdue();
    ctx.setNow(new Date());
    expect(await stockOf(p.id)).toBe(4);
    expect(await movements(p.id)).toEqual([
      { delta: 4, reason: 'initial' },
      { delta: -3, reason: 'stall_sale' },
      { delta: 3, reason: 'release' },
    ]);
    const page = await s.agent.get(`/seller/pos/sales/${code}`);
    expect(page.text).not.toContain('http-equiv="refresh"');
  });

  it('an unpaid sale expires after STALL_SALE_MINUTES through the sweeper, stock back once', async () => {
    const s = await seller();
    const p = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 2 });
    const code = saleCodeFrom(await postSale(s.agent, [{ productId: p.id, quantity: 2 }]));
    ctx.setNow(new Date(Date.now() + 10 * 60_000));
    await ctx.container.orders.expireOverdue();
    expect((await orderRow(code)).status).toBe('pending_payment');
    ctx.setNow(new Date(Date.now() + 16 * 60_000));
    await ctx.container.orders.expireOverdue();
    await ctx.container.orders.expireOverdue();
    ctx.setNow(new Date());
    expect((await orderRow(code)).status).toBe('expired');
    expect(await stockOf(p.id)).toBe(2);
    expect((await movements(p.id)).filter((m: { reason: string }) => m.reason === 'release')).toEqual([{ delta: 2, reason: 'release' }]);
  });
});

describe('who may sell what', () => {
  it('a pending or suspended seller cannot open the till or post a sale', async () => {
    for (const status of ['pending', 'suspended'] as const) {
      const s = await seller(status);
      const p = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 3 });
      const till = await s.agent.get('/seller/pos');
      expect(till.status).toBe(403);
      const token = csrfFrom((await s.agent.get('/seller')).text);
      const res = await postSale(s.agent, [{ productId: p.id, quantity: 1 }], 'sell', token);
      expect(res.status).toBe(403);
      expect(await stockOf(p.id)).toBe(3);
    }
  });

  it("another seller's product is not found and nothing is reserved; an unlisted one is refused", async () => {
    const s = await seller();
    const mine = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 3 });
    const theirs = await ctx.factories.createProduct({ stock: 3 });
    const res = await postSale(s.agent, [
      { productId: mine.id, quantity: 1 },
      { productId: theirs.id, quantity: 1 },
    ]);
    expect(res.status).toBe(404);
    expect(await stockOf(mine.id)).toBe(3);
    expect(await stockOf(theirs.id)).toBe(3);
    const draft = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 3, status: 'draft' });
    const refused = await postSale(s.agent, [{ productId: draft.id, quantity: 1 }]);
    expect(refused.status).toBe(409);
    expect(await stockOf(draft.id)).toBe(3);
    // Nothing entered at all.
    expect((await postSale(s.agent, [{ productId: mine.id, quantity: 0 }])).status).toBe(422);
    expect(
      await ctx.ds.query(`SELECT count(*)::int AS n FROM orders o JOIN seller_orders so ON so.order_id = o.id WHERE so.seller_id = $1`, [s.sellerId]),
    ).toEqual([{ n: 0 }]);
  });

  it("another seller's sale page is not found", async () => {
    const a = await seller();
    const b = await seller();
    const p = await ctx.factories.createProduct({ sellerId: a.sellerId, stock: 3 });
    const code = saleCodeFrom(await postSale(a.agent, [{ productId: p.id, quantity: 1 }]));
    expect((await b.agent.get(`/seller/pos/sales/${code}`)).status).toBe(404);
    const token = csrfFrom((await b.agent.get('/seller/pos')).text);
    expect((await b.agent.post(`/seller/pos/sales/${code}/cancel`).type('form').send({ _csrf: token })).status).toBe(404);
    expect((await orderRow(code)).status).toBe('pending_payment');
  });
});

describe('the till without JavaScript', () => {
  it('lists the own listed products most sold first, searches by name, computes the total by form post, under 30 KB', async () => {
    const s = await seller();
    const rarely = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 20, priceVnd: 30_000, name: 'Chè Tà Xùa' });
    const often = await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 20, priceVnd: 45_000, name: 'Gạo Séng Cù' });
    await ctx.factories.createProduct({ sellerId: s.sellerId, stock: 20, status: 'draft', name: 'Nháp không bán' });
    const other = await ctx.factories.createProduct({ stock: 20, name: 'Của người khác' });
    // Sold before: three of "often", one of "rarely".
    for (const l of [
      { productId: often.id, quantity: 3 },
      { productId: rarely.id, quantity: 1 },
    ]) {
      await postSale(s.agent, [l]);
    }
    const till = await s.agent.get('/seller/pos');
    expect(till.status).toBe(200);
    expect(Buffer.byteLength(till.text)).toBeLessThan(30_000);
    const text = decodeHtml(till.text);
    expect(text.indexOf('Gạo Séng Cù')).toBeGreaterThan(-1);
    expect(text.indexOf('Gạo Séng Cù')).toBeLessThan(text.indexOf('Chè Tà Xùa'));
    expect(text).not.toContain('Nháp không bán');
    expect(text).not.toContain(other.name);
    const found = decodeHtml((await s.agent.get('/seller/pos?q=che ta')).text);
    expect(found).toContain('Chè Tà Xùa');
    expect(found).not.toContain('Gạo Séng Cù');

    // "Tính tiền": the same form posted with intent=total re-renders with the total, writes nothing.
    const before = await ctx.ds.query(`SELECT count(*)::int AS n FROM orders`);
    const total = await postSale(
      s.agent,
      [
        { productId: often.id, quantity: 2 },
        { productId: rarely.id, quantity: 1 },
      ],
      'total',
    );
    expect(total.status).toBe(200);
    expect(decodeHtml(total.text)).toContain(formatVnd(120_000));
    expect(Buffer.byteLength(total.text)).toBeLessThan(30_000);
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM orders`)).toEqual(before);
  });
});

describe('receipts', () => {
  it('a paid sale has a public, noindex, printable receipt; unpaid and unknown ones are not found', async () => {
    const s = await seller();
    const p = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 150_000, stock: 3, ocopStars: 5, name: 'Rượu ngô Bản Phố' });
    const code = saleCodeFrom(await postSale(s.agent, [{ productId: p.id, quantity: 2 }]));
    const { receipt_token: token } = await orderRow(code);
    expect((await request(ctx.app).get(`/receipts/${token}`)).status).toBe(404);
    await sendBank(bankTransfer(`${code}`, 300_000)).expect(200);
    const res = await request(ctx.app).get(`/receipts/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-robots-tag']).toBe('noindex');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('<meta name="robots" content="noindex">');
    const text = decodeHtml(res.text);
    expect(text).toContain('Rượu ngô Bản Phố');
    expect(text).toContain(formatVnd(300_000));
    expect(text).toContain('5 sao');
    expect(text).toContain(`${ctx.config.publicUrl}/receipts/${token}`);
    expect(res.text).toContain('src="data:image/png;base64,');
    expect((await request(ctx.app).get(`/receipts/${'x'.repeat(32)}`)).status).toBe(404);
    expect((await request(ctx.app).get(`/receipts/short`)).status).toBe(404);
  });
});

describe('stall sales beside the online pages', () => {
  it("the seller's order list labels a stall sale, its page shows no address; the buyer pages never see it", async () => {
    const s = await seller();
    const p = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 60_000, stock: 3 });
    const code = saleCodeFrom(await postSale(s.agent, [{ productId: p.id, quantity: 1 }]));
    await sendBank(bankTransfer(code, 60_000)).expect(200);
    const list = await s.agent.get('/seller/orders');
    expect(list.status).toBe(200);
    expect(decodeHtml(list.text)).toContain(code);
    expect(decodeHtml(list.text)).toContain('Tại quầy');
    const page = await s.agent.get(`/seller/orders/${code}`);
    expect(page.status).toBe(200);
    expect(decodeHtml(page.text)).not.toContain('Giao đến');
    expect(decodeHtml(page.text)).toContain('Đã giao');
    expect((await s.agent.get('/seller')).status).toBe(200);
    // A buyer: their account lists their own orders only; the sale's pages are "not found".
    const { agent } = await buyerWithCart(ctx, []);
    expect((await agent.get('/account')).status).toBe(200);
    expect(decodeHtml((await agent.get('/account')).text)).not.toContain(code);
    expect((await agent.get(`/orders/${code}`)).status).toBe(404);
    expect((await agent.get(`/orders/${code}/pay`)).status).toBe(404);
  });
});
