import type { EntityManager } from 'typeorm';
import type { Container } from '../container';
import { WITHHELD_SELLER_TYPES } from '../modules/tax';
import { DEMO_ACCOUNTS } from './demo-accounts';

/** Every order of the history says what it is, on its first event and in the buyer's note. */
export const DEMO_HISTORY_NOTE = 'Dữ liệu minh họa';
/** How far back the history goes. */
export const DEMO_HISTORY_DAYS = 60;

/** The history's buyers: named as demo customers, no password (nobody signs in with them). */
export const DEMO_HISTORY_BUYERS = [
  { email: 'khachdemo.lan@demo.cho-ocop.vn', fullName: 'Khách demo Lan', province: 'Thành phố Hà Nội', commune: 'Phường Ba Đình' },
  { email: 'khachdemo.tuan@demo.cho-ocop.vn', fullName: 'Khách demo Tuấn', province: 'Lào Cai', commune: 'Phường Lào Cai' },
  { email: 'khachdemo.hanh@demo.cho-ocop.vn', fullName: 'Khách demo Hạnh', province: 'Thành phố Hồ Chí Minh', commune: 'Phường Sài Gòn' },
  { email: 'khachdemo.phong@demo.cho-ocop.vn', fullName: 'Khách demo Phong', province: 'Lào Cai', commune: 'Phường Sa Pa' },
  { email: 'khachdemo.thu@demo.cho-ocop.vn', fullName: 'Khách demo Thu', province: 'Thành phố Hải Phòng', commune: 'Phường Hồng Bàng' },
  { email: 'khachdemo.binh@demo.cho-ocop.vn', fullName: 'Khách demo Bình', province: 'Thành phố Đà Nẵng', commune: 'Phường Hải Châu' },
  { email: 'khachdemo.ngoc@demo.cho-ocop.vn', fullName: 'Khách demo Ngọc', province: 'Lào Cai', commune: 'Xã Bắc Hà' },
] as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic generator (mulberry32): the same history on every fresh demo. */
function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Fate = 'to_ship' | 'shipped' | 'delivered' | 'refunded' | 'cancelled';

/** When each step of one order happened (absent: it did not). */
interface Timeline {
  placed: Date;
  paid?: Date;
  shipped?: Date;
  delivered?: Date;
  refunded?: Date;
  cancelled?: Date;
}

interface Placed {
  orderId: number;
  code: string;
  t: Timeline;
}

interface Offer {
  id: number;
  sellerId: number;
  ownerUserId: number;
}

/**
 * Sixty days of orders across the demo cooperatives, so the admin dashboard, its charts, the
 * province report and the payout ledger of a fresh demo show something: paid, shipped and delivered
 * orders, one refunded after delivery and one cancelled before payment, and a payout to each
 * cooperative for what was delivered more than a month ago.
 *
 * Each order goes the real way (cart, checkout, paid, the cooperative ships and delivers, the admin
 * refunds or cancels, the admin records a payout), so stock, ledger, events and audit are written by
 * their owners. The services stamp PostgreSQL's now(); only then does this seed move the stamps of
 * its own rows back in time (backdate below) — demo data only, never a path of the store.
 *
 * Sellers whose tax the platform withholds (households, tổ hợp tác) are left out: that is demo-tax.ts's
 * subject, and their payouts wait for a tax code or citizen ID the demo does not invent.
 * Once only: nothing happens when a history buyer already has an order, or without the demo admin.
 */
export async function seedDemoHistory(container: Container): Promise<number> {
  const ds = container.dataSource;
  const [admin] = (await ds.query(`SELECT id FROM users WHERE email = $1 AND role = 'admin'`, [DEMO_ACCOUNTS.admin.email])) as { id: number }[];
  if (!admin) return 0;
  const [done] = (await ds.query(`SELECT 1 FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE u.email = ANY($1) LIMIT 1`, [
    DEMO_HISTORY_BUYERS.map((b) => b.email),
  ])) as unknown[];
  if (done) return 0;
  const offers = (await ds.query(
    `SELECT p.id, p.seller_id AS "sellerId", s.owner_user_id AS "ownerUserId" FROM products p JOIN sellers s ON s.id = p.seller_id
     WHERE p.status = 'active' AND s.status = 'approved' AND p.stock >= 10
       AND NOT (s.tax_withholding = 'withhold' OR s.tax_withholding = 'by_type' AND s.type = ANY($1::text[]))
     ORDER BY p.id`,
    [WITHHELD_SELLER_TYPES],
  )) as Offer[];
  if (offers.length === 0) return 0;

  const buyers: { id: number; fullName: string; province: string; commune: string }[] = [];
  for (const b of DEMO_HISTORY_BUYERS) {
    const [row] = (await ds.query(
      // Fictitious customers: no mail or Zalo message is ever meant for them.
      `INSERT INTO users (email, full_name, role, notify_email, notify_zalo) VALUES ($1, $2, 'buyer', false, false)
       ON CONFLICT (email) DO UPDATE SET full_name = EXCLUDED.full_name RETURNING id`,
      [b.email, b.fullName],
    )) as { id: number }[];
    buyers.push({ id: row.id, fullName: b.fullName, province: b.province, commune: b.commune });
  }

  const random = randomFrom(20_260_601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const now = Date.now();
  const adminActor = { id: admin.id, role: 'admin' as const };
  const history: Placed[] = [];

  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo >= 1; daysAgo--) {
    // One or two orders a day, a few more on weekends.
    const day = new Date(now - daysAgo * DAY);
    const count = 1 + (random() < 0.35 ? 1 : 0) + ([0, 6].includes(day.getUTCDay()) && random() < 0.5 ? 1 : 0);
    for (let n = 0; n < count; n++) {
      // Between 08:00 and 21:00 Vietnam time (01:00–14:00 UTC).
      const at = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 1) + Math.floor(random() * 13 * HOUR));
      const fate: Fate =
        daysAgo === 24 && n === 0 ? 'refunded' : daysAgo === 12 && n === 0 ? 'cancelled' : daysAgo <= 2 ? 'to_ship' : daysAgo <= 5 ? 'shipped' : 'delivered';
      const first = pick(offers);
      // One order in four buys from a second cooperative too (two parcels, two parts).
      const second = random() < 0.25 ? pick(offers.filter((o) => o.sellerId !== first.sellerId)) : undefined;
      const lines = [first, ...(second ? [second] : [])].map((offer) => ({ offer, quantity: random() < 0.3 ? 2 : 1 }));
      history.push(await placeHistoricOrder(container, { buyer: pick(buyers), lines, fate, at, adminActor }));
    }
  }
  await backdate(ds, history);
  await payOutTheOldDeliveries(container, adminActor, new Date(now - 30 * DAY));
  return history.length;
}

async function placeHistoricOrder(
  container: Container,
  o: {
    buyer: { id: number; fullName: string; province: string; commune: string };
    lines: { offer: Offer; quantity: number }[];
    fate: Fate;
    at: Date;
    adminActor: { id: number; role: 'admin' };
  },
): Promise<Placed> {
  const ds = container.dataSource;
  const owner = { userId: o.buyer.id };
  for (const line of o.lines) await container.cart.addItem(owner, line.offer.id, line.quantity);
  const { code } = await container.orders.checkout({ id: o.buyer.id, role: 'buyer' }, owner, {
    recipientName: o.buyer.fullName,
    phone: '0912000111',
    province: o.buyer.province,
    commune: o.buyer.commune,
    street: 'Số 1 đường Minh Họa',
    note: DEMO_HISTORY_NOTE,
    paymentMethod: 'vietqr',
  });
  const [order] = (await ds.query(`SELECT id FROM orders WHERE code = $1`, [code])) as { id: number }[];
  const t: Timeline = { placed: o.at };
  const later = (from: Date, hours: number) => new Date(from.getTime() + hours * HOUR);

  if (o.fate === 'cancelled') {
    await container.adminOrders.cancel(o.adminActor, code, `Khách gọi điện huỷ vì đặt nhầm (${DEMO_HISTORY_NOTE})`);
    t.cancelled = later(t.placed, 1);
    return { orderId: order.id, code, t };
  }
  await container.orders.markPaid(order.id, { note: DEMO_HISTORY_NOTE });
  t.paid = later(t.placed, 0.4);
  if (o.fate !== 'to_ship') {
    for (const owners of new Set(o.lines.map((l) => l.offer.ownerUserId))) {
      await container.orders.updateSellerOrder({ id: owners, role: 'seller' }, code, { status: 'shipped', trackingNo: `DEMO${order.id}` });
    }
    t.shipped = later(t.paid, 20);
  }
  if (o.fate === 'delivered' || o.fate === 'refunded') {
    for (const owners of new Set(o.lines.map((l) => l.offer.ownerUserId))) {
      await container.orders.updateSellerOrder({ id: owners, role: 'seller' }, code, { status: 'delivered' });
    }
    t.delivered = later(t.shipped!, 46);
  }
  if (o.fate === 'refunded') {
    await container.refunds.refundOrder(o.adminActor, code, `Hàng vỡ khi giao, hoàn tiền cho khách (${DEMO_HISTORY_NOTE})`);
    t.refunded = later(t.delivered!, 26);
  }
  return { orderId: order.id, code, t };
}

/**
 * The demo's only write outside the services: the rows the history's orders left behind, stamped
 * "now" by PostgreSQL, are moved to each order's place in the history (one statement per table for
 * all orders). Nothing reads these stamps as state (deadlines compare with the clock; these orders
 * are settled or past them), so the store behaves as if the orders had happened then.
 */
async function backdate(ds: Container['dataSource'], history: Placed[]): Promise<void> {
  const column = (f: (t: Timeline) => Date | undefined) => history.map((h) => f(h.t) ?? null);
  const closed = (t: Timeline) => t.refunded ?? t.cancelled ?? t.delivered;
  const last = (t: Timeline) => t.refunded ?? t.cancelled ?? t.delivered ?? t.shipped ?? t.paid ?? t.placed;
  const params = [
    history.map((h) => h.orderId),
    history.map((h) => h.code),
    column((t) => t.placed),
    column((t) => t.paid),
    column((t) => t.shipped),
    column((t) => t.delivered),
    column(closed),
    column(last),
  ];
  const h = `unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[])
    AS h(order_id, code, placed, paid, shipped, delivered, closed, last)`;
  await ds.transaction(async (m: EntityManager) => {
    await m.query(
      `UPDATE orders o SET created_at = h.placed, updated_at = h.last,
         reserved_until = h.placed + (o.reserved_until - o.created_at),
         first_reserved_until = h.placed + (o.first_reserved_until - o.created_at),
         paid_at = CASE WHEN o.paid_at IS NULL THEN NULL ELSE h.paid END,
         closed_at = CASE WHEN o.closed_at IS NULL THEN NULL ELSE h.closed END
       FROM ${h} WHERE o.id = h.order_id`,
      params,
    );
    await m.query(
      `UPDATE seller_orders so SET created_at = h.placed, updated_at = h.last,
         shipped_at = CASE WHEN so.shipped_at IS NULL THEN NULL ELSE h.shipped END,
         delivered_at = CASE WHEN so.delivered_at IS NULL THEN NULL ELSE h.delivered END,
         cancelled_at = CASE WHEN so.cancelled_at IS NULL THEN NULL ELSE h.closed END
       FROM ${h} WHERE so.order_id = h.order_id`,
      params,
    );
    // Each event at its step: placed, paid (the parts to ship), shipped, delivered (the order completed), refunded or cancelled.
    await m.query(
      `UPDATE order_events e SET created_at = CASE e.to_status
         WHEN 'paid' THEN h.paid WHEN 'to_ship' THEN h.paid WHEN 'shipped' THEN h.shipped
         WHEN 'delivered' THEN h.delivered WHEN 'completed' THEN h.delivered
         WHEN 'refunded' THEN h.closed WHEN 'cancelled' THEN h.closed ELSE h.placed END
       FROM ${h} WHERE e.order_id = h.order_id`,
      params,
    );
    await m.query(
      `UPDATE stock_movements sm SET created_at = CASE WHEN sm.reason = 'release' THEN h.closed ELSE h.placed END
       FROM ${h} WHERE sm.order_id = h.order_id`,
      params,
    );
    await m.query(
      `UPDATE seller_ledger l SET created_at = CASE WHEN l.kind IN ('refund', 'commission_reversal') THEN h.closed ELSE h.delivered END
       FROM ${h} JOIN seller_orders so ON so.order_id = h.order_id WHERE l.seller_order_id = so.id`,
      params,
    );
    await m.query(`UPDATE refunds r SET created_at = h.closed, updated_at = h.closed FROM ${h} WHERE r.order_id = h.order_id`, params);
    await m.query(`UPDATE audit_log a SET created_at = h.closed FROM ${h} WHERE a.target_type = 'order' AND a.target_id = h.code`, params);
    // The cooperatives' mail about these orders belongs to their time: nothing is left to send now.
    await m.query(
      `UPDATE outbox_emails x SET status = 'sent', created_at = h.placed, next_attempt_at = h.placed, sent_at = h.placed
       FROM ${h} WHERE x.dedupe_key LIKE 'order:' || h.order_id || ':%' AND x.status = 'pending'`,
      params,
    );
  });
}

/**
 * A month ago the platform paid each cooperative what it had earned by then (its ledger up to that
 * day), through the payouts service, dated that day.
 */
async function payOutTheOldDeliveries(container: Container, adminActor: { id: number; role: 'admin' }, on: Date): Promise<void> {
  const ds = container.dataSource;
  const owed = (await ds.query(
    `SELECT seller_id AS "sellerId", sum(amount_vnd)::int AS amount FROM seller_ledger
     WHERE created_at < $1 GROUP BY seller_id HAVING sum(amount_vnd) > 0 ORDER BY seller_id`,
    [on],
  )) as { sellerId: number; amount: number }[];
  const paidOn = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(on);
  for (const { sellerId, amount } of owed) {
    const bankReference = `DEMO-CK-${paidOn.replaceAll('-', '')}-${sellerId}`;
    await container.payouts.recordPayout(adminActor, sellerId, { amountVnd: amount, bankReference, paidOn, note: DEMO_HISTORY_NOTE });
    // Backdated like the orders above: the transfer was recorded on the day it was made.
    await ds.transaction(async (m: EntityManager) => {
      await m.query(`UPDATE payouts SET created_at = $3 WHERE seller_id = $1 AND bank_reference = $2`, [sellerId, bankReference, on]);
      await m.query(`UPDATE seller_ledger SET created_at = $3 WHERE seller_id = $1 AND kind = 'payout' AND note = $2`, [sellerId, bankReference, on]);
      await m.query(`UPDATE audit_log SET created_at = $3 WHERE action = 'seller.payout' AND target_id = $1::text AND reason = $2`, [
        sellerId,
        bankReference,
        on,
      ]);
    });
  }
}
