import request from 'supertest';
import { createAccount, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { backdateOrder, decodeHtml, placeOrder, placePaidOrder, type PlacedOrder } from '../../helpers/sales';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { formatDate, todayInVietnam } from '../../../server/lib/dates';
import { formatVnd } from '../../../server/lib/money';
import { addIsoDays } from '../../../server/modules/reports';

const BANK_SECRET = 'bank-feed-secret-dashboard';
const SHIPPING = 30000;
const EVIL = '<script>alert("xã")</script>';

let ctx: TestContext;
let admin: request.Agent;
let adminId: number;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: BANK_SECRET } });
  ({ agent: admin, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds));
});
afterAll(() => ctx.close());

/** A figure on the page, by the id of its <dd>, as the reader sees it. */
function figure(html: string, id: string): string {
  const match = new RegExp(`<dd id="${id}">([^<]*)</dd>`).exec(html);
  if (!match) throw new Error(`no figure #${id}`);
  return decodeHtml(match[1]);
}

const orderRow = async (o: PlacedOrder) => (await ctx.ds.query(`SELECT * FROM orders WHERE id = $1`, [o.id]))[0];
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const sendBank = (body: object) => sendBankTransfer(ctx.app, BANK_SECRET, body);

describe('GET /admin — the dashboard', () => {
  /** What each order adds to the collected revenue: total − refunded, by when it was paid. */
  const expected = { today: { placed: 0, paid: 0, collected: 0 }, '7d': { placed: 0, paid: 0, collected: 0 }, '30d': { placed: 0, paid: 0, collected: 0 } };
  const count = (windows: (keyof typeof expected)[], placed: boolean, paid: boolean, collected = 0) => {
    for (const w of windows) {
      if (placed) expected[w].placed++;
      if (paid) expected[w].paid++;
      expected[w].collected += collected;
    }
  };
  let html = '';

  beforeAll(async () => {
    const { factories } = ctx;
    const banHo = await factories.createSeller({ commune: 'Xã Bản Hồ' });
    const evil = await factories.createSeller({ commune: EVIL });
    await factories.createSeller({ status: 'pending' });
    await factories.createSeller({ status: 'pending' });
    await factories.createSeller({ status: 'rejected' });
    const honey = await factories.createProduct({ sellerId: banHo.id, priceVnd: 200000, ocopStars: 5, stock: 50 });
    const brocade = await factories.createProduct({ sellerId: evil.id, priceVnd: 50000, stock: 50 });
    const all = ['today', '7d', '30d'] as const;

    // Two cooperatives: goods 300.000 + two shipping fees.
    await placePaidOrder(ctx, [
      { productId: honey.id, quantity: 1 },
      { productId: brocade.id, quantity: 2 },
    ]);
    count([...all], true, true, 200000 + 100000 + 2 * SHIPPING);

    // Paid, then refunded in full by an admin: paid, but nothing collected.
    const refunded = await placePaidOrder(ctx, [{ productId: honey.id, quantity: 1 }]);
    await ctx.container.refunds.refundOrder({ id: adminId, role: 'admin' }, refunded.code, 'Khách đổi ý');
    expect((await orderRow(refunded)).status).toBe('refunded');
    count([...all], true, true, 0);

    // Never paid; a bank transfer for too little puts it under review.
    const unpaid = await placeOrder(ctx, [{ productId: brocade.id, quantity: 1 }]);
    await sendBank(bankTransfer(unpaid.code, 1000)).expect(200);
    expect((await orderRow(unpaid)).needs_review).toBe(true);
    count([...all], true, false);

    // Money nobody can match to an order.
    await sendBank(bankTransfer('ung ho khong ro noi dung', 77000)).expect(200);

    // Paid; the second cooperative cancels its part, and its goods and shipping go back to the buyer.
    const partly = await placePaidOrder(ctx, [
      { productId: honey.id, quantity: 1 },
      { productId: brocade.id, quantity: 1 },
    ]);
    await ctx.container.orders.updateSellerOrder({ id: evil.ownerUserId, role: 'seller' }, partly.code, { status: 'cancelled' });
    expect((await orderRow(partly)).refunded_amount_vnd).toBe(50000 + SHIPPING);
    count([...all], true, true, 200000 + 50000 + 2 * SHIPPING - (50000 + SHIPPING));

    const threeDaysAgo = await placePaidOrder(ctx, [{ productId: honey.id, quantity: 1 }]);
    await backdateOrder(ctx, threeDaysAgo.id, daysAgo(3));
    count(['7d', '30d'], true, true, 200000 + SHIPPING);

    const twentyDaysAgo = await placePaidOrder(ctx, [{ productId: brocade.id, quantity: 1 }]);
    await backdateOrder(ctx, twentyDaysAgo.id, daysAgo(20));
    count(['30d'], true, true, 50000 + SHIPPING);

    const fortyDaysAgo = await placePaidOrder(ctx, [{ productId: honey.id, quantity: 3 }]);
    await backdateOrder(ctx, fortyDaysAgo.id, daysAgo(40));

    const res = await admin.get('/admin');
    expect(res.status).toBe(200);
    html = res.text;
  });

  it('shows orders placed, orders paid and collected revenue for today, 7 and 30 days, equal to the orders made here', async () => {
    // Cross-check the definition against the database itself.
    const [db] = await ctx.ds.query(
      `SELECT sum(total_vnd - refunded_amount_vnd)::int AS collected FROM orders WHERE status IN ('paid', 'completed', 'refunded') AND paid_at >= now() - interval '30 days'`,
    );
    expect(db.collected).toBe(expected['30d'].collected);
    expect(expected.today.collected).toBe(360000 + 0 + 230000);

    const today = todayInVietnam(new Date());
    for (const key of ['today', '7d', '30d'] as const) {
      expect({ placed: figure(html, `${key}-placed`), paid: figure(html, `${key}-paid`), collected: figure(html, `${key}-collected`) }).toEqual({
        placed: String(expected[key].placed),
        paid: String(expected[key].paid),
        collected: formatVnd(expected[key].collected),
      });
    }
    expect(html).toContain(`id="window-today">\n<h3>Hôm nay <span class="muted">${formatDate(today)}</span></h3>`);
    expect(html).toContain(`<h3>7 ngày qua <span class="muted">${formatDate(addIsoDays(today, -6))} – ${formatDate(today)}</span></h3>`);
    expect(html).toContain(`<h3>30 ngày qua <span class="muted">${formatDate(addIsoDays(today, -29))} – ${formatDate(today)}</span></h3>`);
    // The definition is written on the page.
    expect(html).toContain('doanh thu thực thu = tổng tiền đơn (tiền hàng và phí giao hàng) trừ số tiền đã hoàn cho người mua');
  });

  it('counts cooperatives waiting for approval and payments to review', () => {
    expect(html).toMatch(/id="pending-sellers" href="\/admin\/sellers\?status=pending"><strong>2<\/strong> hồ sơ hợp tác xã chờ duyệt/);
    expect(html).toMatch(/id="flagged-payments" href="\/admin\/orders\?flagged=1"><strong>2<\/strong> thanh toán cần xem xét/);
    expect(html).toContain('(1 đơn cần xem xét · 1 khoản tiền chưa khớp đơn)');
  });

  it('draws the three charts as accessible SVG with the right values', () => {
    const svgs = (html.match(/<svg [\s\S]*?<\/svg>/g) ?? []).filter((svg) => svg.includes('class="chart'));
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) {
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/aria-label="[^"]+"/);
      expect(svg).toMatch(/<title>[^<]+<\/title>/);
      expect(svg).toContain('viewBox="0 0 320 ');
    }
    const [daily, stars, communes] = svgs;
    expect(daily).toContain(`<title>${formatDate(todayInVietnam(new Date()))}: ${formatVnd(expected.today.collected)}</title>`);
    expect(daily).toContain(`Tổng: ${formatVnd(expected['30d'].collected)}`);
    // Sales (paid parts, not cancelled, order not refunded): honey in 3 orders, brocade in 2.
    expect(stars).toContain('5 sao: 3 đơn');
    expect(stars).toContain('Không sao: 2 đơn');
    expect(communes).toContain(`Xã Bản Hồ: ${formatVnd(3 * 200000)}`);
  });

  it('escapes a commune named like a script inside the SVG', () => {
    expect(html).not.toContain(EVIL);
    // The layout's own enhancement script aside, no script element anywhere.
    expect(html.replace('<script src="/js/app.js" defer></script>', '')).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;xã&quot;)&lt;/script&gt;');
    expect(html).toContain(`&lt;script&gt;alert(&quot;xã&quot;)&lt;/script&gt;: ${formatVnd(150000)}`);
  });

  it('keeps the ways into the rest of the back office', () => {
    expect(html).toContain('<h1>Quản trị Chợ OCOP</h1>');
    for (const href of ['/admin/sellers', '/admin/products', '/admin/orders', '/admin/audit', '/admin/reports']) {
      expect(html).toContain(`href="${href}"`);
    }
  });

  it('shows “Chưa có dữ liệu” charts on a fresh marketplace instead of failing', async () => {
    const fresh = await createTestContext();
    try {
      const { agent } = await signInAsAdmin(fresh.app, fresh.ds);
      const res = await agent.get('/admin');
      expect(res.status).toBe(200);
      expect(res.text.match(/<svg [^>]*class="chart chart-empty"[^>]*aria-label="[^"]*: Chưa có dữ liệu"/g)).toHaveLength(3);
      expect(['30d-placed', '30d-paid', '30d-collected'].map((id) => figure(res.text, id))).toEqual(['0', '0', formatVnd(0)]);
    } finally {
      await fresh.close();
    }
  });
});

describe('who may open the dashboard', () => {
  it('sends a signed-out visitor to login, and answers 403 to a buyer and a cooperative', async () => {
    const out = await request(ctx.app).get('/admin');
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('/login?next=%2Fadmin');

    const buyer = await createAccount(ctx.ds, { role: 'buyer' });
    const buyerAgent = await signIn(ctx.app, buyer.email);
    const forbidden = await buyerAgent.get('/admin');
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain('Không có quyền truy cập');
    expect(forbidden.text).not.toContain('class="chart');

    const { agent: seller } = await signInAsSeller(ctx.app, ctx.ds);
    expect((await seller.get('/admin')).status).toBe(403);
  });

  it('checks the actor in the service too', async () => {
    await expect(ctx.container.reports.dashboard({ id: 1, role: 'seller' })).rejects.toMatchObject({ status: 403 });
  });
});
