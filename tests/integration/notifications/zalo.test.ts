import { loadConfig } from '../../../server/config';
import { formatVnd } from '../../../server/lib/money';
import { enqueueEmail } from '../../../server/modules/notifications';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { FakeZalo, ZNS_OUT_OF_QUOTA } from '../../helpers/fake-zalo';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';

/**
 * Zalo ZNS beside email (issue 21), through a fake ZNS server: each order event queues one message
 * in the event's transaction, the worker sends it once (tracking_id = the outbox row), retries 5xx and
 * quota answers, falls back to email for a phone without Zalo, and respects each account's choices.
 */

// English templates for three events; order_shipped and stall_sale_paid have only the default (Vietnamese) one.
const TEMPLATES =
  'order_placed=1001,order_placed.en=2001,order_paid=1002,order_paid.en=2002,seller_new_order=1003,seller_new_order.en=2003,order_shipped=1004,stall_sale_paid=1005';

let zalo: FakeZalo;
let ctx: TestContext;
beforeAll(async () => {
  zalo = await new FakeZalo().start();
  ctx = await createTestContext({ env: { ZALO_ZNS_ACCESS_TOKEN: zalo.accessToken, ZALO_ZNS_API_BASE: zalo.apiBase, ZALO_ZNS_TEMPLATES: TEMPLATES } });
});
afterAll(async () => {
  await ctx.close();
  await zalo.stop();
});
beforeEach(() => zalo.reset());

const drain = () => ctx.container.zaloWorker.drain();
const orderOf = async (code: string) =>
  (await ctx.ds.query(`SELECT id, total_vnd FROM orders WHERE code = $1`, [code]))[0] as { id: number; total_vnd: number };
const zaloRows = (orderId: number) =>
  ctx.ds.query(
    `SELECT id, event, user_id, phone, template_id, template_data, status, attempts, last_error, zalo_msg_id FROM outbox_zalo WHERE order_id = $1 ORDER BY id`,
    [orderId],
  );
const mailRows = (key: string) => ctx.ds.query(`SELECT to_address, subject, text_body FROM outbox_emails WHERE dedupe_key LIKE $1 ORDER BY id`, [key]);
/** Lets the worker's back-off pass, as if its wait were over. */
const dueNow = (orderId: number) => ctx.ds.query(`UPDATE outbox_zalo SET next_attempt_at = now() WHERE order_id = $1`, [orderId]);

async function sellerWithPhone(phone: string | null, name = 'HTX Mật ong Lương Thịnh') {
  const seller = await signInAsSeller(ctx.app, ctx.ds, { name });
  await ctx.ds.query(`UPDATE sellers SET phone = $2 WHERE id = $1`, [seller.sellerId, phone]);
  const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, priceVnd: 125_000, stock: 20, name: 'Mật ong bạc hà' });
  return { ...seller, product };
}

async function placeOrder(productId: number, quantity = 2, buyerSetup?: (userId: number) => Promise<unknown>) {
  const buyer = await buyerWithCart(ctx, [{ productId, quantity }]);
  await buyerSetup?.(buyer.userId);
  const code = orderCodeFrom(await checkout(buyer.agent));
  return { buyer, code, ...(await orderOf(code)) };
}

describe('Zalo ZNS notifications', () => {
  it('each event sends exactly one message with its template, the 84… phone, the order data and the outbox row as tracking_id', async () => {
    const seller = await sellerWithPhone('0987 654 321');
    const order = await placeOrder(seller.product.id, 2);
    expect(order.total_vnd).toBeGreaterThan(250_000);

    // Placed: the buyer (createAccount's phone 0912345678), nothing for the cooperative yet.
    expect(await drain()).toBe(1);
    let rows = await zaloRows(order.id);
    expect(rows).toHaveLength(1);
    expect(zalo.requests).toHaveLength(1);
    expect(zalo.requests[0].accessToken).toBe(zalo.accessToken);
    expect(zalo.requests[0].body).toEqual({
      phone: '84912345678',
      template_id: '1001',
      template_data: {
        order_code: order.code,
        customer_name: 'Người mua thử',
        amount: Number(order.total_vnd),
        order_date: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/),
      },
      tracking_id: String(rows[0].id),
    });

    // Paid: the buyer's receipt and the cooperative's "new paid order to ship" (its own phone, its part's amount).
    await ctx.container.orders.markPaid(order.id);
    // A second payment notice changes nothing (the move does not happen twice, the dedupe key holds anyway).
    await ctx.container.orders.markPaid(order.id);
    expect(await drain()).toBe(2);
    const [part] = await ctx.ds.query(`SELECT id, total_vnd FROM seller_orders WHERE order_id = $1`, [order.id]);
    rows = await zaloRows(order.id);
    expect(rows.map((r: { event: string }) => r.event)).toEqual(['order_placed', 'order_paid', 'seller_new_order']);
    expect(zalo.requests.slice(1).map((r) => r.body)).toEqual([
      {
        phone: '84912345678',
        template_id: '1002',
        template_data: { order_code: order.code, customer_name: 'Người mua thử', amount: Number(order.total_vnd) },
        tracking_id: String(rows[1].id),
      },
      {
        phone: '84987654321',
        template_id: '1003',
        template_data: { order_code: order.code, shop_name: 'HTX Mật ong Lương Thịnh', amount: Number(part.total_vnd), item_count: 2 },
        tracking_id: String(rows[2].id),
      },
    ]);
    expect(rows[2].user_id).toBe(seller.userId);

    // Shipped with a tracking number, through the seller's own form.
    const page = await seller.agent.get(`/seller/orders/${order.code}`);
    await seller.agent
      .post(`/seller/orders/${order.code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), status: 'shipped', trackingNo: 'VNPOST-123456' })
      .expect(303);
    expect(await drain()).toBe(1);
    rows = await zaloRows(order.id);
    expect(zalo.requests[3].body).toEqual({
      phone: '84912345678',
      template_id: '1004',
      template_data: { order_code: order.code, customer_name: 'Người mua thử', shop_name: 'HTX Mật ong Lương Thịnh', tracking_no: 'VNPOST-123456' },
      tracking_id: String(rows[3].id),
    });

    // Four events, four messages, each delivered once and recorded as sent with Zalo's msg_id.
    expect(await drain()).toBe(0);
    expect(zalo.requests).toHaveLength(4);
    expect(zalo.delivered.size).toBe(4);
    expect(rows.every((r: { status: string; zalo_msg_id: string }) => r.status === 'sent' && /^msg-/.test(r.zalo_msg_id))).toBe(true);
  });

  it('a paid stall sale tells the cooperative (and nobody else), on the stall template', async () => {
    const seller = await sellerWithPhone('0912 000 111');
    const till = await seller.agent.get('/seller/pos');
    const sale = await seller.agent
      .post('/seller/pos/sales')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(till.text))}&intent=sell&productId=${seller.product.id}&quantity=3`);
    const code = /(QUAY-[A-Z0-9]{6})$/.exec(sale.headers.location ?? '')![1];
    const order = await orderOf(code);
    expect(await drain()).toBe(0);
    await ctx.container.orders.markPaid(order.id);
    expect(await drain()).toBe(1);
    const [row] = await zaloRows(order.id);
    expect(zalo.requests.map((r) => r.body)).toEqual([
      {
        phone: '84912000111',
        template_id: '1005',
        template_data: { order_code: code, shop_name: 'HTX Mật ong Lương Thịnh', amount: 375_000 },
        tracking_id: String(row.id),
      },
    ]);
    // No mail for a stall sale delivered by Zalo.
    expect(await mailRows(`order:${order.id}:%`)).toEqual([]);
  });

  it('a 5xx is retried once more with the same tracking_id; a row sent again after a crash is not delivered twice', async () => {
    const seller = await sellerWithPhone(null);
    const order = await placeOrder(seller.product.id, 1);
    zalo.failNext({ http: 503 });
    expect(await drain()).toBe(0);
    let [row] = await zaloRows(order.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('HTTP 503') });
    // Not due yet: the back-off holds it.
    expect(await drain()).toBe(0);
    expect(zalo.requests).toHaveLength(1);

    await dueNow(order.id);
    expect(await drain()).toBe(1);
    [row] = await zaloRows(order.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(zalo.requests.map((r) => r.body.tracking_id)).toEqual([String(row.id), String(row.id)]);
    expect(zalo.delivered.size).toBe(1);

    // CASE: the process died after Zalo took the message, before the row said so: it is claimed again, and Zalo recognises it.
    await ctx.ds.query(`UPDATE outbox_zalo SET status = 'pending', next_attempt_at = now() WHERE id = $1`, [row.id]);
    expect(await drain()).toBe(1);
    expect(zalo.requests).toHaveLength(3);
    expect(zalo.delivered.size).toBe(1);
  });

  it('quota answers back off, and a message that never goes out ends failed, shown to an admin with its error and attempts', async () => {
    const seller = await sellerWithPhone(null);
    const order = await placeOrder(seller.product.id, 1);
    zalo.failNext(ZNS_OUT_OF_QUOTA);
    await drain();
    let [row] = await zaloRows(order.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: '-115 Out of quota' });

    // The last allowed attempt (12) fails as well.
    await ctx.ds.query(`UPDATE outbox_zalo SET attempts = 11, next_attempt_at = now() WHERE id = $1`, [row.id]);
    zalo.failNext(ZNS_OUT_OF_QUOTA);
    await drain();
    [row] = await zaloRows(order.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 12, last_error: '-115 Out of quota' });
    await dueNow(order.id);
    await drain();
    expect(zalo.requests).toHaveLength(2);

    const admin = await signInAsAdmin(ctx.app, ctx.ds);
    const dashboard = await admin.agent.get('/admin').expect(200);
    expect(dashboard.text).toContain('href="/admin/notifications"');
    const page = await admin.agent.get('/admin/notifications').expect(200);
    const line = page.text.split('<tr class="zalo-row">').find((tr) => tr.includes(order.code))!;
    expect(line).toContain('Thất bại');
    expect(line).toContain('-115 Out of quota');
    expect(line).toContain('<td>12</td>');
    expect(line).toContain('84912345678');
    // Buyers do not see it.
    await order.buyer.agent.get('/admin/notifications').expect(403);
  });

  it('a phone without Zalo falls back to email: the event mail is there once, and a stall sale gets its first mail', async () => {
    const seller = await sellerWithPhone('0933 444 555');
    zalo.phonesWithoutZalo.add('84933444555');
    zalo.phonesWithoutZalo.add('84977000111');
    const order = await placeOrder(seller.product.id, 1, (userId) => ctx.ds.query(`UPDATE users SET phone = '0977 000 111' WHERE id = $1`, [userId]));
    expect(await drain()).toBe(1);
    const [row] = await zaloRows(order.id);
    expect(row).toMatchObject({ status: 'fallback', phone: '84977000111', last_error: '-118 Zalo account not existed' });
    // The buyer's "placed" mail: one row, whichever of the event and the fallback wrote it.
    const placed = await mailRows(`order:${order.id}:placed:buyer`);
    expect(placed).toHaveLength(1);
    expect(placed[0].to_address).toBe(order.buyer.email);

    // A stall sale sends no mail of its own: the cooperative without Zalo gets one now, with its figures.
    const till = await seller.agent.get('/seller/pos');
    const sale = await seller.agent
      .post('/seller/pos/sales')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(till.text))}&intent=sell&productId=${seller.product.id}&quantity=1`);
    const code = /(QUAY-[A-Z0-9]{6})$/.exec(sale.headers.location ?? '')![1];
    const stall = await orderOf(code);
    await ctx.container.orders.markPaid(stall.id);
    await drain();
    expect((await zaloRows(stall.id))[0].status).toBe('fallback');
    const [ownerEmail] = await ctx.ds.query(`SELECT email FROM users WHERE id = $1`, [seller.userId]);
    const mails = await mailRows(`order:${stall.id}:%`);
    expect(mails).toHaveLength(1);
    expect(mails[0].to_address).toBe(ownerEmail.email);
    expect(mails[0].subject).toBe(`[Chợ OCOP] Đã nhận tiền bán tại quầy ${code}`);
    expect(mails[0].text_body).toContain(formatVnd(125_000));
    expect(mails[0].text_body).toContain(`/seller/pos/sales/${code}`);

    // Delivered mail is the mail worker's: one message per row.
    expect(zalo.delivered.size).toBe(0);
  });

  it("the fallback mail is written in the recipient's language", async () => {
    const seller = await sellerWithPhone('0944 555 666', 'HTX Chè Shan tuyết');
    zalo.phonesWithoutZalo.add('84944555666');
    await ctx.ds.query(`UPDATE users SET language = 'en' WHERE id = $1`, [seller.userId]);
    const till = await seller.agent.get('/seller/pos');
    const sale = await seller.agent
      .post('/seller/pos/sales')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(till.text))}&intent=sell&productId=${seller.product.id}&quantity=2`);
    const code = /(QUAY-[A-Z0-9]{6})$/.exec(sale.headers.location ?? '')![1];
    const stall = await orderOf(code);
    await ctx.container.orders.markPaid(stall.id);
    await drain();
    const [mail] = await mailRows(`order:${stall.id}:%`);
    expect(mail.subject).toBe(`[Chợ OCOP] Stall sale paid ${code}`);
    expect(mail.text_body).toContain(`Hello HTX Chè Shan tuyết,`);
    expect(mail.text_body).toContain(`The customer transferred ${formatVnd(250_000)} for stall sale ${code}.`);
  });

  it("an English reader gets the event's `.en` template (the default one where there is none), a Vietnamese reader the default", async () => {
    const seller = await sellerWithPhone('0911 222 333', 'HTX Chè Shan tuyết');
    // Both switch the interface to English while signed in, which is what records users.language.
    await seller.agent.get('/lang/en').expect(303);
    const buyer = await buyerWithCart(ctx, [{ productId: seller.product.id, quantity: 2 }]);
    await buyer.agent.get('/lang/en').expect(303);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const order = await orderOf(code);
    await ctx.container.orders.markPaid(order.id);
    const page = await seller.agent.get(`/seller/orders/${code}`);
    await seller.agent
      .post(`/seller/orders/${code}/status`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), status: 'shipped', trackingNo: 'VNPOST-777' })
      .expect(303);
    expect(await drain()).toBe(4);
    const rows = await zaloRows(order.id);
    const [part] = await ctx.ds.query(`SELECT total_vnd FROM seller_orders WHERE order_id = $1`, [order.id]);
    expect(zalo.requests.map((r) => r.body)).toEqual([
      {
        phone: '84912345678',
        template_id: '2001',
        template_data: {
          order_code: code,
          customer_name: 'Người mua thử',
          amount: Number(order.total_vnd),
          order_date: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/),
        },
        tracking_id: String(rows[0].id),
      },
      {
        phone: '84912345678',
        template_id: '2002',
        template_data: { order_code: code, customer_name: 'Người mua thử', amount: Number(order.total_vnd) },
        tracking_id: String(rows[1].id),
      },
      {
        phone: '84911222333',
        template_id: '2003',
        template_data: { order_code: code, shop_name: 'HTX Chè Shan tuyết', amount: Number(part.total_vnd), item_count: 2 },
        tracking_id: String(rows[2].id),
      },
      // CASE: no order_shipped.en is configured: the English buyer still hears, on the default template.
      {
        phone: '84912345678',
        template_id: '1004',
        template_data: { order_code: code, customer_name: 'Người mua thử', shop_name: 'HTX Chè Shan tuyết', tracking_no: 'VNPOST-777' },
        tracking_id: String(rows[3].id),
      },
    ]);

    // A Vietnamese buyer of the same cooperative gets the default template.
    const vietnamese = await placeOrder(seller.product.id, 1);
    await drain();
    expect(zalo.requests.slice(4).map((r) => r.body.template_id)).toEqual(['1001']);

    // The language is read when the message is queued, as its fallback mail's is: a queued message keeps
    // the template of the language it was written in, so a message and its fallback never disagree.
    await ctx.container.orders.markPaid(vietnamese.id);
    await vietnamese.buyer.agent.get('/lang/en').expect(303);
    await drain();
    const paid = await ctx.ds.query(`SELECT template_id, fallback_subject FROM outbox_zalo WHERE order_id = $1 AND event = 'order_paid'`, [vietnamese.id]);
    expect(paid).toEqual([{ template_id: '1002', fallback_subject: `[Chợ OCOP] Đã nhận thanh toán ${vietnamese.code}` }]);
    expect(zalo.requests.at(-2)!.body.template_id).toBe('1002');
  });

  it('opt-outs: no Zalo row when Zalo is off, no mail when email is off (the fallback included)', async () => {
    const seller = await sellerWithPhone('0988 111 222');
    // Zalo off: mail only.
    const noZalo = await placeOrder(seller.product.id, 1, (userId) => ctx.ds.query(`UPDATE users SET notify_zalo = false WHERE id = $1`, [userId]));
    expect(await zaloRows(noZalo.id)).toEqual([]);
    expect(await mailRows(`order:${noZalo.id}:placed:buyer`)).toHaveLength(1);

    // Email off: Zalo only.
    const noEmail = await placeOrder(seller.product.id, 1, (userId) => ctx.ds.query(`UPDATE users SET notify_email = false WHERE id = $1`, [userId]));
    expect(await zaloRows(noEmail.id)).toHaveLength(1);
    expect(await mailRows(`order:${noEmail.id}:placed:buyer`)).toEqual([]);

    // Email off and no Zalo on the phone: the fallback does not mail either.
    zalo.phonesWithoutZalo.add('84966777888');
    const neither = await placeOrder(seller.product.id, 1, (userId) =>
      ctx.ds.query(`UPDATE users SET notify_email = false, phone = '0966777888' WHERE id = $1`, [userId]),
    );
    await drain();
    expect((await zaloRows(neither.id))[0].status).toBe('fallback');
    expect(await mailRows(`order:${neither.id}:%buyer%`)).toEqual([]);

    // The cooperative's owner turned Zalo off: its new paid order comes by mail only.
    await ctx.ds.query(`UPDATE users SET notify_zalo = false WHERE id = $1`, [seller.userId]);
    await ctx.container.orders.markPaid(noZalo.id);
    expect((await zaloRows(noZalo.id)).map((r: { event: string }) => r.event)).toEqual([]);
    expect(await mailRows(`order:${noZalo.id}:paid:seller:%`)).toHaveLength(1);
  });

  it('mail marked essential (account safety) is queued even when email notifications are off', async () => {
    const [user] = await ctx.ds.query(`INSERT INTO users (email, full_name, notify_email) VALUES ('tat-thu@example.vn', 'Tắt thư', false) RETURNING id`);
    await ctx.ds.transaction(async (manager) => {
      await enqueueEmail(manager, { dedupeKey: `test:${user.id}:news`, to: 'TAT-THU@example.vn', subject: 'Tin', text: 'Tin' });
      await enqueueEmail(manager, { dedupeKey: `test:${user.id}:reset`, to: 'tat-thu@example.vn', subject: 'Đặt lại mật khẩu', text: '…', essential: true });
    });
    expect((await mailRows(`test:${user.id}:%`)).map((m: { subject: string }) => m.subject)).toEqual(['Đặt lại mật khẩu']);
  });
});

describe('Zalo configuration', () => {
  let other: TestContext;
  afterEach(() => other?.close());

  async function oneOrder(c: TestContext) {
    const seller = await signInAsSeller(c.app, c.ds);
    await c.ds.query(`UPDATE sellers SET phone = '0987654321' WHERE id = $1`, [seller.sellerId]);
    const product = await c.factories.createProduct({ sellerId: seller.sellerId, stock: 5 });
    const buyer = await buyerWithCart(c, [{ productId: product.id, quantity: 1 }]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const [order] = await c.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);
    await c.container.orders.markPaid(order.id);
    return order.id as number;
  }

  it('an event without a template goes by email only', async () => {
    other = await createTestContext({
      env: { ZALO_ZNS_ACCESS_TOKEN: zalo.accessToken, ZALO_ZNS_API_BASE: zalo.apiBase, ZALO_ZNS_TEMPLATES: 'seller_new_order=2003' },
    });
    const orderId = await oneOrder(other);
    const rows = await other.ds.query(`SELECT event, template_id FROM outbox_zalo WHERE order_id = $1`, [orderId]);
    expect(rows).toEqual([{ event: 'seller_new_order', template_id: '2003' }]);
    await other.container.zaloWorker.drain();
    expect(zalo.requests.map((r) => r.body.template_id)).toEqual(['2003']);
    expect(await other.ds.query(`SELECT 1 FROM outbox_emails WHERE dedupe_key = $1`, [`order:${orderId}:placed:buyer`])).toHaveLength(1);
  });

  it('without ZALO_ZNS_ACCESS_TOKEN (empty counts as unset) nothing is queued for Zalo and the admin page says so', async () => {
    other = await createTestContext({ env: { ZALO_ZNS_ACCESS_TOKEN: '', ZALO_ZNS_API_BASE: zalo.apiBase, ZALO_ZNS_TEMPLATES: TEMPLATES } });
    expect(other.config.zalo).toBeNull();
    await oneOrder(other);
    expect(await other.ds.query(`SELECT 1 FROM outbox_zalo`)).toEqual([]);
    expect(await other.container.zaloWorker.drain()).toBe(0);
    expect(zalo.requests).toEqual([]);
    const admin = await signInAsAdmin(other.app, other.ds);
    const page = await admin.agent.get('/admin/notifications').expect(200);
    expect(page.text).toContain('Zalo ZNS đang tắt');
  });

  it('the API base defaults to Zalo, and a malformed template list stops the boot with its reason', async () => {
    expect(loadConfig({ NODE_ENV: 'test', ZALO_ZNS_ACCESS_TOKEN: 't' }).zalo).toEqual({
      accessToken: 't',
      apiBase: 'https://business.openapi.zalo.me',
      templates: {},
      englishTemplates: {},
    });
    expect(() => loadConfig({ NODE_ENV: 'test', ZALO_ZNS_ACCESS_TOKEN: 't', ZALO_ZNS_TEMPLATES: 'order_lost=1' })).toThrow(/ZALO_ZNS_TEMPLATES/);
  });
});
