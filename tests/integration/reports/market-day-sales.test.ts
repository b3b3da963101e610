import request from 'supertest';
import { signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { backdateOrder, parseCsv, placeOrder, placePaidOrder, tableRows, type PlacedOrder } from '../../helpers/sales';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { todayInVietnam } from '../../../server/lib/dates';
import { formatVnd } from '../../../server/lib/money';
import { addIsoDays } from '../../../server/modules/reports';

/**
 * Market-day figures: the report table (and its CSV), the dashboard's online/stall split and the
 * seller's takings of today. Stall sales here are orders turned into stall sales by SQL (channel
 * 'stall', a market day, a receipt token: what the schema requires of one).
 */
let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: admin } = await signInAsAdmin(ctx.app, ctx.ds));
});
afterAll(() => ctx.close());

let tokens = 0;
async function asStallSale(order: PlacedOrder, marketDayId: number): Promise<PlacedOrder> {
  tokens += 1;
  await ctx.ds.query(`UPDATE orders SET channel = 'stall', market_day_id = $2, receipt_token = $3 WHERE id = $1`, [
    order.id,
    marketDayId,
    `test-receipt-${order.id}-${tokens}`,
  ]);
  return order;
}

async function marketDay(name: string, commune: string, startsAgo: string, sellerIds: number[]): Promise<number> {
  const [{ id }] = await ctx.ds.query(
    `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at)
     VALUES ($1, $2, $3, 'Sân chợ', now() - $4::interval, now() - $4::interval + interval '6 hours') RETURNING id`,
    [`phien-${name.toLowerCase().replace(/[^a-z]+/g, '-')}-${Date.now()}`, name, commune, startsAgo],
  );
  for (const sellerId of sellerIds) await ctx.ds.query(`INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2)`, [id, sellerId]);
  return id;
}

describe('market-day sales', () => {
  let sellerA: Awaited<ReturnType<typeof signInAsSeller>>;
  const today = todayInVietnam(new Date());
  const from = addIsoDays(today, -10);

  beforeAll(async () => {
    sellerA = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Quầy A' });
    const sellerB = await ctx.factories.createSeller({ name: 'HTX Quầy B' });
    const sellerC = await ctx.factories.createSeller({ name: 'HTX Quầy C' });
    const sellerD = await ctx.factories.createSeller({ name: 'HTX Quầy D' });
    const honey = await ctx.factories.createProduct({ sellerId: sellerA.sellerId, priceVnd: 120000, stock: 100 });
    const tea = await ctx.factories.createProduct({ sellerId: sellerB.id, priceVnd: 50000, stock: 100 });
    const cloth = await ctx.factories.createProduct({ sellerId: sellerD.id, priceVnd: 300000, stock: 100 });
    // A stall sale has no shipping: these sellers charge none, so the orders turned into stall sales have none either.
    await ctx.ds.query(`UPDATE sellers SET shipping_fee_vnd = 0 WHERE id = ANY($1)`, [[sellerA.sellerId, sellerB.id, sellerC.id, sellerD.id]]);

    const saPa = await marketDay('Chợ phiên Sa Pa', 'Phường Sa Pa', '1 hour', [sellerA.sellerId, sellerB.id, sellerC.id]);
    const bacHa = await marketDay('Chợ phiên Bắc Hà', 'Xã Bắc Hà', '3 days', [sellerD.id]);
    const cocLy = await marketDay('Chợ phiên Cốc Ly', 'Xã Cốc Ly', '1 day', [sellerA.sellerId]);
    // Sa Pa: A sells twice (paid), B rings one up that is never paid, C sells nothing.
    await asStallSale(await placePaidOrder(ctx, [{ productId: honey.id, quantity: 2 }]), saPa);
    await asStallSale(await placePaidOrder(ctx, [{ productId: honey.id, quantity: 1 }]), saPa);
    await asStallSale(await placeOrder(ctx, [{ productId: tea.id, quantity: 1 }]), saPa);
    // Bắc Hà, three days ago: D sells once.
    const old = await asStallSale(await placePaidOrder(ctx, [{ productId: cloth.id, quantity: 1 }]), bacHa);
    await backdateOrder(ctx, old.id, new Date(Date.now() - 3 * 86_400_000).toISOString());
    // A's stall sale of yesterday is not today's takings; an online order is not a stall sale.
    const yesterday = await asStallSale(await placePaidOrder(ctx, [{ productId: honey.id, quantity: 5 }]), cocLy);
    await backdateOrder(ctx, yesterday.id, new Date(Date.now() - 86_400_000).toISOString());
    await placePaidOrder(ctx, [{ productId: honey.id, quantity: 1 }]);
  });

  it('the report table: stalls, paid stall sales, sales and the share of stalls that sold cashless, per market day', async () => {
    const page = await admin.get(`/admin/reports?from=${from}&to=${today}`).expect(200);
    const rows = tableRows(page.text, 'table-market-day-sales');
    expect(rows).toEqual([
      ['Chợ phiên Bắc Hà', expect.stringMatching(/^\d\d\/\d\d\/\d{4}$/), 'Xã Bắc Hà', '1', '1', formatVnd(300000), '100 %'],
      ['Chợ phiên Cốc Ly', expect.stringMatching(/^\d\d\/\d\d\/\d{4}$/), 'Xã Cốc Ly', '1', '1', formatVnd(600000), '100 %'],
      ['Chợ phiên Sa Pa', expect.stringMatching(/^\d\d\/\d\d\/\d{4}$/), 'Phường Sa Pa', '3', '2', formatVnd(360000), '33,3 %'],
      ['Tổng cộng', '', '', '5', '4', formatVnd(1260000), '60 %'],
    ]);
    expect(page.text).toContain('tỷ lệ quầy không dùng tiền mặt');

    const csv = await admin.get(`/admin/reports.csv?from=${from}&to=${today}&table=market-day-sales`).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const parsed = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    expect(parsed[0]).toEqual(['Phiên chợ', 'Ngày', 'Xã/phường', 'Số quầy', 'Đơn bán tại quầy', 'Doanh số (đồng)', 'Tỷ lệ quầy không dùng tiền mặt (%)']);
    expect(parsed.slice(1).map((r) => [r[0], r[3], r[4], r[5], r[6]])).toEqual([
      ['Chợ phiên Bắc Hà', '1', '1', '300000', '100'],
      ['Chợ phiên Cốc Ly', '1', '1', '600000', '100'],
      ['Chợ phiên Sa Pa', '3', '2', '360000', '33.3'],
      ['Tổng cộng', '5', '4', '1260000', '60'],
    ]);
  });

  it('the dashboard splits collected revenue into online and stall sales', async () => {
    const page = await admin.get('/admin').expect(200);
    expect(page.text).toContain('chart-stacked');
    // Collected (30 days): stall 240.000 + 120.000 + 300.000 + 600.000; online: the one order of 120.000 (shipping included).
    const [{ online, stall }] = await ctx.ds.query(
      `SELECT coalesce(sum(total_vnd) FILTER (WHERE channel = 'online'), 0)::int AS online, coalesce(sum(total_vnd) FILTER (WHERE channel = 'stall'), 0)::int AS stall
       FROM orders WHERE paid_at IS NOT NULL`,
    );
    expect(stall).toBe(1260000);
    expect(page.text).toContain(`Tại quầy chợ phiên: ${formatVnd(stall)}`);
    expect(page.text).toContain(`Trực tuyến: ${formatVnd(online)}`);
  });

  it("the seller's dashboard shows today's paid stall sales and links to the till", async () => {
    const page = await sellerA.agent.get('/seller').expect(200);
    const section = page.text.slice(page.text.indexOf('id="stall-takings"'), page.text.indexOf('</section>', page.text.indexOf('id="stall-takings"')));
    expect(section).toContain('2 đơn đã nhận tiền');
    expect(section).toContain(formatVnd(360000));
    expect(section).toContain('href="/seller/pos"');
  });
});
