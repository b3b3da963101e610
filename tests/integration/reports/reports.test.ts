import request from 'supertest';
import { createAccount, signIn, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { decodeHtml, parseCsv, placeOrder, placePaidOrder, tableRows } from '../../helpers/sales';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { todayInVietnam } from '../../../server/lib/dates';
import { formatVnd } from '../../../server/lib/money';
import { addIsoDays } from '../../../server/modules/reports';

const EVIL = '<script>alert("xã")</script>';
const FORMULA = '+Xã Công Thức';
const BAN_HO = 'Xã Bản Hồ';
const SA_PA = 'Phường Sa Pa';

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: admin } = await signInAsAdmin(ctx.app, ctx.ds));
});
afterAll(() => ctx.close());

const count = (n: number) => new Intl.NumberFormat('vi-VN').format(n);

/** GET a CSV as raw bytes, so the BOM is seen exactly as a spreadsheet would. */
function getBytes(agent: request.Agent | request.SuperTest<request.Test>, url: string) {
  return (agent as request.Agent)
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

async function csvRows(url: string): Promise<string[][]> {
  const res = await getBytes(admin, url);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?bao-cao-ocop_[a-z-]+_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv"?$/);
  const bytes = res.body as Buffer;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  return parseCsv(text);
}

/**
 * The world of this file. Sellers in three communes (one named like a script), one with a formula-like
 * commune, one pending and one with only a draft; products with verified, unverified and expired stars.
 */
interface Line {
  productId: number;
  quantity: number;
  price: number;
  commune: string;
  stars: '5' | '4' | '3' | 'unverified' | 'none';
}
const counted: { code: string; lines: Line[] }[] = [];

let from: string;
let to: string;
let query: string;

beforeAll(async () => {
  const f = ctx.factories;
  const banHo = await f.createSeller({ commune: BAN_HO });
  const saPa = await f.createSeller({ commune: SA_PA });
  const evil = await f.createSeller({ commune: EVIL });
  const formula = await f.createSeller({ commune: FORMULA });
  const pending = await f.createSeller({ commune: BAN_HO, status: 'pending' });
  const draftOnly = await f.createSeller({ commune: 'Xã Y Tý' });
  const fourYearsAgo = addIsoDays(todayInVietnam(new Date()), -4 * 365);

  const honey = {
    ...(await f.createProduct({ sellerId: banHo.id, categoryCode: 'I.2.b', priceVnd: 200000, ocopStars: 5, stock: 50 })),
    commune: BAN_HO,
    stars: '5' as const,
  };
  const wine = {
    ...(await f.createProduct({ sellerId: banHo.id, categoryCode: 'II.1.a', priceVnd: 50000, stock: 50 })),
    commune: BAN_HO,
    stars: 'none' as const,
  };
  await f.createProduct({ sellerId: banHo.id, categoryCode: 'I.2.b', status: 'hidden', ocopStars: 4 });
  const herbs = {
    ...(await f.createProduct({ sellerId: saPa.id, categoryCode: 'III.1', priceVnd: 120000, ocopStars: 4, stock: 50 })),
    commune: SA_PA,
    stars: '4' as const,
  };
  const tea = {
    ...(await f.createProduct({ sellerId: saPa.id, categoryCode: 'I.5.a', priceVnd: 80000, ocopStars: 3, ocopVerified: false, stock: 50 })),
    commune: SA_PA,
    stars: 'unverified' as const,
  };
  const brocade = {
    ...(await f.createProduct({ sellerId: saPa.id, categoryCode: 'IV.1', priceVnd: 60000, ocopStars: 4, ocopDecisionDate: fourYearsAgo, stock: 50 })),
    commune: SA_PA,
    stars: 'unverified' as const,
  };
  const rice = { ...(await f.createProduct({ sellerId: evil.id, categoryCode: 'I.2.a', priceVnd: 10000, stock: 50 })), commune: EVIL, stars: 'none' as const };
  await f.createProduct({ sellerId: formula.id, categoryCode: 'I.2.b', priceVnd: 30000 });
  await f.createProduct({ sellerId: pending.id, categoryCode: 'I.2.b', ocopStars: 3 });
  await f.createProduct({ sellerId: draftOnly.id, status: 'draft' });

  type P = typeof honey | typeof wine | typeof herbs | typeof tea | typeof brocade | typeof rice;
  const line = (p: P, quantity: number): Line => ({ productId: p.id, quantity, price: p.priceVnd, commune: p.commune, stars: p.stars });
  const paid = async (lines: Line[]) => {
    const order = await placePaidOrder(ctx, lines);
    return { ...order, lines };
  };

  // Counted in the period.
  counted.push(await paid([line(honey, 2), line(herbs, 1)]));
  counted.push(await paid([line(wine, 3)]));
  const partly = await paid([line(honey, 1), line(herbs, 1)]);
  // Sa Pa's cooperative cancels its paid part: only the honey counts.
  await ctx.container.orders.updateSellerOrder({ id: saPa.ownerUserId, role: 'seller' }, partly.code, { status: 'cancelled' });
  counted.push({ code: partly.code, lines: partly.lines.filter((l) => l.commune !== SA_PA) });
  counted.push(await paid([line(rice, 4)]));
  counted.push(await paid([line(brocade, 1)]));

  // Not counted: unpaid, refunded as a whole, paid outside the period.
  await placeOrder(ctx, [line(tea, 1)]);
  const refunded = await paid([line(brocade, 2)]);
  const { id: adminId } = await createAccount(ctx.ds, { role: 'admin' });
  await ctx.container.refunds.refundOrder({ id: adminId, role: 'admin' }, refunded.code, 'Hết hàng');
  // 23:30 on 31 January in Vietnam is still January there (16:30 UTC) …
  const january = await paid([line(wine, 1)]);
  await ctx.ds.query(`UPDATE orders SET paid_at = '2020-01-31 23:30:00+07' WHERE id = $1`, [january.id]);
  // … and 00:30 on 1 February in Vietnam is February, though still 31 January in UTC.
  const february = await paid([line(wine, 2)]);
  await ctx.ds.query(`UPDATE orders SET paid_at = '2020-02-01 00:30:00+07' WHERE id = $1`, [february.id]);

  // A window around today, so the test does not depend on the day of the month it runs.
  const today = todayInVietnam(new Date());
  from = addIsoDays(today, -1);
  to = addIsoDays(today, 1);
  query = `from=${from}&to=${to}`;
});

const lines = () => counted.flatMap((o) => o.lines.map((l) => ({ ...l, code: o.code })));
const total = (ls: (Line & { code: string })[]) => ({
  orders: new Set(ls.map((l) => l.code)).size,
  quantity: ls.reduce((a, l) => a + l.quantity, 0),
  sales: ls.reduce((a, l) => a + l.quantity * l.price, 0),
});

describe('GET /admin/reports — the province report', () => {
  let html: string;
  beforeAll(async () => {
    const res = await admin.get(`/admin/reports?${query}`);
    expect(res.status).toBe(200);
    html = res.text;
  });

  it('totals equal the sums of the orders placed and paid here, checked against the database too', async () => {
    const all = total(lines());
    expect(all).toEqual({ orders: 5, quantity: 2 + 1 + 3 + 1 + 4 + 1, sales: 400000 + 120000 + 150000 + 200000 + 40000 + 60000 });
    const [db] = await ctx.ds.query(
      `SELECT sum(i.line_total_vnd)::int AS sales FROM order_items i JOIN seller_orders so ON so.id = i.seller_order_id JOIN orders o ON o.id = so.order_id
       WHERE o.code = ANY($1) AND so.status <> 'cancelled'`,
      [counted.map((o) => o.code)],
    );
    expect(db.sales).toBe(all.sales);

    expect(html).toContain(`<dd id="total-orders">${all.orders}</dd>`);
    expect(html).toContain(`<dd id="total-quantity">${all.quantity}</dd>`);
    expect(decodeHtml(html)).toContain(`<dd id="total-sales">${formatVnd(all.sales)}</dd>`);
    expect(html).toContain('<dd id="total-products">7</dd>');
    expect(html).toContain('<dd id="total-approved">5</dd>');
    expect(html).toContain('<dd id="total-active">4</dd>');
    expect(html).toContain('<dd id="total-selling">3</dd>');
  });

  it('orders and sales by commune: an order counts in each commune it bought from', () => {
    const rows = tableRows(html, 'table-sales-by-commune');
    const byCommune = (c: string) => total(lines().filter((l) => l.commune === c));
    const expected = [BAN_HO, SA_PA, EVIL]
      .map((c) => ({ c, ...byCommune(c) }))
      .sort((a, b) => b.sales - a.sales)
      .map((r) => [r.c, count(r.orders), count(r.quantity), formatVnd(r.sales)]);
    const all = total(lines());
    expect(rows).toEqual([...expected, ['Tổng cộng', count(all.orders), count(all.quantity), formatVnd(all.sales)]]);
    expect(byCommune(BAN_HO)).toEqual({ orders: 3, quantity: 6, sales: 750000 });
  });

  it('orders and sales by stars: verified and unexpired certificates only', () => {
    const rows = tableRows(html, 'table-sales-by-stars');
    const labels = { '5': '5 sao', '4': '4 sao', '3': '3 sao', unverified: 'Chưa xác minh hoặc hết hạn', none: 'Không sao' } as const;
    const all = total(lines());
    expect(rows).toEqual([
      ...(['5', '4', '3', 'unverified', 'none'] as const).map((s) => {
        const t = total(lines().filter((l) => l.stars === s));
        return [labels[s], count(t.orders), count(t.quantity), formatVnd(t.sales)];
      }),
      ['Tổng cộng', count(all.orders), count(all.quantity), formatVnd(all.sales)],
    ]);
    // The expired 4★ brocade sold in the period is not a 4★ sale.
    expect(rows[1]).toEqual(['4 sao', '1', '1', formatVnd(120000)]);
    expect(rows[3]).toEqual(['Chưa xác minh hoặc hết hạn', '1', '1', formatVnd(60000)]);
  });

  it('products online by OCOP group, by stars and by commune (active products of approved cooperatives)', () => {
    expect(tableRows(html, 'table-products-by-group')).toEqual([
      ['I', 'Thực phẩm', '4'],
      ['II', 'Đồ uống', '1'],
      ['III', 'Dược liệu và sản phẩm từ dược liệu', '1'],
      ['IV', 'Hàng thủ công mỹ nghệ', '1'],
      ['V', 'Sinh vật cảnh', '0'],
      ['VI', 'Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch', '0'],
      ['', 'Tổng cộng', '7'],
    ]);
    expect(tableRows(html, 'table-products-by-stars')).toEqual([
      ['5 sao', '1'],
      ['4 sao', '1'],
      ['3 sao', '0'],
      ['Chưa xác minh hoặc hết hạn', '2'],
      ['Không sao', '3'],
      ['Tổng cộng', '7'],
    ]);
    const communes = tableRows(html, 'table-products-by-commune');
    expect(communes[0]).toEqual([SA_PA, '3', '1']);
    expect(communes).toContainEqual([BAN_HO, '2', '1']);
    expect(communes).toContainEqual([EVIL, '1', '1']);
    expect(communes).toContainEqual([FORMULA, '1', '1']);
    expect(communes.at(-1)).toEqual(['Tổng cộng', '7', '4']);
  });

  it('active cooperatives, and how many sold in the period', () => {
    const rows = tableRows(html, 'table-cooperatives');
    expect(rows).toContainEqual([BAN_HO, '1', '1']);
    expect(rows).toContainEqual([SA_PA, '1', '1']);
    expect(rows).toContainEqual([EVIL, '1', '1']);
    expect(rows).toContainEqual([FORMULA, '1', '0']);
    expect(rows.map((r) => r[0])).not.toContain('Xã Y Tý');
    expect(rows.at(-1)).toEqual(['Tổng cộng', '4', '3']);
  });

  it('draws a chart for every table and escapes a commune named like a script in the SVG', () => {
    const svgs = (html.match(/<svg [\s\S]*?<\/svg>/g) ?? []).filter((svg) => svg.includes('class="chart'));
    expect(svgs).toHaveLength(9);
    for (const svg of svgs) expect(svg).toMatch(/role="img" aria-label="[^"]+"[^>]*><title>[^<]+<\/title>/);
    expect(html).not.toContain(EVIL);
    // The layout's own enhancement script aside, no script element anywhere.
    expect(html.replace('<script src="/js/app.js" defer></script>', '')).not.toMatch(/<script/i);
    const salesChart = svgs.find((s) => s.includes('Doanh số trong kỳ theo xã/phường'))!;
    expect(salesChart).toMatch(/<text x="8" y="[\d.]+">&lt;script&gt;alert\(&quot;xã&quot;\)&lt;\/script&gt;<\/text>/);
    expect(salesChart).toContain(`${formatVnd(750000)}</text>`);
  });

  it('states its definitions and links every table to its CSV', () => {
    expect(html).toContain('Một đơn thuộc kỳ báo cáo theo <strong>ngày thanh toán</strong>');
    expect(html).toContain('không gồm phí giao hàng');
    for (const table of ['products-by-group', 'products-by-stars', 'products-by-commune', 'sales-by-commune', 'sales-by-stars', 'cooperatives']) {
      expect(html).toContain(`href="/admin/reports.csv?from&#x3D;${from}&amp;to&#x3D;${to}&amp;table&#x3D;${table}"`);
    }
  });
});

describe('the period', () => {
  it('counts an order by its payment day in Vietnam time', async () => {
    const january = tableRows((await admin.get('/admin/reports?from=2020-01-01&to=2020-01-31')).text, 'table-sales-by-commune');
    expect(january).toEqual([
      [BAN_HO, '1', '1', formatVnd(50000)],
      ['Tổng cộng', '1', '1', formatVnd(50000)],
    ]);
    const february = tableRows((await admin.get('/admin/reports?from=2020-02-01&to=2020-02-29')).text, 'table-sales-by-commune');
    expect(february).toEqual([
      [BAN_HO, '1', '2', formatVnd(100000)],
      ['Tổng cộng', '1', '2', formatVnd(100000)],
    ]);
    const march = await admin.get('/admin/reports?from=2020-03-01&to=2020-03-31');
    expect(tableRows(march.text, 'table-sales-by-commune')).toEqual([['Chưa có dữ liệu trong kỳ này.'], ['Tổng cộng', '0', '0', formatVnd(0)]]);
    expect(march.text).toContain('Chưa có dữ liệu');
  });

  it('defaults to the current month', async () => {
    const res = await admin.get('/admin/reports');
    const today = todayInVietnam(new Date());
    const [y, m] = today.split('-');
    expect(res.text).toContain(`<strong id="period">01/${m}/${y} – `);
    expect(res.text).toContain('(tháng này)');
    expect(res.text).not.toContain('id="period-notice"');
  });

  it.each([
    ['from=2026-02-30&to=2026-03-01', 'không hợp lệ'],
    ['from=hom-qua', 'không hợp lệ'],
    ['from=2026-11-01&from=2026-11-02', 'không hợp lệ'],
    ['to=%3Cscript%3E', 'không hợp lệ'],
    ['from=2026-11-20&to=2026-11-10', 'sau ngày kết thúc'],
    ['from=2020-01-01&to=2026-01-01', 'tối đa 366 ngày'],
  ])('bad dates (%s) show the current month with a notice, never a 500', async (q, notice) => {
    const res = await admin.get(`/admin/reports?${q}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(new RegExp(`<div class="alert alert-error" role="alert" id="period-notice">[^<]*${notice}`));
    expect(res.text).toContain('(tháng này)');
    const csv = await getBytes(admin, `/admin/reports.csv?${q}&table=sales-by-commune`);
    expect(csv.status).toBe(200);
  });
});

describe('GET /admin/reports.csv', () => {
  it('sales by commune: UTF-8 with BOM, raw đồng, the same totals as the page', async () => {
    const rows = await csvRows(`/admin/reports.csv?${query}&table=sales-by-commune`);
    const all = total(lines());
    expect(rows[0]).toEqual(['Xã/phường', 'Số đơn', 'Số lượng bán', 'Doanh số (đồng)']);
    expect(rows.at(-1)).toEqual(['Tổng cộng', String(all.orders), String(all.quantity), String(all.sales)]);
    const banHo = total(lines().filter((l) => l.commune === BAN_HO));
    expect(rows).toContainEqual([BAN_HO, String(banHo.orders), String(banHo.quantity), String(banHo.sales)]);
    // The script-like commune arrives as text, quoted because of its quotes.
    expect(rows).toContainEqual([EVIL, '1', '4', '40000']);
    expect(rows.slice(1, -1).reduce((a, r) => a + Number(r[3]), 0)).toBe(all.sales);
  });

  it('sales by stars, products and cooperatives tables, with formula-like text neutralised', async () => {
    const stars = await csvRows(`/admin/reports.csv?${query}&table=sales-by-stars`);
    expect(stars.map((r) => r[0])).toEqual(['Hạng sao OCOP', '5 sao', '4 sao', '3 sao', 'Chưa xác minh hoặc hết hạn', 'Không sao', 'Tổng cộng']);
    expect(stars.at(-1)![3]).toBe(String(total(lines()).sales));
    const groups = await csvRows(`/admin/reports.csv?${query}&table=products-by-group`);
    expect(groups[1]).toEqual(['I', 'Thực phẩm', '4']);
    const communes = await csvRows(`/admin/reports.csv?${query}&table=products-by-commune`);
    expect(communes).toContainEqual([`'${FORMULA}`, '1', '1']);
    const coops = await csvRows(`/admin/reports.csv?${query}&table=cooperatives`);
    expect(coops[0]).toEqual(['Xã/phường', 'HTX đang hoạt động', 'HTX có doanh số trong kỳ']);
    expect(coops.at(-1)).toEqual(['Tổng cộng', '4', '3']);
    expect(await csvRows(`/admin/reports.csv?${query}&table=products-by-stars`)).toHaveLength(7);
  });

  it('an unknown table is 404', async () => {
    expect((await admin.get(`/admin/reports.csv?${query}&table=users`)).status).toBe(404);
    expect((await admin.get(`/admin/reports.csv?${query}`)).status).toBe(404);
  });
});

describe('who may read the reports', () => {
  const paths = ['/admin', '/admin/reports', '/admin/reports?from=2026-11-01&to=2026-11-30', '/admin/reports.csv?table=sales-by-commune'];

  it('a signed-out visitor is sent to login with next', async () => {
    for (const path of paths) {
      const res = await request(ctx.app).get(path);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('a buyer and a cooperative get 403, and no figures', async () => {
    const buyer = await createAccount(ctx.ds, { role: 'buyer' });
    const buyerAgent = await signIn(ctx.app, buyer.email);
    const { agent: sellerAgent } = await signInAsSeller(ctx.app, ctx.ds);
    for (const agent of [buyerAgent, sellerAgent]) {
      for (const path of paths) {
        const res = await agent.get(path);
        expect(res.status).toBe(403);
        expect(res.text).toContain('Không có quyền truy cập');
        expect(res.text).not.toContain('Doanh số');
        expect(res.headers['content-type']).toMatch(/^text\/html/);
      }
    }
  });

  it('the service refuses a non-admin actor too', async () => {
    const period = { from: '2026-11-01', to: '2026-11-30', label: '', isDefault: true };
    await expect(ctx.container.reports.provinceReport({ id: 1, role: 'buyer' }, period)).rejects.toMatchObject({ status: 403 });
  });
});
