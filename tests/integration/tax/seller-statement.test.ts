import request from 'supertest';
import { createAccount, signIn, signInAsSeller } from '../../helpers/auth';
import { decodeHtml, tableRows } from '../../helpers/sales';
import { insertWithholding, sellerOrderOf } from '../../helpers/tax-rows';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { formatVnd } from '../../../server/lib/money';

const NOW = new Date('2026-11-15T03:00:00Z');
const PUBLIC_URL = 'https://cho-ocop.example.vn';
const v = (n: number) => formatVnd(n);

let ctx: TestContext;
let household: { agent: request.Agent; sellerId: number };
let other: { agent: request.Agent; sellerId: number };

beforeAll(async () => {
  ctx = await createTestContext({ now: NOW, env: { PUBLIC_URL } });
  household = await signInAsSeller(ctx.app, ctx.ds, { name: 'Hộ Sùng Thị Mai' });
  other = await signInAsSeller(ctx.app, ctx.ds, { name: 'Hộ Giàng A Páo' });
  await ctx.ds.query(
    `UPDATE sellers SET type = 'ho_san_xuat', citizen_id = '001234567890', address = 'Thôn Hầu Chư Ngài', commune = 'Xã Bản Hồ' WHERE id = $1`,
    [household.sellerId],
  );
  await ctx.ds.query(`UPDATE sellers SET type = 'ho_san_xuat', tax_code = '0109876543' WHERE id = $1`, [other.sellerId]);

  // October: 3 × 200.000 ₫ goods + 30.000 ₫ shipping; November: 1.234.567 ₫ goods, and September's part refunded.
  const october = await sellerOrderOf(ctx, household.sellerId);
  await insertWithholding(ctx.ds, { sellerOrderId: october, sellerId: household.sellerId, period: '2026-10-01', goods: 600_000, transport: 30_000 });
  const september = await sellerOrderOf(ctx, household.sellerId);
  await insertWithholding(ctx.ds, { sellerOrderId: september, sellerId: household.sellerId, period: '2026-09-01', goods: 200_000 });
  await insertWithholding(ctx.ds, { sellerOrderId: september, sellerId: household.sellerId, period: '2026-11-01', entry: 'reversal', goods: 200_000 });
  const november = await sellerOrderOf(ctx, household.sellerId);
  await insertWithholding(ctx.ds, { sellerOrderId: november, sellerId: household.sellerId, period: '2026-11-01', goods: 1_234_567 });
  // Another seller's figures, never on this seller's page.
  const others = await sellerOrderOf(ctx, other.sellerId);
  await insertWithholding(ctx.ds, { sellerOrderId: others, sellerId: other.sellerId, period: '2026-10-01', goods: 777_700 });
});
afterAll(() => ctx.close());

describe('GET /seller/tax: what was withheld, month by month, and the yearly statement', () => {
  it('shows each month of the year with revenue, VAT, PIT and adjustments', async () => {
    const res = await household.agent.get('/seller/tax?year=2026');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Thuế đã khấu trừ năm 2026');
    expect(tableRows(res.text, 'tax-months')).toEqual([
      ['09/2026', v(200_000), v(0), v(2_000), v(1_000), v(0), v(0)],
      ['10/2026', v(600_000), v(30_000), v(6_900), v(3_450), v(0), v(0)],
      ['11/2026', v(1_234_567), v(0), v(12_346), v(6_173), v(-2_000), v(-1_000)],
      ['Tổng cộng', v(2_034_567), v(30_000), v(21_246), v(10_623), v(-2_000), v(-1_000)],
    ]);
    // The current year is the default.
    expect(tableRows((await household.agent.get('/seller/tax')).text, 'tax-months')).toHaveLength(4);
  });

  it('prints one statement per tax with the platform, the seller unmasked, revenue, rates and amounts net of refunds', async () => {
    const res = await household.agent.get('/seller/tax?year=2026');
    const text = decodeHtml(res.text);
    for (const tax of ['vat', 'pit']) {
      const start = text.indexOf(`id="statement-${tax}"`);
      expect(start).toBeGreaterThan(0);
      const section = text.slice(start, text.indexOf('</section>', start));
      expect(section).toContain('Chứng từ khấu trừ thuế');
      expect(section).toContain(`Chợ OCOP · ${PUBLIC_URL}`);
      expect(section).toContain('Hộ Sùng Thị Mai (Hộ sản xuất)');
      expect(section).toContain('CCCD 001234567890');
      expect(section).toContain('Thôn Hầu Chư Ngài, Xã Bản Hồ');
      expect(section).toContain('Nghị định 117/2025/NĐ-CP');
    }
    // Goods: 600.000 + 200.000 − 200.000 + 1.234.567; transport 30.000.
    expect(tableRows(text, 'statement-vat')).toEqual([
      ['Hàng hoá', v(1_834_567), '1 %', v(18_346)],
      ['Vận chuyển, dịch vụ gắn với hàng hoá', v(30_000), '3 %', v(900)],
      ['Tổng cộng', v(1_864_567), '', v(19_246)],
    ]);
    expect(tableRows(text, 'statement-pit')).toEqual([
      ['Hàng hoá', v(1_834_567), '0,5 %', v(9_173)],
      ['Vận chuyển, dịch vụ gắn với hàng hoá', v(30_000), '1,5 %', v(450)],
      ['Tổng cộng', v(1_864_567), '', v(9_623)],
    ]);
    // Printable without JavaScript: the page's own chrome is marked out of print.
    expect(res.text).toContain('class="breadcrumb no-print"');
  });

  it("never shows another seller's figures or identification", async () => {
    const res = await household.agent.get('/seller/tax?year=2026');
    expect(res.text).not.toContain(v(777_700));
    expect(res.text).not.toContain('0109876543');
    expect(res.text).not.toContain('Hộ Giàng A Páo');
    const theirs = await other.agent.get('/seller/tax?year=2026');
    expect(theirs.text).toContain(v(777_700));
    expect(theirs.text).toContain('MST 0109876543');
    expect(theirs.text).not.toContain('001234567890');
    expect(theirs.text).not.toContain(v(1_234_567));
  });

  it('the seller area links to it for a withheld seller', async () => {
    const res = await household.agent.get('/seller');
    expect(res.text).toContain('<a href="/seller/tax">Xem thuế đã khấu trừ và chứng từ khấu trừ</a>');
  });

  it('a year with nothing withheld says so', async () => {
    const res = await household.agent.get('/seller/tax?year=2025');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Chưa có khoản thuế nào được khấu trừ trong năm 2025.');
  });

  it('a cooperative, which is not withheld, reads why', async () => {
    const coop = await signInAsSeller(ctx.app, ctx.ds);
    const res = await coop.agent.get('/seller/tax');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Chợ OCOP không khấu trừ thuế của gian hàng này: loại hình Hợp tác xã tự kê khai và nộp thuế.');
  });

  it('a suspended seller still reads it; pending sellers, buyers and visitors do not', async () => {
    const suspended = await signInAsSeller(ctx.app, ctx.ds, { status: 'suspended' });
    expect((await suspended.agent.get('/seller/tax')).status).toBe(200);
    const pending = await signInAsSeller(ctx.app, ctx.ds, { status: 'pending' });
    expect((await pending.agent.get('/seller/tax')).status).toBe(403);
    const buyer = await createAccount(ctx.ds);
    expect((await (await signIn(ctx.app, buyer.email)).get('/seller/tax')).status).toBe(403);
    const anonymous = await request(ctx.app).get('/seller/tax');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });

  it('refuses a bad year with a clear message, never a 500', async () => {
    for (const query of ['year=abc', 'year=20266', 'year=1999', 'year=2026&year=2025', 'year=2026&month=1']) {
      const res = await household.agent.get(`/seller/tax?${query}`);
      expect(res.status).toBe(422);
      expect(res.text).toContain('Năm không hợp lệ');
    }
  });

  it('speaks English when the seller switched language', async () => {
    const res = await household.agent.get('/seller/tax?year=2026').set('Cookie', 'lang=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tax withheld in 2026');
    expect(res.text).toContain('Tax withholding statement');
    expect(res.text).toContain('Value added tax');
    expect(res.text).toContain('Citizen ID 001234567890');
    expect(res.text).toContain('0.5 %');
    expect(res.text).not.toContain('Chứng từ khấu trừ thuế');
  });
});
