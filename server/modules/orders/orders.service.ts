import type { DataSource, EntityManager } from 'typeorm';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import type { Actor } from '../accounts/actor';
import { assertWithinOrderLimit } from '../cart';
import type { CartOwner, CartService, CartView } from '../cart/cart.service';
import { InsufficientStockError, type StockService } from '../inventory';
import type { SellersService } from '../sellers/sellers.service';
import { newOrderCode } from './order-code';
import { queueOrderEmails, type OrderEvent } from './order-emails';
import {
  ORDER_STATUS_LABELS,
  SELLER_ORDER_STATUS_LABELS,
  ordersMovableTo,
  sellerOrdersMovableTo,
  type OrderStatus,
  type SellerOrderStatus,
} from './order-state';
import type { CheckoutInput } from './orders.schemas';

export class CheckoutBlockedError extends AppError {
  /** `cart`: the cart as checkout found it, when that is what blocked it (the page shows it again as is). */
  constructor(
    message: string,
    readonly cart?: CartView,
  ) {
    super(message, 409, 'checkout_blocked');
  }
}

export interface OrderItemView {
  productId: number;
  productName: string;
  productSlug: string;
  unit: string;
  unitPriceVnd: number;
  quantity: number;
  lineTotalVnd: number;
}

export interface SellerOrderView {
  id: number;
  sellerId: number;
  sellerName: string;
  sellerSlug: string;
  status: SellerOrderStatus;
  statusLabel: string;
  itemsTotalVnd: number;
  shippingFeeVnd: number;
  totalVnd: number;
  trackingNo: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  items: OrderItemView[];
}

export interface OrderView {
  id: number;
  code: string;
  buyerUserId: number;
  status: OrderStatus;
  statusLabel: string;
  paymentMethod: 'stripe' | 'vietqr';
  recipientName: string;
  phone: string;
  province: string;
  commune: string;
  street: string;
  note: string | null;
  itemsTotalVnd: number;
  shippingTotalVnd: number;
  totalVnd: number;
  reservedUntil: Date;
  paidAt: Date | null;
  createdAt: Date;
  parts: SellerOrderView[];
}

export interface OrderSummary {
  code: string;
  status: OrderStatus;
  statusLabel: string;
  totalVnd: number;
  createdAt: Date;
  parcels: number;
}

interface OrderRow {
  id: number;
  code: string;
  buyer_user_id: number;
  status: OrderStatus;
  total_vnd: number;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Checkout and the order's life. Stock is reserved by conditional updates in product-id order
 * (so two carts never deadlock) and returned exactly once, by whichever of cancel/expiry wins the
 * conditional status update.
 */
/** What the payment module does when a cooperative cancels a part the buyer already paid for. */
export interface PartRefunds {
  /** In the cancelling transaction: record what is owed back for that part. */
  recordPartRefund(manager: EntityManager, sellerOrderId: number, actorUserId: number): Promise<void>;
  /** After commit: carry out requested refunds (network calls happen here, never inside a transaction). */
  processRequested(): Promise<void>;
}

/** What the payouts module records when a part is delivered. */
export interface DeliveryLedger {
  recordDelivered(manager: EntityManager, sellerOrderId: number): Promise<void>;
}

export class OrdersService {
  private refunds?: PartRefunds;
  private ledger?: DeliveryLedger;

  useLedger(ledger: DeliveryLedger): void {
    this.ledger = ledger;
  }

  /** Set once by the composition root (payments depends on orders, so it cannot be a constructor argument). */
  useRefunds(refunds: PartRefunds): void {
    this.refunds = refunds;
  }

  constructor(
    private readonly dataSource: DataSource,
    private readonly cart: CartService,
    private readonly stock: StockService,
    private readonly sellers: SellersService,
    private readonly clock: Clock,
    private readonly reservationMinutes: number,
    /** PUBLIC_URL: links in mail must be absolute, a mail client has no site to resolve a path against. */
    private readonly publicUrl: string,
  ) {}

  async checkout(actor: Actor, owner: CartOwner, input: CheckoutInput): Promise<{ code: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction((manager) => this.placeOrder(manager, actor, owner, input));
      } catch (err) {
        // CASE: the random order code collided with an existing one; draw another.
        if ((err as { code?: string }).code === UNIQUE_VIOLATION && /orders_code/.test(String((err as { constraint?: string }).constraint)) && attempt < 3) continue;
        throw err;
      }
    }
  }

  private async placeOrder(manager: EntityManager, actor: Actor, owner: CartOwner, input: CheckoutInput): Promise<{ code: string }> {
    // One checkout per cart at a time: a double click waits, then finds the cart empty.
    const cartId = await this.cart.lockCart(manager, owner);
    if (!cartId) throw new CheckoutBlockedError('Giỏ hàng của bạn đang trống.');
    const view = await this.cart.viewOf(manager, cartId);
    if (view.groups.length === 0) throw new CheckoutBlockedError('Giỏ hàng của bạn đang trống.', view);
    if (view.blocked) {
      const problems = view.groups.flatMap((g) =>
        g.lines.flatMap((l) =>
          l.unavailable ? [`“${l.name}” không còn được bán`]
          : l.soldOut ? [`“${l.name}” đã hết hàng`]
          : l.shortOfStock ? [`“${l.name}” chỉ còn ${l.stock}`]
          : l.priceChanged ? [`giá “${l.name}” đã thay đổi`]
          : [],
        ),
      );
      throw new CheckoutBlockedError(`Giỏ hàng đã thay đổi: ${problems.join('; ')}. Vui lòng xem lại giỏ hàng.`, view);
    }
    assertWithinOrderLimit(view.totalVnd);
    const now = this.clock.now();
    const reservedUntil = new Date(now.getTime() + this.reservationMinutes * 60_000);
    const code = newOrderCode();
    const [order] = (await manager.query(
      `INSERT INTO orders (code, buyer_user_id, status, payment_method, recipient_name, phone, province, commune, street, note,
                           items_total_vnd, shipping_total_vnd, total_vnd, reserved_until)
       VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [code, actor.id, input.paymentMethod, input.recipientName, input.phone, input.province, input.commune, input.street,
        input.note || null, view.itemsTotalVnd, view.shippingTotalVnd, view.totalVnd, reservedUntil],
    )) as { id: number }[];

    const reservations: { productId: number; name: string; quantity: number }[] = [];
    for (const group of view.groups) {
      const [part] = (await manager.query(
        `INSERT INTO seller_orders (order_id, seller_id, status, items_total_vnd, shipping_fee_vnd, total_vnd)
         VALUES ($1, $2, 'awaiting_payment', $3, $4, $5) RETURNING id`,
        [order.id, group.sellerId, group.itemsTotalVnd, group.shippingFeeVnd, group.totalVnd],
      )) as { id: number }[];
      for (const line of group.lines) {
        await manager.query(
          `INSERT INTO order_items (order_id, seller_order_id, product_id, product_name, product_slug, unit, unit_price_vnd, quantity, line_total_vnd)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [order.id, part.id, line.productId, line.name, line.slug, line.unit, line.priceVnd, line.quantity, line.lineTotalVnd],
        );
        reservations.push({ productId: line.productId, name: line.name, quantity: line.quantity });
      }
    }
    await this.recordEvent(manager, order.id, null, null, 'pending_payment', actor.id);
    await this.cart.clear(manager, cartId);
    await queueOrderEmails(manager, await this.facts(manager, order.id), 'placed');
    // Stock last, just before the commit: a product row that every buyer of a flash sale wants stays
    // locked as briefly as possible. Product-id order: two checkouts lock shared products in the same order.
    reservations.sort((a, b) => a.productId - b.productId);
    for (const r of reservations) {
      try {
        await this.stock.applyChange(manager, { productId: r.productId, delta: -r.quantity, reason: 'sale', orderId: order.id, actorUserId: actor.id });
      } catch (err) {
        if (err instanceof InsufficientStockError) {
          throw new CheckoutBlockedError(`Rất tiếc, “${r.name}” vừa hết hàng hoặc không còn đủ ${r.quantity} sản phẩm. Đơn hàng chưa được tạo.`);
        }
        throw err;
      }
    }
    return { code };
  }

  private async facts(manager: EntityManager, orderId: number) {
    const [row] = (await manager.query(
      `SELECT o.id, o.code, o.total_vnd AS "totalVnd", u.email AS "buyerEmail", u.full_name AS "buyerName"
       FROM orders o JOIN users u ON u.id = o.buyer_user_id WHERE o.id = $1`,
      [orderId],
    )) as { id: number; code: string; totalVnd: number; buyerEmail: string; buyerName: string }[];
    return { ...row, baseUrl: this.publicUrl };
  }

  private async recordEvent(manager: EntityManager, orderId: number, sellerOrderId: number | null, from: string | null, to: string, actorId: number | null, note?: string) {
    await manager.query(
      `INSERT INTO order_events (order_id, seller_order_id, from_status, to_status, actor_user_id, note) VALUES ($1, $2, $3, $4, $5, $6)`,
      [orderId, sellerOrderId, from, to, actorId, note ?? null],
    );
  }

  /**
   * pending_payment → paid, and every part → to_ship. Idempotent: paying a paid order changes
   * nothing and returns false. Admin and test entry point; payments use markPaidInTx.
   */
  async markPaid(orderId: number, options: { actorUserId?: number | null; note?: string } = {}): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (await this.markPaidInTx(manager, orderId, options)) return true;
      const [order] = (await manager.query(`SELECT status FROM orders WHERE id = $1`, [orderId])) as { status: OrderStatus }[];
      if (!order) throw new NotFoundError('Không tìm thấy đơn hàng.');
      if (order.status === 'paid' || order.status === 'completed') return false;
      throw new ConflictError(`Đơn hàng đang ở trạng thái “${ORDER_STATUS_LABELS[order.status]}”, không thể ghi nhận thanh toán.`, 'order_not_payable');
    });
  }

  /** In the caller's transaction: true when the order moved from pending_payment to paid. */
  async markPaidInTx(manager: EntityManager, orderId: number, options: { actorUserId?: number | null; note?: string; amountVnd?: number } = {}): Promise<boolean> {
    const [rows] = (await manager.query(
      `UPDATE orders SET status = 'paid', paid_at = now(), paid_amount_vnd = coalesce($2, total_vnd), updated_at = now()
       WHERE id = $1 AND status = 'pending_payment' RETURNING id`,
      [orderId, options.amountVnd ?? null],
    )) as [{ id: number }[], number];
    if (rows.length === 0) return false;
    await manager.query(
      `UPDATE seller_orders SET status = 'to_ship', updated_at = now() WHERE order_id = $1 AND status = ANY($2)`,
      [orderId, ['awaiting_payment']],
    );
    await this.recordEvent(manager, orderId, null, 'pending_payment', 'paid', options.actorUserId ?? null, options.note);
    await queueOrderEmails(manager, await this.facts(manager, orderId), 'paid');
    await this.flagIfSellerSuspended(manager, orderId);
    return true;
  }

  /**
   * CASE: a checkout that raced a cooperative's suspension left an unpaid order the suspension did
   * not see; once it is paid, an admin decides (refund from the review list), like every paid order
   * of a suspended cooperative.
   */
  private async flagIfSellerSuspended(manager: EntityManager, orderId: number): Promise<void> {
    await manager.query(
      `UPDATE orders o SET needs_review = true, review_reason = concat_ws('; ', CASE WHEN o.needs_review THEN o.review_reason END, $2::text)
       WHERE o.id = $1 AND EXISTS (SELECT 1 FROM seller_orders so JOIN sellers s ON s.id = so.seller_id WHERE so.order_id = o.id AND s.status <> 'approved')`,
      [orderId, 'Thanh toán cho đơn có hợp tác xã đang bị tạm ngừng: xem xét hoàn tiền'],
    );
  }

  /**
   * CASE: money arrived for an order that had expired or been cancelled. If every line's stock is
   * still there it is reserved again and the order becomes paid; otherwise nothing changes and the
   * caller refunds. Rows are locked in product-id order before anything is taken.
   */
  async revivePaidLate(manager: EntityManager, orderId: number, amountVnd: number): Promise<boolean> {
    const [order] = (await manager.query(`SELECT status FROM orders WHERE id = $1 FOR UPDATE`, [orderId])) as { status: OrderStatus }[];
    if (!order || !['expired', 'cancelled'].includes(order.status)) return false;
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
      await this.stock.applyChange(manager, { productId: item.product_id, delta: -item.quantity, reason: 'sale', orderId, note: 'Giữ lại hàng cho thanh toán đến muộn' });
    }
    await manager.query(
      `UPDATE orders SET status = 'paid', paid_at = now(), paid_amount_vnd = $2, closed_at = NULL, updated_at = now() WHERE id = $1`,
      [orderId, amountVnd],
    );
    await manager.query(`UPDATE seller_orders SET status = 'to_ship', cancelled_at = NULL, updated_at = now() WHERE order_id = $1`, [orderId]);
    await this.recordEvent(manager, orderId, null, order.status, 'paid', null, 'Thanh toán đến sau khi hết hạn giữ hàng');
    await queueOrderEmails(manager, await this.facts(manager, orderId), 'paid');
    return true;
  }

  /**
   * Ends an unpaid order and returns its stock. The conditional status update decides who wins
   * between a buyer's cancel and the sweeper: the loser changes nothing.
   */
  private async releaseUnpaid(
    manager: EntityManager,
    orderId: number,
    to: 'cancelled' | 'expired',
    actorId: number | null,
    note?: string,
    tellBuyer?: string,
  ): Promise<boolean> {
    const [rows] = (await manager.query(
      `UPDATE orders SET status = $2, closed_at = now(), updated_at = now() WHERE id = $1 AND status = ANY($3) RETURNING id`,
      [orderId, to, ordersMovableTo(to)],
    )) as [{ id: number }[], number];
    if (rows.length === 0) return false;
    await this.returnStock(manager, { orderId }, actorId);
    await manager.query(`UPDATE seller_orders SET status = 'cancelled', cancelled_at = now(), updated_at = now() WHERE order_id = $1`, [orderId]);
    await this.recordEvent(manager, orderId, null, 'pending_payment', to, actorId, note);
    await queueOrderEmails(manager, await this.facts(manager, orderId), to as OrderEvent, { reason: tellBuyer });
    return true;
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
      await this.stock.applyChange(manager, { productId: item.product_id, delta: item.quantity, reason: 'release', orderId: scope.orderId, actorUserId: actorId });
    }
  }

  /** In the caller's transaction (a Stripe "session expired" webhook): expire now if still unpaid. */
  expireInTx(manager: EntityManager, orderId: number): Promise<boolean> {
    return this.releaseUnpaid(manager, orderId, 'expired', null);
  }

  /** In the caller's transaction (the back office, which audits it): cancel if still unpaid. */
  cancelUnpaidInTx(manager: EntityManager, orderId: number, actorId: number, reason: string): Promise<boolean> {
    return this.releaseUnpaid(manager, orderId, 'cancelled', actorId, reason);
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
    const forBuyer = `Hợp tác xã “${seller.name}” đã bị tạm ngừng bán hàng trên Chợ OCOP nên đơn chưa thanh toán này được huỷ. Bạn có thể đặt lại các sản phẩm của hợp tác xã khác.`;
    const cancelled: string[] = [];
    for (const order of unpaid) {
      if (await this.releaseUnpaid(manager, order.id, 'cancelled', actorId, forBuyer, forBuyer)) cancelled.push(order.code);
    }
    const [flagged] = (await manager.query(
      `UPDATE orders o SET needs_review = true, review_reason = concat_ws('; ', CASE WHEN o.needs_review THEN o.review_reason END, $3::text), updated_at = now()
       WHERE o.status = 'paid' AND EXISTS (SELECT 1 FROM seller_orders so WHERE so.order_id = o.id AND so.seller_id = $1 AND so.status = ANY($2))
       RETURNING o.code`,
      [seller.id, ['to_ship', 'shipped'], `Hợp tác xã “${seller.name}” bị tạm ngừng (${reason}) khi phần đơn của họ chưa giao xong: liên hệ người mua, hoàn tiền nếu cần`],
    )) as [{ code: string }[], number];
    return { cancelled, flagged: flagged.map((o) => o.code) };
  }

  async cancelByBuyer(actor: Actor, code: string): Promise<void> {
    const order = await this.ownOrder(actor, code);
    const done = await this.dataSource.transaction((manager) => this.releaseUnpaid(manager, order.id, 'cancelled', actor.id));
    if (!done) throw new ConflictError('Chỉ có thể huỷ đơn hàng chưa thanh toán.');
  }

  /**
   * The sweeper: cancels unpaid orders past their reservation and returns their stock. SKIP LOCKED
   * lets several instances sweep at once without taking the same order twice.
   */
  async expireOverdue(limit = 100): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = (await manager.query(
        `SELECT id FROM orders WHERE status = 'pending_payment' AND reserved_until < $1 ORDER BY reserved_until LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [this.clock.now(), limit],
      )) as { id: number }[];
      let expired = 0;
      for (const { id } of due) if (await this.releaseUnpaid(manager, id, 'expired', null)) expired++;
      return expired;
    });
  }

  private async ownOrder(actor: Actor, code: string): Promise<OrderRow> {
    const [order] = (await this.dataSource.query(`SELECT id, code, buyer_user_id, status, total_vnd FROM orders WHERE code = $1`, [code])) as OrderRow[];
    // Someone else's order is "not found", never "forbidden": codes must not be probeable. Admins
    // included: they act through /admin/orders, where every action is audited.
    if (!order || order.buyer_user_id !== actor.id) throw new NotFoundError('Không tìm thấy đơn hàng này.');
    return order;
  }

  async getForBuyer(actor: Actor, code: string): Promise<OrderView> {
    const order = await this.ownOrder(actor, code);
    return this.loadView(order.id);
  }

  async listForBuyer(actor: Actor): Promise<OrderSummary[]> {
    const rows = (await this.dataSource.query(
      `SELECT o.code, o.status, o.total_vnd AS "totalVnd", o.created_at AS "createdAt",
              (SELECT count(*)::int FROM seller_orders so WHERE so.order_id = o.id) AS parcels
       FROM orders o WHERE o.buyer_user_id = $1 ORDER BY o.id DESC LIMIT 100`,
      [actor.id],
    )) as Omit<OrderSummary, 'statusLabel'>[];
    return rows.map((r) => ({ ...r, statusLabel: ORDER_STATUS_LABELS[r.status] }));
  }

  /** The whole order in two queries: the order, then its parts with their items. */
  async loadView(orderId: number, onlySellerId?: number): Promise<OrderView> {
    const [o] = (await this.dataSource.query(
      `SELECT id, code, buyer_user_id AS "buyerUserId", status, payment_method AS "paymentMethod", recipient_name AS "recipientName",
              phone, province, commune, street, note, items_total_vnd AS "itemsTotalVnd", shipping_total_vnd AS "shippingTotalVnd",
              total_vnd AS "totalVnd", reserved_until AS "reservedUntil", paid_at AS "paidAt", created_at AS "createdAt"
       FROM orders WHERE id = $1`,
      [orderId],
    )) as Omit<OrderView, 'statusLabel' | 'parts'>[];
    if (!o) throw new NotFoundError('Không tìm thấy đơn hàng này.');
    const parts = (await this.dataSource.query(
      `SELECT so.id, so.seller_id AS "sellerId", s.name AS "sellerName", s.slug AS "sellerSlug", so.status,
              so.items_total_vnd AS "itemsTotalVnd", so.shipping_fee_vnd AS "shippingFeeVnd", so.total_vnd AS "totalVnd",
              so.tracking_no AS "trackingNo", so.shipped_at AS "shippedAt", so.delivered_at AS "deliveredAt",
              coalesce(json_agg(json_build_object('productId', i.product_id, 'productName', i.product_name, 'productSlug', i.product_slug,
                'unit', i.unit, 'unitPriceVnd', i.unit_price_vnd, 'quantity', i.quantity, 'lineTotalVnd', i.line_total_vnd) ORDER BY i.id), '[]') AS items
       FROM seller_orders so JOIN sellers s ON s.id = so.seller_id JOIN order_items i ON i.seller_order_id = so.id
       WHERE so.order_id = $1 ${onlySellerId ? 'AND so.seller_id = $2' : ''}
       GROUP BY so.id, s.name, s.slug ORDER BY so.id`,
      onlySellerId ? [orderId, onlySellerId] : [orderId],
    )) as Omit<SellerOrderView, 'statusLabel'>[];
    return {
      ...o,
      statusLabel: ORDER_STATUS_LABELS[o.status],
      parts: parts.map((p) => ({ ...p, statusLabel: SELLER_ORDER_STATUS_LABELS[p.status] })),
    };
  }

  // ---- the cooperative's side ----

  private async activeSellerId(actor: Actor): Promise<number> {
    return (await this.sellers.activeSeller(actor)).id;
  }

  async listForSeller(actor: Actor, filter: { status?: SellerOrderStatus; limit?: number }) {
    const sellerId = await this.activeSellerId(actor);
    return this.sellerOrderList(sellerId, filter);
  }

  async sellerOrderList(sellerId: number, filter: { status?: SellerOrderStatus; limit?: number }) {
    const rows = (await this.dataSource.query(
      `SELECT o.code, so.status, so.total_vnd AS "totalVnd", o.created_at AS "createdAt", o.recipient_name AS "recipientName",
              o.province, so.tracking_no AS "trackingNo",
              (SELECT sum(quantity)::int FROM order_items i WHERE i.seller_order_id = so.id) AS "itemCount"
       FROM seller_orders so JOIN orders o ON o.id = so.order_id
       WHERE so.seller_id = $1 ${filter.status ? 'AND so.status = $3' : ''}
       ORDER BY so.id DESC LIMIT $2`,
      filter.status ? [sellerId, filter.limit ?? 200, filter.status] : [sellerId, filter.limit ?? 200],
    )) as { code: string; status: SellerOrderStatus; totalVnd: number; createdAt: Date; recipientName: string; province: string; trackingNo: string | null; itemCount: number }[];
    return rows.map((r) => ({ ...r, statusLabel: SELLER_ORDER_STATUS_LABELS[r.status] }));
  }

  /** The order as one cooperative may see it: the shipping address and its own part only. */
  async getForSeller(actor: Actor, code: string): Promise<OrderView> {
    const sellerId = await this.activeSellerId(actor);
    const [row] = (await this.dataSource.query(
      `SELECT o.id FROM orders o JOIN seller_orders so ON so.order_id = o.id AND so.seller_id = $2 WHERE o.code = $1`,
      [code, sellerId],
    )) as { id: number }[];
    if (!row) throw new NotFoundError('Không tìm thấy đơn hàng này trong gian hàng của bạn.');
    return this.loadView(row.id, sellerId);
  }

  /** shipped (with a tracking number), delivered, or cancelled by the cooperative; the order completes when every part is settled. */
  async updateSellerOrder(actor: Actor, code: string, input: { status: 'shipped' | 'delivered' | 'cancelled'; trackingNo?: string; note?: string }): Promise<void> {
    const sellerId = await this.activeSellerId(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, sellerId); // a suspension at the same instant wins or waits
      const [part] = (await manager.query(
        `SELECT so.id, so.order_id, so.status, o.status AS order_status FROM seller_orders so JOIN orders o ON o.id = so.order_id
         WHERE o.code = $1 AND so.seller_id = $2 FOR UPDATE OF so`,
        [code, sellerId],
      )) as { id: number; order_id: number; status: SellerOrderStatus; order_status: OrderStatus }[];
      if (!part) throw new NotFoundError('Không tìm thấy đơn hàng này trong gian hàng của bạn.');
      if (input.status === 'cancelled' && part.status === 'awaiting_payment') {
        throw new ConflictError('Đơn chưa thanh toán sẽ tự huỷ khi hết hạn; người mua cũng có thể huỷ.');
      }
      const from = sellerOrdersMovableTo(input.status);
      const [rows] = (await manager.query(
        `UPDATE seller_orders SET status = $2, tracking_no = coalesce($3, tracking_no),
           shipped_at = CASE WHEN $2 = 'shipped' THEN now() ELSE shipped_at END,
           delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END,
           cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE cancelled_at END,
           updated_at = now()
         WHERE id = $1 AND status = ANY($4) RETURNING id`,
        [part.id, input.status, input.trackingNo || null, from],
      )) as [{ id: number }[], number];
      if (rows.length === 0) {
        throw new ValidationError({
          status: `Không thể chuyển từ “${SELLER_ORDER_STATUS_LABELS[part.status]}” sang “${SELLER_ORDER_STATUS_LABELS[input.status]}”.`,
        });
      }
      await this.recordEvent(manager, part.order_id, part.id, part.status, input.status, actor.id, input.note);
      if (input.status === 'cancelled') {
        // A paid part cancelled by its cooperative: its stock goes back (the refund is the payment module's).
        await this.returnStock(manager, { orderId: part.order_id, sellerOrderId: part.id }, actor.id);
        if (part.status !== 'awaiting_payment') await this.refunds?.recordPartRefund(manager, part.id, actor.id);
      }
      if (input.status === 'delivered') await this.ledger?.recordDelivered(manager, part.id);
      if (input.status === 'shipped') {
        await queueOrderEmails(manager, await this.facts(manager, part.order_id), 'shipped', { sellerOrderId: part.id, trackingNo: input.trackingNo });
      }
      await this.completeIfSettled(manager, part.order_id, actor.id);
    });
    if (input.status === 'cancelled') await this.refunds?.processRequested();
  }

  /** Every part delivered or cancelled, at least one delivered → the order is completed. */
  private async completeIfSettled(manager: EntityManager, orderId: number, actorId: number): Promise<void> {
    const [state] = (await manager.query(
      `SELECT bool_and(status IN ('delivered', 'cancelled')) AS settled, bool_or(status = 'delivered') AS any_delivered
       FROM seller_orders WHERE order_id = $1`,
      [orderId],
    )) as { settled: boolean; any_delivered: boolean }[];
    if (!state.settled || !state.any_delivered) return;
    const [rows] = (await manager.query(
      `UPDATE orders SET status = 'completed', closed_at = now(), updated_at = now() WHERE id = $1 AND status = ANY($2) RETURNING id`,
      [orderId, ordersMovableTo('completed')],
    )) as [{ id: number }[], number];
    if (rows.length) await this.recordEvent(manager, orderId, null, 'paid', 'completed', actorId);
  }
}
