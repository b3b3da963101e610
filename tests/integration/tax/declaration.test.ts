import request from 'supertest';
import { agentWithSession, createAccount, csrfFrom, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { decodeHtml, parseCsv, tableRows } from '../../helpers/sales';
import { buyerWithCart, checkout, orderCodeFrom } from '../../helpers/shopping';
import { insertWithholding, sellerOrderOf } from '../../helpers/tax-rows';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { formatVnd } from '../../../server/lib/money';

// 15/11/2026 10:00 in Vietnam: October is the month to declare, November is running.
const NOW = new Date('2026-11-15T03:00:00Z');
const OCT = '2026-10-01';
const NOV = '2026-11-01';

let ctx: TestContext;
let admin: request.Agent;
let adminId: number;
const sellers: Record<'household' | 'group' | 'noId' | 'coop', { id: number; name: string }> = {} as never;

beforeAll(async () => {
  ctx = await createTestContext({ now: NOW });
  ({ agent: admin, id: adminId } = await signInAsAdmin(ctx.app, ctx.ds));
  const make = async (key: keyof typeof sellers, name: string, type: 'ho_san_xuat' | 'to_hop_tac' | 'htx', commune: string) => {
    sellers[key] = await ctx.factories.createSeller({ name, type, commune });
  };
  await make('household', 'Hộ Sùng Thị Mai', 'ho_san_xuat', 'Xã Bản Hồ');
  await make('group', 'Tổ hợp tác chè Suối Giàng', 'to_hop_tac', 'Xã Suối Giàng');
  await make('noId', 'Hộ Lò Văn Pao', 'ho_san_xuat', 'Xã Mường Hum');
  await make('coop', 'HTX Ong mật Lương Thịnh', 'htx', 'Xã Lương Thịnh');
  await ctx.ds.query(`UPDATE sellers SET citizen_id = '001234567890' WHERE id = $1`, [sellers.household.id]);
  await ctx.ds.query(`UPDATE sellers SET tax_code = '0101234567' WHERE id = $1`, [sellers.group.id]);

  // October: the household's part of 3 × 200.000 ₫ + 30.000 ₫ shipping, the group's 1.234.567 ₫ of goods.
  const householdPart = await sellerOrderOf(ctx, sellers.household.id);
  await insertWithholding(ctx.ds, { sellerOrderId: householdPart, sellerId: sellers.household.id, period: OCT, goods: 600_000, transport: 30_000 });
  const groupPart = await sellerOrderOf(ctx, sellers.group.id);
  await insertWithholding(ctx.ds, { sellerOrderId: groupPart, sellerId: sellers.group.id, period: OCT, goods: 1_234_567 });
  // An October part refunded in October: nets to zero in October.
  const refundedSameMonth = await sellerOrderOf(ctx, sellers.group.id);
  await insertWithholding(ctx.ds, { sellerOrderId: refundedSameMonth, sellerId: sellers.group.id, period: OCT, goods: 500_000 });
  await insertWithholding(ctx.ds, { sellerOrderId: refundedSameMonth, sellerId: sellers.group.id, period: OCT, entry: 'reversal', goods: 500_000 });
  // A September part of the household refunded in October: an adjustment of October.
  const septemberPart = await sellerOrderOf(ctx, sellers.household.id);
  await insertWithholding(ctx.ds, { sellerOrderId: septemberPart, sellerId: sellers.household.id, period: '2026-09-01', goods: 200_000 });
  await insertWithholding(ctx.ds, { sellerOrderId: septemberPart, sellerId: sellers.household.id, period: OCT, entry: 'reversal', goods: 200_000 });
  // The household without identification sold in October too.
  const noIdPart = await sellerOrderOf(ctx, sellers.noId.id);
  await insertWithholding(ctx.ds, { sellerOrderId: noIdPart, sellerId: sellers.noId.id, period: OCT, goods: 100_000 });
});
afterAll(() => ctx.close());

/** GET a CSV as raw bytes, so the BOM is seen exactly as a spreadsheet would. */
function getBytes(agent: request.Agent, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

const v = (n: number) => formatVnd(n);

describe('GET /admin/tax: the monthly declaration', () => {
  it('shows one row per withheld seller with identification, revenue, tax and adjustments, and the totals', async () => {
    const res = await admin.get('/admin/tax?month=2026-10');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Kê khai thuế khấu trừ tháng 10/2026');
    const rows = tableRows(res.text, 'tax-declaration');
    // Ordered by name: Hộ Lò Văn Pao, Hộ Sùng Thị Mai, Tổ hợp tác chè Suối Giàng; then the totals.
    expect(rows).toEqual([
      ['Hộ Lò Văn Pao', 'Hộ sản xuất', 'Chưa cung cấp', 'Xã Mường Hum', v(100_000), v(0), v(1_000), v(500), v(0), v(0)],
      ['Hộ Sùng Thị Mai', 'Hộ sản xuất', 'CCCD 001234567890', 'Xã Bản Hồ', v(600_000), v(30_000), v(6_900), v(3_450), v(-2_000), v(-1_000)],
      ['Tổ hợp tác chè Suối Giàng', 'Tổ hợp tác', 'MST 0101234567', 'Xã Suối Giàng', v(1_234_567), v(0), v(12_346), v(6_173), v(0), v(0)],
      ['Tổng cộng', '', '', '', v(1_934_567), v(30_000), v(20_246), v(10_123), v(-2_000), v(-1_000)],
    ]);
    // What is payable: withheld plus the adjustments.
    expect(decodeHtml(res.text)).toMatch(new RegExp(`id="total-vat-net">${v(18_246)}<`));
    expect(decodeHtml(res.text)).toMatch(new RegExp(`id="total-pit-net">${v(9_123)}<`));
    // The cooperative declares its own tax.
    expect(res.text).not.toContain('HTX Ong mật Lương Thịnh');
  });

  it('lists the withheld sellers who lack a tax code or citizen ID', async () => {
    const res = await admin.get('/admin/tax?month=2026-10');
    const missing = tableRows(res.text, 'tax-missing-id');
    expect(missing).toEqual([['Hộ Lò Văn Pao', 'Hộ sản xuất', 'Xã Mường Hum', 'Có']]);
  });

  it('the CSV has the same figures: UTF-8 with a BOM, one row per seller, money as whole đồng', async () => {
    const res = await getBytes(admin, '/admin/tax.csv?month=2026-10');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="?khau-tru-thue_2026-10\.csv"?/);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual([
      'Người bán',
      'Loại hình',
      'Mã số thuế',
      'Số CCCD',
      'Xã/phường',
      'Doanh thu hàng hoá (đồng)',
      'Doanh thu vận chuyển (đồng)',
      'Doanh thu dịch vụ (đồng)',
      'Thuế GTGT đã khấu trừ (đồng)',
      'Thuế TNCN đã khấu trừ (đồng)',
      'Điều chỉnh GTGT kỳ trước (đồng)',
      'Điều chỉnh TNCN kỳ trước (đồng)',
    ]);
    expect(rows.slice(1)).toEqual([
      ['Hộ Lò Văn Pao', 'Hộ sản xuất', '', '', 'Xã Mường Hum', '100000', '0', '0', '1000', '500', '0', '0'],
      ['Hộ Sùng Thị Mai', 'Hộ sản xuất', '', '001234567890', 'Xã Bản Hồ', '600000', '30000', '0', '6900', '3450', '-2000', '-1000'],
      ['Tổ hợp tác chè Suối Giàng', 'Tổ hợp tác', '0101234567', '', 'Xã Suối Giàng', '1234567', '0', '0', '12346', '6173', '0', '0'],
      ['Tổng cộng', '', '', '', '', '1934567', '30000', '0', '20246', '10123', '-2000', '-1000'],
    ]);
  });

  it('a seller name that looks like a formula is neutralised in the CSV', async () => {
    const evil = await ctx.factories.createSeller({ name: '=HYPERLINK("x")', type: 'ho_san_xuat' });
    const part = await sellerOrderOf(ctx, evil.id);
    await insertWithholding(ctx.ds, { sellerOrderId: part, sellerId: evil.id, period: '2026-08-01', goods: 10_000 });
    const res = await getBytes(admin, '/admin/tax.csv?month=2026-08');
    const rows = parseCsv((res.body as Buffer).subarray(3).toString('utf8'));
    expect(rows[1][0]).toBe(`'=HYPERLINK("x")`);
  });

  it('opens on last month by default, and a month with nothing withheld says so', async () => {
    const res = await admin.get('/admin/tax');
    expect(res.status).toBe(200);
    expect(res.text).toContain('tháng 10/2026');
    const empty = await admin.get('/admin/tax?month=2025-01');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('Không có khoản khấu trừ nào trong tháng này.');
  });

  it('refuses a bad month with a clear message, never a 500', async () => {
    for (const query of ['month=2026-13', 'month=abc', 'month=1999-12', 'month=2026-1', 'month=2026-10&month=2026-11', 'month=2026-10&x=1']) {
      const res = await admin.get(`/admin/tax?${query}`);
      expect([400, 422]).toContain(res.status);
      expect(res.text).toContain('Tháng không hợp lệ');
      expect((await admin.get(`/admin/tax.csv?${query}`)).status).toBe(422);
    }
  });

  it('is for admins only: buyers and sellers get 403, visitors are sent to sign in', async () => {
    const buyer = await createAccount(ctx.ds);
    const buyerAgent = await signIn(ctx.app, buyer.email);
    const { agent: sellerAgent } = await signInAsSeller(ctx.app, ctx.ds);
    for (const agent of [buyerAgent, sellerAgent]) {
      expect((await agent.get('/admin/tax?month=2026-10')).status).toBe(403);
      expect((await agent.get('/admin/tax.csv?month=2026-10')).status).toBe(403);
      const page = await agent.get('/account');
      const declare = await agent
        .post('/admin/tax/declare')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), month: '2026-09' });
      expect(declare.status).toBe(403);
    }
    expect((await ctx.ds.query(`SELECT * FROM tax_declarations WHERE period = '2026-09-01'`)).length).toBe(0);
    const anonymous = await request(ctx.app).get('/admin/tax');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });

  it('speaks English when the reader switched language', async () => {
    const res = await admin.get('/admin/tax?month=2026-10').set('Cookie', 'lang=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tax withheld: declaration for 10/2026');
    expect(res.text).toContain('VAT withheld');
    expect(res.text).toContain('Withheld sellers without a tax code or citizen ID');
    expect(res.text).toContain('Citizen ID 001234567890');
    expect(res.text).not.toContain('Thuế GTGT đã khấu trừ');
    const bad = await admin.get('/admin/tax?month=oops').set('Cookie', 'lang=en');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Invalid month');
  });
});

describe('POST /admin/tax/declare', () => {
  async function declare(month: string) {
    const page = await admin.get(`/admin/tax?month=${month}`);
    return admin
      .post('/admin/tax/declare')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), month });
  }

  it('marks a past month declared, audited, and its figures stay as they were', async () => {
    const before = tableRows((await admin.get('/admin/tax?month=2026-10')).text, 'tax-declaration');
    const res = await declare('2026-10');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/tax?month=2026-10');
    const page = await admin.get('/admin/tax?month=2026-10');
    expect(page.text).toContain('Đã đánh dấu kê khai tháng 10/2026');
    expect(page.text).toContain('Đã kê khai 15/11/2026.');
    expect(page.text).not.toContain('Đánh dấu đã kê khai tháng');

    const [row] = await ctx.ds.query(`SELECT declared_by FROM tax_declarations WHERE period = $1`, [OCT]);
    expect(row.declared_by).toBe(adminId);
    const audit = await ctx.ds.query(`SELECT actor_user_id, target_type, target_id, details FROM audit_log WHERE action = 'tax.declared'`);
    expect(audit).toEqual([
      {
        actor_user_id: adminId,
        target_type: 'tax_period',
        target_id: '2026-10',
        details: expect.objectContaining({ sellers: 3, vatVnd: 20_246, pitVnd: 10_123 }),
      },
    ]);

    // A refund after the declaration lands in November (as the tax service routes it): October does not move.
    const [part] = await ctx.ds.query(`SELECT seller_order_id FROM tax_withholdings WHERE seller_id = $1 AND period = $2 AND kind = 'transport'`, [
      sellers.household.id,
      OCT,
    ]);
    await insertWithholding(ctx.ds, {
      sellerOrderId: part.seller_order_id,
      sellerId: sellers.household.id,
      period: NOV,
      entry: 'reversal',
      goods: 600_000,
      transport: 30_000,
    });
    expect(tableRows((await admin.get('/admin/tax?month=2026-10')).text, 'tax-declaration')).toEqual(before);
    const november = tableRows((await admin.get('/admin/tax?month=2026-11')).text, 'tax-declaration');
    expect(november).toEqual([
      ['Hộ Sùng Thị Mai', 'Hộ sản xuất', 'CCCD 001234567890', 'Xã Bản Hồ', v(0), v(0), v(0), v(0), v(-6_900), v(-3_450)],
      ['Tổng cộng', '', '', '', v(0), v(0), v(0), v(0), v(-6_900), v(-3_450)],
    ]);
  });

  it('declaring twice changes nothing and says so', async () => {
    const res = await declare('2026-10');
    expect(res.status).toBe(303);
    const page = await admin.get('/admin/tax?month=2026-10');
    expect(page.text).toContain('Tháng 10/2026 đã được kê khai ngày 15/11/2026; không có gì thay đổi.');
    expect((await ctx.ds.query(`SELECT * FROM tax_declarations`)).length).toBe(1);
    expect((await ctx.ds.query(`SELECT * FROM audit_log WHERE action = 'tax.declared'`)).length).toBe(1);
    // Nothing left to declare: the page now opens on the running month.
    expect((await admin.get('/admin/tax')).text).toContain('Kê khai thuế khấu trừ tháng 11/2026');
  });

  it('refuses the running month, a future one and a bad one', async () => {
    const page = await admin.get('/admin/tax?month=2026-11');
    expect(page.text).toContain('Tháng này chưa kết thúc nên chưa thể kê khai.');
    for (const month of ['2026-11', '2027-01', 'nope', '2026-00']) {
      const res = await admin
        .post('/admin/tax/declare')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), month });
      expect(res.status).toBe(422);
    }
    const notPast = await admin
      .post('/admin/tax/declare')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), month: '2026-11' });
    expect(notPast.text).toContain('Chỉ kê khai được tháng đã kết thúc.');
    expect((await ctx.ds.query(`SELECT period FROM tax_declarations ORDER BY period`)).map((r: { period: string }) => r.period)).toEqual([OCT]);
  });
});

describe('end to end: a household paid through the bank feed shows on the declaration', () => {
  const SECRET = 'bank-feed-secret-tax';
  let e2e: TestContext;
  beforeAll(async () => {
    e2e = await createTestContext({ now: new Date('2026-12-10T03:00:00Z'), env: { BANK_WEBHOOK_SECRET: SECRET } });
  });
  afterAll(() => e2e.close());

  it('withholds at payment, declares December, and a January refund is January’s adjustment', async () => {
    const seller = await e2e.factories.createSeller({ name: 'Hộ Vàng Thị Dua', type: 'ho_san_xuat', commune: 'Xã Tả Van' });
    await e2e.ds.query(`UPDATE sellers SET citizen_id = '010203040506', shipping_fee_vnd = 30000, free_shipping_threshold_vnd = NULL WHERE id = $1`, [
      seller.id,
    ]);
    const product = await e2e.factories.createProduct({ sellerId: seller.id, priceVnd: 200_000, stock: 10 });
    const buyer = await buyerWithCart(e2e, [{ productId: product.id, quantity: 3 }]);
    const code = orderCodeFrom(await checkout(buyer.agent));
    const [order] = await e2e.ds.query(`SELECT total_vnd FROM orders WHERE code = $1`, [code]);
    expect(order.total_vnd).toBe(630_000);
    expect((await sendBankTransfer(e2e.app, SECRET, bankTransfer(`${code} thanh toan`, 630_000))).status).toBe(200);

    // The household sees it on its own page, month and statement.
    const own = await agentWithSession(e2e.app, e2e.ds, seller.ownerUserId, e2e.config.sessionSecret);
    const ownPage = await own.get('/seller/tax?year=2026');
    expect(tableRows(ownPage.text, 'tax-months')).toEqual([
      ['12/2026', v(600_000), v(30_000), v(6_900), v(3_450), v(0), v(0)],
      ['Tổng cộng', v(600_000), v(30_000), v(6_900), v(3_450), v(0), v(0)],
    ]);
    expect(ownPage.text).toContain('CCCD 010203040506');

    const { agent } = await signInAsAdmin(e2e.app, e2e.ds);
    const december = [
      ['Hộ Vàng Thị Dua', 'Hộ sản xuất', 'CCCD 010203040506', 'Xã Tả Van', v(600_000), v(30_000), v(6_900), v(3_450), v(0), v(0)],
      ['Tổng cộng', '', '', '', v(600_000), v(30_000), v(6_900), v(3_450), v(0), v(0)],
    ];
    expect(tableRows((await agent.get('/admin/tax?month=2026-12')).text, 'tax-declaration')).toEqual(december);

    // January: declare December, then refund the order.
    e2e.setNow(new Date('2027-01-05T03:00:00Z'));
    const page = await agent.get('/admin/tax?month=2026-12');
    expect(
      (
        await agent
          .post('/admin/tax/declare')
          .type('form')
          .send({ _csrf: csrfFrom(page.text), month: '2026-12' })
      ).status,
    ).toBe(303);
    const orderPage = await agent.get(`/admin/orders/${code}`);
    const refund = await agent
      .post(`/admin/orders/${code}/refund`)
      .type('form')
      .send({ _csrf: csrfFrom(orderPage.text), reason: 'Hàng hỏng khi giao' });
    expect(refund.status).toBe(303);
    expect((await e2e.ds.query(`SELECT status FROM orders WHERE code = $1`, [code]))[0].status).toBe('refunded');

    expect(tableRows((await agent.get('/admin/tax?month=2026-12')).text, 'tax-declaration')).toEqual(december);
    expect(tableRows((await agent.get('/admin/tax?month=2027-01')).text, 'tax-declaration')).toEqual([
      ['Hộ Vàng Thị Dua', 'Hộ sản xuất', 'CCCD 010203040506', 'Xã Tả Van', v(0), v(0), v(0), v(0), v(-6_900), v(-3_450)],
      ['Tổng cộng', '', '', '', v(0), v(0), v(0), v(0), v(-6_900), v(-3_450)],
    ]);
  });
});

describe('the province report: tax withheld by commune', () => {
  it('sums what was withheld and reversed in the period, by the seller’s commune, on the page and in its CSV', async () => {
    const a = await ctx.factories.createSeller({ name: 'Hộ Thào Thị Lan', type: 'ho_san_xuat', commune: 'Xã Y Tý' });
    const b = await ctx.factories.createSeller({ name: 'Hộ Chảo Láo San', type: 'ho_san_xuat', commune: 'Xã Y Tý' });
    const c = await ctx.factories.createSeller({ name: 'Hộ Ma Văn Sáu', type: 'ho_san_xuat', commune: 'Xã Bát Xát' });
    const at = '2026-07-10T10:00:00+07:00';
    const partA = await sellerOrderOf(ctx, a.id);
    await insertWithholding(ctx.ds, { sellerOrderId: partA, sellerId: a.id, period: '2026-07-01', goods: 600_000, transport: 30_000, createdAt: at });
    const partB = await sellerOrderOf(ctx, b.id);
    await insertWithholding(ctx.ds, { sellerOrderId: partB, sellerId: b.id, period: '2026-07-01', goods: 400_000, createdAt: at });
    await insertWithholding(ctx.ds, { sellerOrderId: partB, sellerId: b.id, period: '2026-07-01', entry: 'reversal', goods: 400_000, createdAt: at });
    const partC = await sellerOrderOf(ctx, c.id);
    await insertWithholding(ctx.ds, { sellerOrderId: partC, sellerId: c.id, period: '2026-07-01', goods: 1_234_567, createdAt: at });
    // Withheld on 1 August at 00:30 in Vietnam: outside July.
    await insertWithholding(ctx.ds, { sellerOrderId: partC, sellerId: c.id, period: '2026-08-01', transport: 50_000, createdAt: '2026-08-01T00:30:00+07:00' });

    const page = await admin.get('/admin/reports?from=2026-07-01&to=2026-07-31');
    expect(page.status).toBe(200);
    expect(tableRows(page.text, 'table-tax-by-commune')).toEqual([
      ['Xã Bát Xát', '1', v(1_234_567), v(12_346), v(6_173)],
      ['Xã Y Tý', '2', v(630_000), v(6_900), v(3_450)],
      ['Tổng cộng', '3', v(1_864_567), v(19_246), v(9_623)],
    ]);
    const csv = await getBytes(admin, '/admin/reports.csv?from=2026-07-01&to=2026-07-31&table=tax-by-commune');
    expect(csv.status).toBe(200);
    expect(parseCsv((csv.body as Buffer).subarray(3).toString('utf8'))).toEqual([
      ['Xã/phường', 'Số người bán bị khấu trừ', 'Doanh thu tính thuế (đồng)', 'Thuế GTGT (đồng)', 'Thuế TNCN (đồng)'],
      ['Xã Bát Xát', '1', '1234567', '12346', '6173'],
      ['Xã Y Tý', '2', '630000', '6900', '3450'],
      ['Tổng cộng', '3', '1864567', '19246', '9623'],
    ]);
  });
});
