import type { EntityManager } from 'typeorm';
import { SqlParams } from '../../db/sql-params';
import type { StockService } from '../inventory';
import { queueOrderEmails, type OrderEvent, type OrderFacts } from './order-emails';
import type { DeliveryLedger } from './orders.service';
import { ordersMovableTo, sellerOrdersMovableTo, type OrderStatus, type SellerOrderStatus } from './order-state';
import { msg, translate } from '../../rendering/i18n';

/**
 * A status move: one order, one seller order (a cooperative's part), or every part of an order at
 * once (`parts`: they follow their order's move, whose event and mail tell the story, so they write
 * none of their own). `only` narrows the transition table's "from" for a caller that means one
 * particular move; it never widens it.
 */
export type Move =
  | { kind: 'order'; orderId: number; to: OrderStatus; only?: readonly OrderStatus[]; paidAmountVnd?: number }
  | { kind: 'sellerOrder'; sellerOrderId: number; to: SellerOrderStatus; only?: readonly SellerOrderStatus[]; trackingNo?: string }
  | { kind: 'parts'; orderId: number; to: SellerOrderStatus; only?: readonly SellerOrderStatus[] };

/** Who made the move and what they said: the event row's actor and note; `tellBuyer` is added to the buyer's mail. */
export interface MoveBy {
  actorId: number | null;
  note?: string | null;
  tellBuyer?: string;
}

/**
 * What else happens in the transaction that makes an order paid: the tax module withholds a
 * household seller's VAT and PIT (issue 17). A port, so orders does not import tax.
 */
export interface PaidHook {
  orderPaid(manager: EntityManager, orderId: number): Promise<void>;
}

/** Channels beside mail (Zalo ZNS): told of the same news in the same transaction as the move and its mail. */
export interface OrderNotifier {
  orderEvent(manager: EntityManager, orderId: number, event: OrderEvent, extra?: { sellerOrderId?: number; trackingNo?: string }): Promise<void>;
}

export interface Moved {
  id: number;
  orderId: number;
  from: string;
}

/**
 * What entering a state stamps besides the status. Record stamps are PostgreSQL's now(): nothing
 * compares them with the injected clock (deadlines such as reserved_until are the clock's).
 */
const ORDER_STAMPS: Record<OrderStatus, (move: Extract<Move, { kind: 'order' }>, params: SqlParams) => string[]> = {
  pending_payment: () => [],
  // What was paid: the amount received, or the order's total when an admin or a test marks it paid.
  paid: (m, params) => ['paid_at = now()', `paid_amount_vnd = coalesce(${params.add(m.paidAmountVnd ?? null)}::bigint, total_vnd)`, 'closed_at = NULL'],
  completed: () => ['closed_at = now()'],
  cancelled: () => ['closed_at = now()'],
  expired: () => ['closed_at = now()'],
  refunded: () => ['closed_at = now()'],
};

const SELLER_ORDER_STAMPS: Record<SellerOrderStatus, string[]> = {
  awaiting_payment: [],
  // CASE: a late payment brings a cancelled part back.
  to_ship: ['cancelled_at = NULL'],
  shipped: ['shipped_at = now()'],
  delivered: ['delivered_at = now()'],
  cancelled: ['cancelled_at = now()'],
};

/** The mail a move queues (the outbox row is written in the same transaction). */
const ORDER_MAIL: Partial<Record<OrderStatus, OrderEvent>> = { paid: 'paid', cancelled: 'cancelled', expired: 'expired' };
const SELLER_ORDER_MAIL: Partial<Record<SellerOrderStatus, OrderEvent>> = { shipped: 'shipped' };

/**
 * The one writer of `orders`, `seller_orders` and `order_events` after checkout has created them.
 * Every status change goes through `transition`: a conditional UPDATE whose WHERE is the transition
 * table's, its event row and its mail, all in the caller's transaction. Other modules (payments,
 * admin, sellers) call the intent-named methods below, never their own UPDATE.
 */
export class OrderLifecycle {
  constructor(
    private readonly stock: StockService,
    /** Called in the paying transaction once the order and its parts are paid (tax withholding). */
    private readonly paidHook: PaidHook,
    /** PUBLIC_URL: links in mail must be absolute, a mail client has no site to resolve a path against. */
    private readonly publicUrl: string,
    /** The payout ledger: a stall sale is handed over when it is paid, so its part is credited then. */
    private readonly ledger: DeliveryLedger,
    /** Zalo notifications (issue 21): queued beside each mail, in the same transaction. */
    private readonly notifier: OrderNotifier | null = null,
  ) {}

  /**
   * Moves what `move` names from any status the table allows (narrowed by `only`) to `move.to`,
   * records the event and queues the mail. Rows in another status are left alone: the caller reads
   * an empty answer as "someone else moved it first" or "not allowed".
   */
  async transition(manager: EntityManager, move: Move, by: MoveBy): Promise<Moved[]> {
    const params = new SqlParams();
    const target = params.add(move.kind === 'sellerOrder' ? move.sellerOrderId : move.orderId);
    const status = params.add(move.to);
    const table = move.kind === 'order' ? 'orders' : 'seller_orders';
    const scope = move.kind === 'parts' ? 'order_id' : 'id';
    let sets: string[];
    let from: string[];
    if (move.kind === 'order') {
      sets = ORDER_STAMPS[move.to](move, params);
      from = ordersMovableTo(move.to, move.only);
    } else {
      sets = [...SELLER_ORDER_STAMPS[move.to]];
      if (move.kind === 'sellerOrder' && move.trackingNo) sets.push(`tracking_no = ${params.add(move.trackingNo)}`);
      from = sellerOrdersMovableTo(move.to, move.only);
    }
    // The locking sub-select reads each row's status as it is when the move happens: that is the event's "from".
    const [moved] = (await manager.query(
      `UPDATE ${table} SET status = ${status}, ${[...sets, 'updated_at = now()'].join(', ')}
       FROM (SELECT id, status FROM ${table} WHERE ${scope} = ${target} AND status = ANY(${params.add(from)}) ORDER BY id FOR UPDATE) was
       WHERE ${table}.id = was.id
       RETURNING ${table}.id, ${table === 'orders' ? 'orders.id' : 'seller_orders.order_id'} AS "orderId", was.status AS "from"`,
      params.values,
    )) as [Moved[], number];
    if (move.kind === 'parts') return moved;
    for (const row of moved) {
      await manager.query(`INSERT INTO order_events (order_id, seller_order_id, from_status, to_status, actor_user_id, note) VALUES ($1, $2, $3, $4, $5, $6)`, [
        row.orderId,
        move.kind === 'sellerOrder' ? row.id : null,
        row.from,
        move.to,
        by.actorId,
        by.note ?? null,
      ]);
      const mail = move.kind === 'order' ? ORDER_MAIL[move.to] : SELLER_ORDER_MAIL[move.to];
      if (mail) {
        const extra = move.kind === 'sellerOrder' ? { sellerOrderId: row.id, trackingNo: move.trackingNo } : { reason: by.tellBuyer };
        await queueOrderEmails(manager, await this.facts(manager, row.orderId), mail, extra);
        await this.notifier?.orderEvent(manager, row.orderId, mail, extra);
      }
    }
    return moved;
  }

  /** A part shipped: the batch (lô) each item left from, by item id (null: none), as traceability chose it. */
  async recordBatches(manager: EntityManager, sellerOrderId: number, batches: ReadonlyMap<number, number | null>): Promise<void> {
    if (batches.size === 0) return;
    await manager.query(
      `UPDATE order_items i SET batch_id = v.batch_id
       FROM unnest($2::int[], $3::int[]) AS v(item_id, batch_id)
       WHERE i.id = v.item_id AND i.seller_order_id = $1`,
      [sellerOrderId, [...batches.keys()], [...batches.values()]],
    );
  }

  /** Checkout created the order: its first event and the "placed" mail. */
  async placed(manager: EntityManager, orderId: number, actorId: number | null): Promise<void> {
    await manager.query(`INSERT INTO order_events (order_id, from_status, to_status, actor_user_id) VALUES ($1, NULL, 'pending_payment', $2)`, [
      orderId,
      actorId,
    ]);
    await queueOrderEmails(manager, await this.facts(manager, orderId), 'placed');
    await this.notifier?.orderEvent(manager, orderId, 'placed');
  }

  private async facts(manager: EntityManager, orderId: number) {
    const [row] = (await manager.query(
      `SELECT o.id, o.code, o.total_vnd AS "totalVnd", o.channel, u.email AS "buyerEmail", u.full_name AS "buyerName", u.language AS "buyerLanguage"
       FROM orders o LEFT JOIN users u ON u.id = o.buyer_user_id WHERE o.id = $1`,
      [orderId],
    )) as Omit<OrderFacts, 'baseUrl'>[];
    return { ...row, baseUrl: this.publicUrl };
  }

  // ---- paid and revived ----

  /** pending_payment → paid, and every part → to_ship. False when the order was not waiting for payment. */
  async markPaid(manager: EntityManager, orderId: number, options: { actorUserId?: number | null; note?: string; amountVnd?: number } = {}): Promise<boolean> {
    const moved = await this.transition(
      manager,
      { kind: 'order', orderId, to: 'paid', only: ['pending_payment'], paidAmountVnd: options.amountVnd },
      { actorId: options.actorUserId ?? null, note: options.note },
    );
    if (moved.length === 0) return false;
    await this.transition(manager, { kind: 'parts', orderId, to: 'to_ship', only: ['awaiting_payment'] }, { actorId: options.actorUserId ?? null });
    await this.paidHook.orderPaid(manager, orderId);
    await this.flagIfSellerSuspended(manager, orderId);
    await this.handOverIfStallSale(manager, orderId, options.actorUserId ?? null);
    return true;
  }

  /**
   * A stall sale paid is a sale handed over: the goods left the stall with the customer, so its part
   * is delivered at once (to_ship → shipped → delivered, events included), credited to the payout
   * ledger, and the order completes. Online orders are left alone.
   */
  private async handOverIfStallSale(manager: EntityManager, orderId: number, actorId: number | null): Promise<void> {
    const [order] = (await manager.query(`SELECT channel FROM orders WHERE id = $1`, [orderId])) as { channel: string }[];
    if (order?.channel !== 'stall') return;
    const by = { actorId, note: msg('seller.note.stallHandover') };
    const parts = (await manager.query(`SELECT id FROM seller_orders WHERE order_id = $1 AND status = 'to_ship' ORDER BY id`, [orderId])) as { id: number }[];
    for (const part of parts) {
      await this.transition(manager, { kind: 'sellerOrder', sellerOrderId: part.id, to: 'shipped', only: ['to_ship'] }, by);
      const delivered = await this.transition(manager, { kind: 'sellerOrder', sellerOrderId: part.id, to: 'delivered', only: ['shipped'] }, by);
      if (delivered.length > 0) await this.ledger.recordDelivered(manager, part.id);
    }
    await this.completeIfSettled(manager, orderId, actorId);
  }

  /**
   * CASE: a checkout that raced a cooperative's suspension left an unpaid order the suspension did
   * not see; once it is paid, an admin decides (refund from the review list), like every paid order
   * of a suspended cooperative.
   */
  private async flagIfSellerSuspended(manager: EntityManager, orderId: number): Promise<void> {
    const [suspended] = (await manager.query(
      `SELECT 1 FROM seller_orders so JOIN sellers s ON s.id = so.seller_id WHERE so.order_id = $1 AND s.status <> 'approved' LIMIT 1`,
      [orderId],
    )) as unknown[];
    if (suspended) await this.flagForReview(manager, orderId, 'Thanh toán cho đơn có hợp tác xã đang bị tạm ngừng: xem xét hoàn tiền', 'append');
  }

  /**
   * CASE: money arrived for an order that had expired or been cancelled. If every line's stock is
   * still there it is reserved again and the order becomes paid; otherwise nothing changes and the
   * caller refunds. Rows are locked in product-id order before anything is taken.
   */
  async revivePaidLate(manager: EntityManager, orderId: number, amountVnd: number): Promise<boolean> {
    const late: OrderStatus[] = ['expired', 'cancelled'];
    const [order] = (await manager.query(`SELECT status, channel FROM orders WHERE id = $1 FOR UPDATE`, [orderId])) as {
      status: OrderStatus;
      channel: 'online' | 'stall';
    }[];
    if (!order || !late.includes(order.status)) return false;
    // CASE: a cooperative of the order was suspended (which is what cancelled it): it cannot ship, so the money goes back.
    const [notSelling] = (await manager.query(
      `SELECT 1 FROM seller_orders so JOIN sellers s ON s.id = so.seller_id WHERE so.order_id = $1 AND s.status <> 'approved' LIMIT 1`,
      [orderId],
    )) as unknown[];
    if (notSelling) return false;
    const items = (await manager.query(
      `SELECT i.product_id, sum(i.quantity)::int AS quantity, p.stock FROM order_items i JOIN products p ON p.id = i.product_id
       WHERE i.order_id = $1 GROUP BY i.product_id, p.stock ORDER BY i.product_id`,
      [orderId],
    )) as { product_id: number; quantity: number; stock: number }[];
    await manager.query(`SELECT id FROM products WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [items.map((i) => i.product_id)]);
    const [short] = (await manager.query(
      `SELECT 1 FROM products p JOIN (SELECT product_id, sum(quantity) AS q FROM order_items WHERE order_id = $1 GROUP BY product_id) i
         ON i.product_id = p.id WHERE p.stock < i.q LIMIT 1`,
      [orderId],
    )) as unknown[];
    if (short) return false;
    for (const item of items) {
      await this.stock.applyChange(manager, {
        productId: item.product_id,
        delta: -item.quantity,
        reason: order.channel === 'stall' ? 'stall_sale' : 'sale',
        orderId,
        note: 'Giữ lại hàng cho thanh toán đến muộn',
      });
    }
    await this.transition(
      manager,
      { kind: 'order', orderId, to: 'paid', only: late, paidAmountVnd: amountVnd },
      { actorId: null, note: msg('admin.note.latePayment') },
    );
    await this.transition(manager, { kind: 'parts', orderId, to: 'to_ship', only: ['cancelled'] }, { actorId: null });
    await this.paidHook.orderPaid(manager, orderId);
    await this.handOverIfStallSale(manager, orderId, null);
    return true;
  }

  // ---- cancelled and expired ----

  /** Cancels an unpaid order (the buyer, an admin), its stock back. False when it was no longer unpaid. */
  cancelUnpaid(manager: EntityManager, orderId: number, actorId: number, note?: string, tellBuyer?: string): Promise<boolean> {
    return this.releaseUnpaid(manager, orderId, 'cancelled', actorId, note, tellBuyer);
  }

  /** The reservation ended unpaid (the sweeper, Stripe's "session expired"): stock back. */
  expire(manager: EntityManager, orderId: number): Promise<boolean> {
    return this.releaseUnpaid(manager, orderId, 'expired', null);
  }

  /**
   * Ends an unpaid order and returns its stock. The conditional status update decides who wins
   * between a buyer's cancel and the sweeper: the loser changes nothing.
   */
  private async releaseUnpaid(manager: EntityManager, orderId: number, to: 'cancelled' | 'expired', actorId: number | null, note?: string, tellBuyer?: string) {
    const moved = await this.transition(manager, { kind: 'order', orderId, to, only: ['pending_payment'] }, { actorId, note, tellBuyer });
    if (moved.length === 0) return false;
    await this.returnStock(manager, { orderId }, actorId);
    await this.transition(manager, { kind: 'parts', orderId, to: 'cancelled', only: ['awaiting_payment'] }, { actorId });
    return true;
  }

  /**
   * A cooperative was suspended (in the caller's transaction, which holds its row). Its unpaid orders
   * are cancelled whole — one payment covers every part, so a part cannot go alone — with their stock
   * returned like any cancel and the buyer told why. Its paid orders with a part still to ship or on
   * the way go to the admins' review list, where they can be refunded.
   */
  async settleForSuspendedSeller(
    manager: EntityManager,
    seller: { id: number; name: string },
    actorId: number,
    reason: string,
  ): Promise<{ cancelled: string[]; flagged: string[] }> {
    const unpaid = (await manager.query(
      `SELECT o.id, o.code FROM orders o
       WHERE o.status = ANY($2) AND EXISTS (SELECT 1 FROM seller_orders so WHERE so.order_id = o.id AND so.seller_id = $1)
       ORDER BY o.id FOR UPDATE`,
      [seller.id, ordersMovableTo('cancelled')],
    )) as { id: number; code: string }[];
    // The buyer's mail gets the token (written in the buyer's language); the history keeps the Vietnamese
    // sentence, which the back office shows in its reader's language (admin/review-reasons.ts).
    const forBuyer = msg('order.note.sellerSuspended', { name: seller.name });
    const note = translate('vi', 'order.note.sellerSuspended', { name: seller.name });
    const cancelled: string[] = [];
    for (const order of unpaid) {
      if (await this.cancelUnpaid(manager, order.id, actorId, note, forBuyer)) cancelled.push(order.code);
    }
    const [flagged] = (await manager.query(
      `UPDATE orders o SET needs_review = true, review_reason = concat_ws('; ', CASE WHEN o.needs_review THEN o.review_reason END, $3::text), updated_at = now()
       WHERE o.status = 'paid' AND EXISTS (SELECT 1 FROM seller_orders so WHERE so.order_id = o.id AND so.seller_id = $1 AND so.status = ANY($2))
       RETURNING o.code`,
      [
        seller.id,
        ['to_ship', 'shipped'],
        // Stored in Vietnamese like every review reason; the back office reads it back in its reader's language.
        translate('vi', 'admin.reason.sellerSuspended', { name: seller.name, reason }),
      ],
    )) as [{ code: string }[], number];
    return { cancelled, flagged: flagged.map((o) => o.code) };
  }

  /**
   * Puts the reserved units of an order (or of one cooperative's part of it) back on the shelf, one
   * ledger row per product, in product-id order like every other stock change.
   */
  async returnStock(manager: EntityManager, scope: { orderId: number; sellerOrderId?: number }, actorId: number | null): Promise<void> {
    const items = (await manager.query(
      `SELECT product_id, sum(quantity)::int AS quantity FROM order_items
       WHERE order_id = $1 AND ($2::int IS NULL OR seller_order_id = $2) GROUP BY product_id ORDER BY product_id`,
      [scope.orderId, scope.sellerOrderId ?? null],
    )) as { product_id: number; quantity: number }[];
    for (const item of items) {
      await this.stock.applyChange(manager, {
        productId: item.product_id,
        delta: item.quantity,
        reason: 'release',
        orderId: scope.orderId,
        actorUserId: actorId,
      });
    }
  }

  // ---- completed and refunded ----

  /** Every part delivered or cancelled, at least one delivered → the order is completed. */
  async completeIfSettled(manager: EntityManager, orderId: number, actorId: number | null): Promise<void> {
    const [state] = (await manager.query(
      `SELECT bool_and(status IN ('delivered', 'cancelled')) AS settled, bool_or(status = 'delivered') AS any_delivered
       FROM seller_orders WHERE order_id = $1`,
      [orderId],
    )) as { settled: boolean; any_delivered: boolean }[];
    if (!state.settled || !state.any_delivered) return;
    await this.transition(manager, { kind: 'order', orderId, to: 'completed' }, { actorId });
  }

  /** A whole-order refund: the parts not shipped yet are cancelled and their stock goes back, part by part. */
  async cancelPartsToShip(manager: EntityManager, orderId: number, actorId: number): Promise<void> {
    const moved = await this.transition(manager, { kind: 'parts', orderId, to: 'cancelled', only: ['to_ship'] }, { actorId });
    for (const part of moved.sort((a, b) => a.id - b.id)) await this.returnStock(manager, { orderId, sellerOrderId: part.id }, actorId);
  }

  /** paid or completed → refunded. False when the order was in neither. */
  async markRefunded(manager: EntityManager, orderId: number, by: { actorId: number; note?: string | null }): Promise<boolean> {
    return (await this.transition(manager, { kind: 'order', orderId, to: 'refunded' }, by)).length > 0;
  }

  /** Money given back is counted on the order at once: the CHECK (refunded ≤ paid) makes "never more" a database fact. */
  async addRefunded(manager: EntityManager, orderId: number, amountVnd: number): Promise<void> {
    await manager.query(`UPDATE orders SET refunded_amount_vnd = refunded_amount_vnd + $2, updated_at = now() WHERE id = $1`, [orderId, amountVnd]);
  }

  // ---- the admins' review list ----

  /**
   * Puts the order on the admins' review list. A payment problem says what it is now (`replace`);
   * a suspension adds its reason to whatever was already noted (`append`).
   */
  async flagForReview(manager: EntityManager, orderId: number, reason: string, how: 'replace' | 'append'): Promise<void> {
    const text = how === 'append' ? `concat_ws('; ', CASE WHEN needs_review THEN review_reason END, $2::text)` : '$2';
    await manager.query(`UPDATE orders SET needs_review = true, review_reason = ${text}, updated_at = now() WHERE id = $1`, [orderId, reason]);
  }

  // ---- card sessions (the pay page) ----

  /**
   * Claims the order's next card attempt, only if nobody moved the order since `seen` was read
   * (reserved_until moves only here). The answer is the attempt's number, or null when another
   * request claimed it first.
   */
  async claimCardAttempt(
    manager: EntityManager,
    seen: { orderId: number; attempts: number; sessionId: string | null },
    next: { reservedUntil: Date; sessionExpiresAt: Date },
  ): Promise<number | null> {
    const [claimed] = (
      await manager.query(
        `UPDATE orders SET payment_attempts = payment_attempts + 1, payment_method = 'stripe',
              first_reserved_until = coalesce(first_reserved_until, reserved_until), reserved_until = $3,
              stripe_session_id = NULL, stripe_session_url = NULL, stripe_session_expires_at = $4, updated_at = now()
       WHERE id = $1 AND status = 'pending_payment' AND payment_attempts = $2 AND stripe_session_id IS NOT DISTINCT FROM $5::text
       RETURNING payment_attempts AS attempt`,
        [seen.orderId, seen.attempts, next.reservedUntil, next.sessionExpiresAt, seen.sessionId],
      )
    )[0] as { attempt: number }[];
    return claimed?.attempt ?? null;
  }

  /** Stores the Stripe session of its own attempt only: a slow answer never replaces a newer session. */
  async storeCardSession(manager: EntityManager, orderId: number, attempt: number, session: { id: string; url: string }): Promise<void> {
    await manager.query(`UPDATE orders SET stripe_session_id = $3, stripe_session_url = $4 WHERE id = $1 AND payment_attempts = $2`, [
      orderId,
      attempt,
      session.id,
      session.url,
    ]);
  }
}
