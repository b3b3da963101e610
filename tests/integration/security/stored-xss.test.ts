import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, csrfToken, signInAsAdmin, TEST_PASSWORD } from '../../helpers/auth';
import { png } from '../../helpers/images';
import { verifyOcopForm } from '../../helpers/moderation';
import { parseCsv } from '../../helpers/sales';
import { activeContent, hostileText, pageShows, shortHostileText } from '../../helpers/security';
import { addToCart, orderCodeFrom, pageToken } from '../../helpers/shopping';

/**
 * Every text a user can enter goes in through the real forms carrying markup, script, quotes and a
 * spreadsheet formula; every page that shows it (public, buyer, seller area, back office) must show
 * it as text, and every CSV must neutralise the formula.
 */

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  admin = (await signInAsAdmin(ctx.app, ctx.ds)).agent;
});
afterAll(() => ctx.close());

// Each field gets its own tag, so a page showing one field's text cannot pass for another's.
const T = {
  ownerName: hostileText('XOWNR1', '@'),
  coopName: hostileText('XCOOP1', '='),
  coopAddress: hostileText('XADDR1', '+'),
  coopDescription: hostileText('XDESC1', '-'),
  rejectReason: hostileText('XREJC1', '='),
  approveReason: hostileText('XAPPR1', '+'),
  productName: hostileText('XPNAM1', '='),
  productDescription: hostileText('XPDES1', '+'),
  unit: shortHostileText('XUNIT1'),
  certificate: hostileText('XCERT1', '-'),
  stockNote: hostileText('XSNOT1', '-'),
  verifyReason: hostileText('XVERI1', '@'),
  buyerName: hostileText('XBUYR1', '='),
  recipient: hostileText('XRCPT1', '+'),
  commune: hostileText('XCOMM1', '@'),
  street: hostileText('XSTRT1', '-'),
  note: hostileText('XNOTE1', '='),
  markPaidReference: hostileText('XMPRF1', '+'),
  tracking: shortHostileText('XTRAK1'),
  hideReason: hostileText('XHIDE1', '-'),
  refundReason: hostileText('XRFND1', '='),
};

const state = {
  sellerAgent: undefined as unknown as request.Agent,
  sellerId: 0,
  sellerSlug: '',
  rejectedAgent: undefined as unknown as request.Agent,
  productId: 0,
  productSlug: '',
  buyer: undefined as unknown as request.Agent,
  code: '',
};
const problems: string[] = [];
beforeEach(() => {
  problems.length = 0;
});

/** Opens the page as this agent and records anything unsafe, and any expected text it does not show. */
async function inspect(agent: request.Agent | request.SuperTest<request.Test>, path: string, shows: (keyof typeof T)[]): Promise<string> {
  const res = await agent.get(path);
  if (res.status !== 200) problems.push(`${path}: status ${res.status}`);
  for (const found of activeContent(res.text)) problems.push(`${path}: ${found}`);
  for (const key of shows) if (!pageShows(res.text, T[key])) problems.push(`${path}: does not show ${key}`);
  return res.text;
}

function applicationBody(overrides: Record<string, string>) {
  return {
    fullName: 'Giàng A Páo',
    email: `htx${Math.floor(Math.random() * 1e9)}@example.vn`,
    phone: '0987654321',
    password: TEST_PASSWORD,
    cooperativeName: 'HTX Thường',
    type: 'htx',
    commune: 'Phường Sa Pa',
    address: 'Thôn 1',
    description: 'Chè',
    ...overrides,
  };
}

async function applyAsCooperative(body: Record<string, string>): Promise<{ agent: request.Agent; sellerId: number; slug: string }> {
  const agent = request.agent(ctx.app);
  // The token first: an agent attaches its cookies when the request is created.
  const token = await csrfToken(agent, '/sellers/apply');
  const res = await agent
    .post('/sellers/apply')
    .type('form')
    .send({ _csrf: token, ...body });
  expect(res.status).toBe(303);
  const [seller] = await ctx.ds.query(`SELECT s.id, s.slug FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE u.email = $1`, [body.email]);
  return { agent, sellerId: seller.id, slug: seller.slug };
}

async function decide(sellerId: number, decision: string, reason: string) {
  const token = csrfFrom((await admin.get(`/admin/sellers/${sellerId}`)).text);
  return admin.post(`/admin/sellers/${sellerId}/${decision}`).type('form').send({ _csrf: token, reason });
}

describe('stored text is shown as text everywhere', () => {
  it('enters hostile text through every form: application, moderation, product, stock, registration, checkout, payment, shipping', async () => {
    // A cooperative applies; the admin approves it with a reason. A second one is rejected with a reason.
    const a = await applyAsCooperative(
      applicationBody({ fullName: T.ownerName, cooperativeName: T.coopName, address: T.coopAddress, description: T.coopDescription }),
    );
    Object.assign(state, { sellerAgent: a.agent, sellerId: a.sellerId, sellerSlug: a.slug });
    expect((await decide(a.sellerId, 'approve', T.approveReason)).status).toBe(303);
    const b = await applyAsCooperative(applicationBody({ cooperativeName: 'HTX Bị từ chối' }));
    state.rejectedAgent = b.agent;
    expect((await decide(b.sellerId, 'reject', T.rejectReason)).status).toBe(303);

    // The cooperative lists a product with a photo, publishes it and restocks with a note.
    const seller = state.sellerAgent;
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    const newForm = csrfFrom((await seller.get('/seller/products/new')).text);
    const created = await seller
      .post('/seller/products/new')
      .type('form')
      .send({
        _csrf: newForm,
        name: T.productName,
        categoryId: String(categoryId),
        description: T.productDescription,
        priceVnd: '150.000',
        unit: T.unit,
        weightGrams: '400',
        stock: '20',
        lowStockThreshold: '5',
        ocopStars: '4',
        ocopCertificateNo: T.certificate,
        ocopDecisionDate: '2025-05-10',
      });
    expect(created.status).toBe(303);
    state.productId = Number(/\/seller\/products\/(\d+)/.exec(created.headers.location)![1]);
    const token = csrfFrom((await seller.get(`/seller/products/${state.productId}`)).text);
    const photo = await seller
      .post(`/seller/products/${state.productId}/images`)
      .field('_csrf', token)
      .attach('images', await png(500, 500), 'anh.png');
    expect(photo.status).toBe(303);
    expect((await seller.post(`/seller/products/${state.productId}/publish`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(
      (await seller.post(`/seller/products/${state.productId}/stock`).type('form').send({ _csrf: token, delta: '5', reason: 'restock', note: T.stockNote }))
        .status,
    ).toBe(303);
    state.productSlug = (await ctx.ds.query(`SELECT slug FROM products WHERE id = $1`, [state.productId]))[0].slug;

    // The admin verifies the OCOP claim with a note.
    const list = await admin.get('/admin/products');
    expect(
      (
        await admin
          .post(`/admin/products/${state.productId}/verify-ocop`)
          .type('form')
          .send({ ...verifyOcopForm(list.text, state.productId), reason: T.verifyReason })
      ).status,
    ).toBe(303);

    // A buyer registers, fills the cart and checks out to an address outside Lào Cai (free-text commune).
    const buyer = request.agent(ctx.app);
    const email = `buyer${Math.floor(Math.random() * 1e9)}@example.vn`;
    const registerForm = await csrfToken(buyer, '/register');
    const reg = await buyer
      .post('/register')
      .type('form')
      .send({ _csrf: registerForm, fullName: T.buyerName, email, password: TEST_PASSWORD, phone: '0912345678' });
    expect(reg.status).toBe(303);
    expect((await addToCart(buyer, state.productId, 2)).status).toBe(303);
    const checkoutForm = await pageToken(buyer);
    const order = await buyer.post('/checkout').type('form').send({
      _csrf: checkoutForm,
      recipientName: T.recipient,
      phone: '0912345678',
      province: 'Thành phố Hà Nội',
      commune: T.commune,
      street: T.street,
      note: T.note,
      paymentMethod: 'vietqr',
    });
    expect(order.status).toBe(303);
    Object.assign(state, { buyer, code: orderCodeFrom(order) });
    // Something in the cart again, so the cart page shows the product too.
    expect((await addToCart(buyer, state.productId, 1)).status).toBe(303);

    // The admin records the bank transfer with a reference; the cooperative ships with a tracking number.
    const adminOrder = await admin.get(`/admin/orders/${state.code}`);
    expect(
      (
        await admin
          .post(`/admin/orders/${state.code}/mark-paid`)
          .type('form')
          .send({ _csrf: csrfFrom(adminOrder.text), reference: T.markPaidReference })
      ).status,
    ).toBe(303);
    const part = await seller.get(`/seller/orders/${state.code}`);
    expect(
      (
        await seller
          .post(`/seller/orders/${state.code}/status`)
          .type('form')
          .send({ _csrf: csrfFrom(part.text), status: 'shipped', trackingNo: T.tracking })
      ).status,
    ).toBe(303);

    // Stored exactly as typed (escaping is the page's job, not the database's).
    const [row] = await ctx.ds.query(`SELECT name, description, unit FROM products WHERE id = $1`, [state.productId]);
    expect(row).toEqual({ name: T.productName, description: T.productDescription, unit: T.unit });
  });

  it('public pages: home, listing, search, product, storefront', async () => {
    const guest = request(ctx.app);
    await inspect(guest, '/', ['productName']);
    await inspect(guest, '/products', ['productName']);
    await inspect(guest, `/products?q=${encodeURIComponent('XPNAM1')}`, ['productName']);
    await inspect(guest, `/products?q=${encodeURIComponent(T.productName.slice(0, 90))}`, []);
    const product = await inspect(guest, `/products/${state.productSlug}`, ['productName', 'productDescription', 'unit', 'coopName']);
    // The JSON-LD block carries the name too, with "<" escaped so it cannot close the script element.
    const jsonLd = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(product);
    if (jsonLd) {
      expect(jsonLd[1]).not.toContain('<');
      expect(JSON.stringify(JSON.parse(jsonLd[1]))).toContain('XPNAM1');
    }
    await inspect(guest, `/sellers/${state.sellerSlug}`, ['coopName', 'coopAddress', 'coopDescription', 'productName']);
    const api = await guest.get(`/api/v1/products/${state.productSlug}`);
    expect(api.headers['content-type']).toMatch(/^application\/json/);
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.body.name ?? api.body.product?.name).toBe(T.productName);
    expect(problems).toEqual([]);
  });

  it("the buyer's pages: cart, order, account", async () => {
    await inspect(state.buyer, '/cart', ['productName', 'coopName']);
    await inspect(state.buyer, `/orders/${state.code}`, ['productName', 'coopName', 'recipient', 'commune', 'street', 'note', 'tracking']);
    await inspect(state.buyer, '/account', ['buyerName']);
    expect(problems).toEqual([]);
  });

  it("the seller area: dashboard, products, product, edit form, orders, order, application; a rejected cooperative's reason", async () => {
    const seller = state.sellerAgent;
    await inspect(seller, '/seller', ['coopName']);
    await inspect(seller, '/seller/products', ['productName']);
    await inspect(seller, `/seller/products/${state.productId}`, ['productName', 'stockNote']);
    await inspect(seller, `/seller/products/${state.productId}/edit`, ['productName', 'productDescription', 'unit', 'certificate']);
    await inspect(seller, '/seller/orders', ['recipient']);
    await inspect(seller, `/seller/orders/${state.code}`, ['productName', 'recipient', 'commune', 'street', 'note', 'tracking']);
    await inspect(seller, '/seller/application', ['coopName', 'coopAddress', 'coopDescription']);
    await inspect(seller, '/seller/payouts', []);
    await inspect(state.rejectedAgent, '/seller', ['rejectReason']);
    await inspect(state.rejectedAgent, '/seller/application', ['rejectReason']);
    expect(problems).toEqual([]);
  });

  it('the back office: dashboard, cooperatives, products, orders, order, audit log, payouts, reports', async () => {
    await inspect(admin, '/admin', []);
    await inspect(admin, '/admin/sellers', ['coopName']);
    await inspect(admin, `/admin/sellers/${state.sellerId}`, ['coopName', 'coopAddress', 'coopDescription', 'ownerName', 'approveReason']);
    await inspect(admin, '/admin/products', ['productName', 'coopName']);
    await inspect(admin, '/admin/orders', ['buyerName', 'coopName']);
    await inspect(admin, `/admin/orders/${state.code}`, ['productName', 'coopName', 'recipient', 'commune', 'street', 'markPaidReference', 'tracking', 'note']);
    await inspect(admin, '/admin/audit', ['approveReason', 'rejectReason', 'verifyReason', 'markPaidReference']);
    await inspect(admin, '/admin/payouts', ['coopName']);
    await inspect(admin, `/admin/payouts/${state.sellerId}`, ['coopName']);
    await inspect(admin, '/admin/reports', []);
    expect(problems).toEqual([]);
  });

  it('a hidden product shows the reason to its cooperative; a refund shows its reason to admins', async () => {
    const list = await admin.get('/admin/products');
    expect(
      (
        await admin
          .post(`/admin/products/${state.productId}/hide`)
          .type('form')
          .send({ _csrf: csrfFrom(list.text), reason: T.hideReason })
      ).status,
    ).toBe(303);
    await inspect(state.sellerAgent, '/seller/products', ['hideReason']);
    await inspect(state.sellerAgent, `/seller/products/${state.productId}`, ['hideReason']);
    await inspect(admin, '/admin/products', ['hideReason']);
    await inspect(admin, '/admin/audit', ['hideReason']);
    const page = await admin.get(`/admin/orders/${state.code}`);
    expect(
      (
        await admin
          .post(`/admin/orders/${state.code}/refund`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), reason: T.refundReason })
      ).status,
    ).toBe(303);
    await inspect(admin, `/admin/orders/${state.code}`, ['refundReason']);
    await inspect(admin, '/admin/audit', ['refundReason']);
    expect(problems).toEqual([]);
  });

  it('CSV exports: hostile text is one cell, a formula-looking cell starts with an apostrophe', async () => {
    const formulaLike = (cell: string) => /^[=+@\t\r]/.test(cell) || /^-(?!\d+$)/.test(cell);
    const downloads: [request.Agent, string][] = [
      [admin, '/admin/orders.csv'],
      [state.sellerAgent, `/seller/products/${state.productId}/stock.csv`],
      ...['products-by-group', 'products-by-stars', 'products-by-commune', 'sales-by-commune', 'sales-by-stars', 'cooperatives'].map(
        (table) => [admin, `/admin/reports.csv?table=${table}`] as [request.Agent, string],
      ),
    ];
    const cells: string[] = [];
    for (const [agent, path] of downloads) {
      const res = await agent
        .get(path)
        .buffer(true)
        .parse((r, cb) => {
          let data = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (data += c));
          r.on('end', () => cb(null, data));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/^attachment/);
      const rows = parseCsv((res.body as string).replace(/^\uFEFF/, ''));
      const header = rows[0].length;
      for (const row of rows) expect(row).toHaveLength(header);
      for (const cell of rows.flat()) {
        cells.push(cell);
        if (formulaLike(cell)) problems.push(`${path}: formula-looking cell ${JSON.stringify(cell)}`);
      }
    }
    // The texts are there, whole, behind the apostrophe.
    for (const key of ['buyerName', 'stockNote'] as const) expect(cells).toContain(`'${T[key]}`);
    expect(cells.some((c) => c.startsWith(`'${T.coopName}`))).toBe(true);
    expect(problems).toEqual([]);
  });
});
