import request from 'supertest';
import { addIsoDays } from '../../../server/modules/reports';
import { todayInVietnam } from '../../../server/lib/dates';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../../server/seed/demo-accounts';
import { seedDemoCatalogue } from '../../../server/seed/demo-catalogue';
import { DEMO_HISTORY_BUYERS, DEMO_HISTORY_NOTE, seedDemoHistory } from '../../../server/seed/demo-history';
import { signIn } from '../../helpers/auth';
import { decodeHtml } from '../../helpers/sales';
import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
let admin: request.Agent;
let placed: number;
let seconds: number;

beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemoCatalogue(ctx.ds, ctx.container.media);
  await seedDemoAccounts(ctx.ds);
  const started = Date.now();
  placed = await seedDemoHistory(ctx.container);
  seconds = (Date.now() - started) / 1000;
  admin = await signIn(ctx.app, DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password);
}, 120_000);
afterAll(() => ctx.close());

/** A figure on a page, by the id of its <dd>, as the reader sees it. */
function figure(html: string, id: string): string {
  const match = new RegExp(`<dd id="${id}">([^<]*)</dd>`).exec(html);
  if (!match) throw new Error(`no figure #${id}`);
  return decodeHtml(match[1]);
}

const amount = (text: string) => Number(text.replace(/\D/g, ''));

describe('the demo history: sixty days of orders for the back office', () => {
  it('places orders on most of the last sixty days, by the demo customers, each marked as demo data, quickly', async () => {
    console.log(`demo history: ${placed} orders in ${seconds.toFixed(1)} s`);
    expect(placed).toBeGreaterThanOrEqual(60);
    const [span] = await ctx.ds.query(
      `SELECT count(*)::int AS orders, count(DISTINCT (o.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::int AS days,
              min(o.created_at) AS first, max(o.created_at) AS last,
              bool_and(o.note = $2) AS noted, bool_and(u.full_name LIKE 'Khách demo %') AS named
       FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE u.email = ANY($1)`,
      [DEMO_HISTORY_BUYERS.map((b) => b.email), DEMO_HISTORY_NOTE],
    );
    expect(span).toMatchObject({ orders: placed, noted: true, named: true });
    expect(span.days).toBeGreaterThanOrEqual(55);
    const ageDays = (d: Date) => (Date.now() - d.getTime()) / 86_400_000;
    expect(ageDays(span.first)).toBeGreaterThan(59);
    expect(ageDays(span.first)).toBeLessThan(61);
    expect(ageDays(span.last)).toBeGreaterThan(0);
    // Several cooperatives, never a seller whose tax is withheld (that is demo-tax's subject).
    const [sellers] = await ctx.ds.query(
      `SELECT count(DISTINCT so.seller_id)::int AS sellers, bool_or(s.type IN ('ho_san_xuat', 'to_hop_tac')) AS withheld
       FROM seller_orders so JOIN sellers s ON s.id = so.seller_id`,
    );
    expect(sellers.sellers).toBeGreaterThanOrEqual(5);
    expect(sellers.withheld).toBe(false);
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM tax_withholdings`))[0].n).toBe(0);
    // Fast enough not to slow a fresh demo start noticeably.
    expect(seconds).toBeLessThan(20);
  });

  it('has every stage: to ship, shipped, delivered, one refund after delivery and one cancelled before payment', async () => {
    const rows = (await ctx.ds.query(`SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY status`)) as { status: string; n: number }[];
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(by).toMatchObject({ refunded: 1, cancelled: 1 });
    expect(by.completed).toBeGreaterThan(40);
    expect(by.paid).toBeGreaterThan(2);
    const parts = (await ctx.ds.query(`SELECT status, count(*)::int AS n FROM seller_orders GROUP BY status`)) as { status: string; n: number }[];
    expect(parts.map((p) => p.status).sort()).toEqual(['cancelled', 'delivered', 'shipped', 'to_ship']);

    // The refund: a delivered order, the money owed back to the buyer, the cooperative's ledger debited.
    const [refund] = await ctx.ds.query(
      `SELECT o.code, r.amount_vnd AS amount, r.status, o.total_vnd AS total, r.created_at > so.delivered_at AS after_delivery,
              (SELECT sum(l.amount_vnd)::int FROM seller_ledger l WHERE l.seller_order_id = so.id AND l.kind = 'refund') AS ledger
       FROM refunds r JOIN orders o ON o.id = r.order_id JOIN seller_orders so ON so.order_id = o.id`,
    );
    expect(refund).toMatchObject({ status: 'owed', after_delivery: true });
    expect(refund.amount).toBe(refund.total);
    expect(refund.ledger).toBeLessThan(0);
    // The cancellation: never paid, its stock back through the ledger, audited with the admin's reason.
    const [cancelled] = await ctx.ds.query(
      `SELECT o.paid_at, (SELECT sum(delta)::int FROM stock_movements m WHERE m.order_id = o.id) AS net,
              (SELECT reason FROM audit_log a WHERE a.target_id = o.code AND a.action = 'order.cancel') AS reason
       FROM orders o WHERE o.status = 'cancelled'`,
    );
    expect(cancelled).toMatchObject({ paid_at: null, net: 0 });
    expect(cancelled.reason).toContain(DEMO_HISTORY_NOTE);
  });

  it('keeps every stamp in order and in the past, and leaves no demo mail to send', async () => {
    const [bad] = await ctx.ds.query(
      `SELECT count(*) FILTER (WHERE o.paid_at < o.created_at OR o.closed_at < o.created_at OR o.created_at > now())::int AS orders,
              (SELECT count(*)::int FROM seller_orders so WHERE so.delivered_at < so.shipped_at OR so.shipped_at < so.created_at) AS parts,
              (SELECT count(*)::int FROM order_events e JOIN orders o2 ON o2.id = e.order_id WHERE e.created_at < o2.created_at OR e.created_at > now()) AS events
       FROM orders o`,
    );
    expect(bad).toEqual({ orders: 0, parts: 0, events: 0 });
    const [mail] = await ctx.ds.query(`SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*)::int AS total FROM outbox_emails`);
    expect(mail.total).toBeGreaterThan(0);
    expect(mail.pending).toBe(0);
  });

  it('shows non-zero figures on the admin dashboard, and the last sixty days in the province report', async () => {
    const html = (await admin.get('/admin').expect(200)).text;
    for (const w of ['7d', '30d']) {
      expect(Number(figure(html, `${w}-placed`))).toBeGreaterThan(0);
      expect(Number(figure(html, `${w}-paid`))).toBeGreaterThan(0);
      expect(amount(figure(html, `${w}-collected`))).toBeGreaterThan(0);
    }
    expect(Number(figure(html, '30d-paid'))).toBeGreaterThan(Number(figure(html, '7d-paid')));

    const today = todayInVietnam(new Date());
    const report = (await admin.get(`/admin/reports?from=${addIsoDays(today, -60)}&to=${today}`).expect(200)).text;
    const orders = Number(figure(report, 'total-orders'));
    expect(orders).toBeGreaterThan(50);
    expect(amount(figure(report, 'total-sales'))).toBeGreaterThan(1_000_000);
    expect(Number(figure(report, 'total-selling'))).toBeGreaterThanOrEqual(5);
    // The month before the history began has nothing.
    const before = (await admin.get(`/admin/reports?from=${addIsoDays(today, -120)}&to=${addIsoDays(today, -62)}`).expect(200)).text;
    expect(figure(before, 'total-orders')).toBe('0');
  });

  it('fills the payout ledger: balances, a payout a month ago, delivered sales and the refund', async () => {
    const balances = (await admin.get('/admin/payouts').expect(200)).text;
    const [coop] = await ctx.ds.query(
      `SELECT s.id, s.name FROM sellers s JOIN payouts p ON p.seller_id = s.id ORDER BY (s.name = 'HTX Ong mật xã Lương Thịnh') DESC, s.id LIMIT 1`,
    );
    expect(decodeHtml(balances)).toContain(coop.name);
    const kinds = (await ctx.ds.query(`SELECT kind, count(*)::int AS n FROM seller_ledger GROUP BY kind ORDER BY kind`)) as { kind: string; n: number }[];
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['sale', 'refund', 'payout']));
    const [payout] = await ctx.ds.query(`SELECT paid_on::text AS "paidOn", note, amount_vnd AS amount FROM payouts WHERE seller_id = $1`, [coop.id]);
    expect(payout.note).toBe(DEMO_HISTORY_NOTE);
    expect(payout.paidOn).toBe(addIsoDays(todayInVietnam(new Date()), -30));
    const statement = decodeHtml((await admin.get(`/admin/payouts/${coop.id}`).expect(200)).text);
    expect(statement).toContain('Đã chuyển tiền cho hợp tác xã');
    expect(statement).toContain('Đơn đã giao');
    expect(statement).toContain('Hoàn tiền cho người mua');
  });

  it('adds nothing when run again', async () => {
    const count = async () => (await ctx.ds.query(`SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM payouts)::int AS payouts`))[0];
    const before = await count();
    expect(await seedDemoHistory(ctx.container)).toBe(0);
    expect(await count()).toEqual(before);
  });
});
