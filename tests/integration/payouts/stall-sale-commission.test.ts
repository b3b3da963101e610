import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsAdmin, signInAsSeller } from '../../helpers/auth';
import { bankTransfer, sendBankTransfer } from '../../helpers/bank-feed';
import { formatVnd } from '../../../server/lib/money';

/** The stall commission on a real stall sale: rung up at the till, paid by the bank feed, credited at the stall rate. */
const SECRET = 'bank-feed-secret-stall-commission';

let ctx: TestContext;
let admin: request.Agent;
beforeAll(async () => {
  ctx = await createTestContext({ env: { BANK_WEBHOOK_SECRET: SECRET } });
  ({ agent: admin } = await signInAsAdmin(ctx.app, ctx.ds));
});
afterAll(() => ctx.close());

async function setRates(online: string, stall: string) {
  const page = await admin.get('/admin/payouts');
  const token = csrfFrom(page.text);
  await admin.post('/admin/settings/commission').type('form').send({ _csrf: token, rate: online }).expect(303);
  await admin.post('/admin/settings/stall-commission').type('form').send({ _csrf: token, stallRate: stall }).expect(303);
}

/** Rings up a sale at the till and pays it through the bank feed; returns its code. */
async function paidStallSale(agent: request.Agent, lines: { productId: number; quantity: number }[]): Promise<string> {
  const token = csrfFrom((await agent.get('/seller/pos').expect(200)).text);
  const body = [`_csrf=${encodeURIComponent(token)}`, 'intent=sell', ...lines.flatMap((l) => [`productId=${l.productId}`, `quantity=${l.quantity}`])];
  const res = await agent.post('/seller/pos/sales').type('form').send(body.join('&'));
  expect(res.status).toBe(303);
  const code = /\/seller\/pos\/sales\/([^/]+)$/.exec(res.headers.location)![1];
  const [{ total_vnd: total }] = await ctx.ds.query(`SELECT total_vnd FROM orders WHERE code = $1`, [code]);
  expect((await sendBankTransfer(ctx.app, SECRET, bankTransfer(code, total))).status).toBe(200);
  return code;
}

const ledgerOf = (code: string) =>
  ctx.ds.query(
    `SELECT l.kind, l.amount_vnd, l.rate_bp FROM seller_ledger l JOIN seller_orders so ON so.id = l.seller_order_id JOIN orders o ON o.id = so.order_id
     WHERE o.code = $1 AND l.kind IN ('sale', 'commission') ORDER BY l.id`,
    [code],
  );

describe('a stall sale pays the stall commission', () => {
  it('5 % online, 1,5 % at the stall: the stall sale is charged 1,5 %, and shows in the seller’s takings of today', async () => {
    await setRates('5', '1,5');
    const s = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Quầy phí sàn' });
    const honey = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 120_000, stock: 10 });
    const tea = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 80_000, stock: 10 });
    const code = await paidStallSale(s.agent, [
      { productId: honey.id, quantity: 2 },
      { productId: tea.id, quantity: 1 },
    ]);
    // Goods 320.000 ₫; 1,5 % = 4.800 ₫.
    expect(await ledgerOf(code)).toEqual([
      { kind: 'sale', amount_vnd: 320_000, rate_bp: null },
      { kind: 'commission', amount_vnd: -4_800, rate_bp: 150 },
    ]);

    const dashboard = await s.agent.get('/seller').expect(200);
    const start = dashboard.text.indexOf('id="stall-takings"');
    const section = dashboard.text.slice(start, dashboard.text.indexOf('</section>', start));
    expect(section).toContain('1 đơn đã nhận tiền');
    expect(section).toContain(formatVnd(320_000));
  });

  it('a cooperative with a lower own rate keeps it at the stall', async () => {
    const s = await signInAsSeller(ctx.app, ctx.ds, { name: 'HTX Quầy phí riêng' });
    await ctx.ds.query(`UPDATE sellers SET commission_rate_bp = 100 WHERE id = $1`, [s.sellerId]);
    const honey = await ctx.factories.createProduct({ sellerId: s.sellerId, priceVnd: 100_000, stock: 10 });
    const code = await paidStallSale(s.agent, [{ productId: honey.id, quantity: 1 }]);
    expect(await ledgerOf(code)).toEqual([
      { kind: 'sale', amount_vnd: 100_000, rate_bp: null },
      { kind: 'commission', amount_vnd: -1_000, rate_bp: 100 },
    ]);
  });
});
