import request from 'supertest';
import { createAccount, signIn, signInAsSeller } from '../../helpers/auth';
import { countQueries } from '../../helpers/queries';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const languageOf = async (userId: number) => (await ctx.ds.query(`SELECT language FROM users WHERE id = $1`, [userId]))[0].language as string;
const mailsOf = (orderId: number) =>
  ctx.ds.query(`SELECT dedupe_key, to_address, subject, text_body FROM outbox_emails WHERE dedupe_key LIKE $1 ORDER BY dedupe_key`, [
    `order:${orderId}:%`,
  ]) as Promise<{ dedupe_key: string; to_address: string; subject: string; text_body: string }[]>;

describe("the account's language", () => {
  it('is Vietnamese for a new account; switching while signed in stores it and /account shows it; a visitor without an account writes nothing', async () => {
    const account = await createAccount(ctx.ds, { role: 'buyer' });
    expect(await languageOf(account.id)).toBe('vi');
    const agent = await signIn(ctx.app, account.email);
    expect((await agent.get('/account')).text).toContain('<dt>Ngôn ngữ</dt><dd>Tiếng Việt');

    const switched = await agent.get('/lang/en?next=/account');
    expect(switched.status).toBe(303);
    expect(switched.headers.location).toBe('/account');
    expect(switched.get('Set-Cookie')?.join(';')).toContain('lang=en');
    expect(await languageOf(account.id)).toBe('en');
    const page = await agent.get('/account');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('<dt>Language</dt><dd>English');

    await agent.get('/lang/vi?next=/account').expect(303);
    expect(await languageOf(account.id)).toBe('vi');

    // Signed out: the cookie only, no session, no write.
    const before = await ctx.ds.query(`SELECT count(*)::int AS n FROM sessions`);
    const anonymous = await request(ctx.app).get('/lang/en?next=/').expect(303);
    expect(anonymous.get('Set-Cookie')?.join(';')).toContain('lang=en');
    expect(anonymous.get('Set-Cookie')?.join(';')).not.toContain('cho.sid');
    expect(await ctx.ds.query(`SELECT count(*)::int AS n FROM sessions`)).toEqual(before);
  });
});

describe('the language chosen before signing in', () => {
  it('becomes the account’s when the visitor registers or signs in; without a choice the account keeps its own', async () => {
    const agent = request.agent(ctx.app);
    await agent.get('/lang/en?next=/register').expect(303);
    const form = await agent.get('/register');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const email = `english${Date.now()}@example.vn`;
    const res = await agent
      .post('/register')
      .type('form')
      .send({ _csrf: token, fullName: 'Anna Smith', email, password: 'Ruong-bac-thang-2026', phone: '0987 654 321' });
    expect(res.status).toBe(303);
    const [{ id, language }] = await ctx.ds.query(`SELECT id, language FROM users WHERE email = $1`, [email]);
    expect(language).toBe('en');

    // Signing in again from a browser set to Vietnamese makes the account Vietnamese; a browser with no choice changes nothing.
    const viAgent = request.agent(ctx.app);
    viAgent.jar.setCookie('lang=vi; Path=/');
    const login = await viAgent.get('/login');
    await viAgent
      .post('/login')
      .type('form')
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(login.text)![1], email, password: 'Ruong-bac-thang-2026' })
      .expect(303);
    expect(await languageOf(id)).toBe('vi');
    await ctx.ds.query(`UPDATE users SET language = 'en' WHERE id = $1`, [id]);
    await signIn(ctx.app, email);
    expect(await languageOf(id)).toBe('en');
  });
});

describe('order mail in the recipient’s language', () => {
  it('an English buyer gets English mail; the Vietnamese cooperative gets its mail in Vietnamese, whatever the buyer reads', async () => {
    const seller = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Chè Shan tuyết Suối Giàng' });
    const product = await ctx.factories.createProduct({ sellerId: seller.sellerId, name: 'Chè Shan tuyết', stock: 5 });
    const buyer = await buyerWithCart(ctx, [{ productId: product.id, quantity: 1 }]);
    await buyer.agent.get('/lang/en?next=/cart').expect(303);
    let placed!: Awaited<ReturnType<typeof checkout>>;
    const sql = await countQueries(ctx.ds, async () => (placed = await checkout(buyer.agent)));
    const code = orderCodeFrom(placed);
    // The buyer's language comes with the order's facts the mail is written from, not in a read of its own.
    expect(sql.filter((q) => /SELECT u\.language FROM orders/.test(q))).toEqual([]);
    const [{ id: orderId }] = await ctx.ds.query(`SELECT id FROM orders WHERE code = $1`, [code]);

    const [toBuyer, toSeller] = await mailsOf(orderId);
    expect(toBuyer.dedupe_key).toBe(`order:${orderId}:placed:buyer`);
    expect(toBuyer.subject).toBe(`[Chợ OCOP] Order received ${code}`);
    expect(toBuyer.text_body).toContain('Hello Người mua thử,');
    expect(toBuyer.text_body).toContain('Chợ OCOP has received your order.');
    expect(toBuyer.text_body).toContain(`Order: ${code}`);
    expect(toBuyer.text_body).toMatch(/Total: [\d.]+\u00a0₫/);
    expect(toBuyer.text_body).toContain(`View your order: ${ctx.config.publicUrl}/orders/${code}`);
    expect(toBuyer.text_body).not.toMatch(/Xin chào|Mã đơn|Tổng tiền|Xem đơn/);

    expect(toSeller.dedupe_key).toMatch(new RegExp(`^order:${orderId}:placed:seller:`));
    expect(toSeller.subject).toBe(`[Chợ OCOP] Đã nhận đơn hàng ${code} — HTX Chè Shan tuyết Suối Giàng`);
    expect(toSeller.text_body).toContain('Có đơn hàng mới đang chờ người mua thanh toán.');

    // Paid and shipped: the buyer's next mails are English too.
    await ctx.container.orders.markPaid(orderId);
    const [{ owner }] = await ctx.ds.query(`SELECT owner_user_id AS owner FROM sellers WHERE id = $1`, [seller.sellerId]);
    await ctx.container.orders.updateSellerOrder({ id: owner, role: 'seller' }, code, { status: 'shipped', trackingNo: 'VN987654' });
    const mails = await mailsOf(orderId);
    const paid = mails.find((m) => m.dedupe_key === `order:${orderId}:paid:buyer`)!;
    expect(paid.subject).toBe(`[Chợ OCOP] Payment received ${code}`);
    const shipped = mails.find((m) => m.dedupe_key.startsWith(`order:${orderId}:shipped:buyer`))!;
    expect(shipped.subject).toBe(`[Chợ OCOP] Your order is on its way ${code}`);
    expect(shipped.text_body).toContain('Tracking number: VN987654');
    const sellerPaid = mails.find((m) => m.dedupe_key.startsWith(`order:${orderId}:paid:seller`))!;
    expect(sellerPaid.text_body).toContain('Người mua đã thanh toán: vui lòng chuẩn bị và gửi hàng.');
  });
});
