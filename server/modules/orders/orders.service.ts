import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import type { Actor } from '../accounts';
import { assertWithinOrderLimit, type CartOwner, type CartService, type CartView } from '../cart';
import { InsufficientStockError, type StockService } from '../inventory';
import type { SellersService } from '../sellers';
import crypto from 'node:crypto';
import { LISTED } from '../catalog';
import { newOrderCode, newStallSaleCode } from './order-code';
import type { OrderLifecycle } from './order-lifecycle';
import { ORDER_STATUS_LABELS, SELLER_ORDER_STATUS_LABELS, type OrderStatus, type SellerOrderStatus } from './order-state';
import type { CheckoutInput } from './orders.schemas';
import { msg, type MessageKey } from '../../rendering/i18n';

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
  itemId: number;
  /** The batch (lô) the item was shipped from, once its part is shipped and the seller has batches. */
  batchCode: string | null;
  traceCode: string | null;
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
  /** null for a stall sale (channel 'stall'), which has no buyer account and no address. */
  buyerUserId: number | null;
  channel: 'online' | 'stall';
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

export interface StallSaleLine {
  productId: number;
  quantity: number;
}

export interface StallSaleView {
  id: number;
  code: string;
  status: OrderStatus;
  statusLabel: string;
  paid: boolean;
  totalVnd: number;
  reservedUntil: Date;
  paidAt: Date | null;
  createdAt: Date;
  receiptToken: string;
  sellerId: number;
  sellerName: string;
  sellerSlug: string;
  sellerCommune: string;
  marketDayName: string | null;
  marketDayPlace: string | null;
  items: { productId: number; productName: string; unit: string; unitPriceVnd: number; quantity: number; lineTotalVnd: number; ocopStars: number | null }[];
}

interface OrderRow {
  id: number;
  code: string;
  buyer_user_id: number;
  status: OrderStatus;
  total_vnd: number;
}

/** What the payment module does when a cooperative cancels a part the buyer already paid for. */
export interface PartRefunds {
  /** In the cancelling transaction: record what is owed back for that part. */
  recordPartRefund(manager: EntityManager, sellerOrderId: number, actorUserId: number): Promise<void>;
  /** After commit: carry out requested refunds (network calls happen here, never inside a transaction). */
  processRequested(): Promise<void>;
}

/** One item of a part being shipped, as the batch choice needs it. */
export interface ShipmentItem {
  id: number;
  productId: number;
  quantity: number;
}

/**
 * Which batch (lô) each shipped item leaves from: the traceability module's answer, a port so orders
 * does not import it. `chooseForShipment` runs in the shipping transaction and throws a ValidationError
 * for a pick that is not a batch of the item's product and seller (the transaction rolls back).
 */
export interface ShipmentBatches {
  choicesFor(
    sellerId: number,
    items: ShipmentItem[],
  ): Promise<Map<number, { id: number; code: string; producedOn: string; left: number; isDefault: boolean }[]>>;
  chooseForShipment(
    manager: EntityManager,
    sellerId: number,
    items: ShipmentItem[],
    picked: ReadonlyMap<number, number | null>,
  ): Promise<Map<number, number | null>>;
}

/** What the payouts module records when a part is delivered. */
export interface DeliveryLedger {
  recordDelivered(manager: EntityManager, sellerOrderId: number): Promise<void>;
}

/** One step of a cooperative's part of an order, as its history shows it. */
export interface SellerPartEvent {
  status: string;
  statusLabel: string;
  note: string | null;
  createdAt: Date;
  actorName: string | null;
  byOtherThanOwner: boolean;
}

/**
 * Checkout, the buyer's and the cooperative's order pages and moves. Stock is reserved by
 * conditional updates in product-id order (so two carts never deadlock) and returned exactly once,
 * by whichever of cancel/expiry wins the conditional status update. Every status change goes
 * through OrderLifecycle.
 *
 * Time: the reservation's deadline is the injected clock's — checkout writes reserved_until from
 * it and the sweeper compares with it, never with PostgreSQL's now(). The stamps a move records
 * (paid_at, closed_at, shipped_at…) are PostgreSQL's, and nothing here compares them with the clock.
 */
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cart: CartService,
    private readonly stock: StockService,
    private readonly sellers: SellersService,
    private readonly lifecycle: OrderLifecycle,
    private readonly refunds: PartRefunds,
    private readonly ledger: DeliveryLedger,
    private readonly clock: Clock,
    private readonly reservationMinutes: number,
    /** Traceability: the batch each shipped item came from (none without the module). */
    private readonly shipmentBatches?: ShipmentBatches,
  ) {}

  async checkout(actor: Actor, owner: CartOwner, input: CheckoutInput): Promise<{ code: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction((manager) => this.placeOrder(manager, actor, owner, input));
      } catch (err) {
        // CASE: the random order code collided with an existing one; draw another.
        if (isUniqueViolation(err, 'orders_code_key') && attempt < 3) continue;
        throw err;
      }
    }
  }

  private async placeOrder(manager: EntityManager, actor: Actor, owner: CartOwner, input: CheckoutInput): Promise<{ code: string }> {
    // One checkout per cart at a time: a double click waits, then finds the cart empty.
    const cartId = await this.cart.lockCart(manager, owner);
    if (!cartId) throw new CheckoutBlockedError('checkout.error.empty');
    // The fees are worked out here, from the address, whatever the page showed (a posted fee is not a field).
    const view = await this.cart.viewOf(manager, cartId, { province: input.province, commune: input.commune });
    if (view.groups.length === 0) throw new CheckoutBlockedError('checkout.error.empty', view);
    if (view.blocked) {
      const problems = view.groups.flatMap((g) =>
        g.lines.flatMap((l) =>
          l.unavailable
            ? [msg('checkout.problem.unavailable', { name: l.name })]
            : l.soldOut
              ? [msg('checkout.problem.soldOut', { name: l.name })]
              : l.shortOfStock
                ? [msg('checkout.problem.shortOfStock', { name: l.name, stock: l.stock })]
                : l.priceChanged
                  ? [msg('checkout.problem.priceChanged', { name: l.name })]
                  : [],
        ),
      );
      throw new CheckoutBlockedError(msg('checkout.error.cartChanged', { problems: problems.join('; ') }), view);
    }
    assertWithinOrderLimit(view.totalVnd);
    const now = this.clock.now();
    const reservedUntil = new Date(now.getTime() + this.reservationMinutes * 60_000);
    const code = newOrderCode();
    const [order] = (await manager.query(
      `INSERT INTO orders (code, buyer_user_id, status, payment_method, recipient_name, phone, province, commune, street, note,
                           items_total_vnd, shipping_total_vnd, total_vnd, reserved_until)
       VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        code,
        actor.id,
        input.paymentMethod,
        input.recipientName,
        input.phone,
        input.province,
        input.commune,
        input.street,
        input.note || null,
        view.itemsTotalVnd,
        view.shippingTotalVnd,
        view.totalVnd,
        reservedUntil,
      ],
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
    await this.lifecycle.placed(manager, order.id, actor.id);
    await this.cart.clear(manager, cartId);
    // Stock last, just before the commit: a product row that every buyer of a flash sale wants stays
    // locked as briefly as possible. Product-id order: two checkouts lock shared products in the same order.
    reservations.sort((a, b) => a.productId - b.productId);
    for (const r of reservations) {
      try {
        await this.stock.applyChange(manager, { productId: r.productId, delta: -r.quantity, reason: 'sale', orderId: order.id, actorUserId: actor.id });
      } catch (err) {
        if (err instanceof InsufficientStockError) {
          throw new CheckoutBlockedError(msg('checkout.error.justSoldOut', { name: r.name, quantity: r.quantity }));
        }
        throw err;
      }
    }
    return { code };
  }

  // ---- stall sales (the till at a market day) ----

  /**
   * A stall sale: an order of channel 'stall' for the actor's own cooperative, no buyer and no
   * address, paid by a VietQR transfer with its QUAY- code. Stock is reserved like checkout's
   * (reason stall_sale, product-id order, never below zero), so a stall sale and an online checkout
   * racing for the last unit cannot both get it. Another cooperative's product is "not found" and
   * nothing is reserved.
   */
  async placeStallSale(actor: Actor, lines: readonly StallSaleLine[], reservedMinutes: number): Promise<{ code: string }> {
    const seller = await this.sellers.activeSeller(actor);
    const wanted = new Map<number, number>();
    for (const line of lines) if (line.quantity > 0) wanted.set(line.productId, (wanted.get(line.productId) ?? 0) + line.quantity);
    if (wanted.size === 0) throw new ValidationError({ _form: msg('pos.v.nothingChosen') }, msg('pos.v.nothingChosen'));
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction((manager) => this.placeStall(manager, actor, seller.id, wanted, reservedMinutes));
      } catch (err) {
        if ((isUniqueViolation(err, 'orders_code_key') || isUniqueViolation(err, 'orders_receipt_token_key')) && attempt < 3) continue;
        throw err;
      }
    }
  }

  private async placeStall(manager: EntityManager, actor: Actor, sellerId: number, wanted: Map<number, number>, reservedMinutes: number) {
    await this.sellers.lockActiveSeller(manager, sellerId); // a suspension at the same instant wins or waits
    const products = (await manager.query(
      `SELECT p.id, p.seller_id, p.name, p.slug, p.unit, p.price_vnd, (${LISTED}) AS listed
       FROM products p JOIN sellers s ON s.id = p.seller_id WHERE p.id = ANY($1::int[]) ORDER BY p.id`,
      [[...wanted.keys()]],
    )) as { id: number; seller_id: number; name: string; slug: string; unit: string; price_vnd: number; listed: boolean }[];
    if (products.length !== wanted.size || products.some((p) => p.seller_id !== sellerId)) {
      throw new NotFoundError(msg('seller.error.productNotFound'));
    }
    const unlisted = products.filter((p) => !p.listed);
    if (unlisted.length > 0) throw new ConflictError(msg('pos.error.notListed', { name: unlisted[0].name }), 'not_listed');
    const lines = products.map((p) => ({ ...p, quantity: wanted.get(p.id)!, lineTotalVnd: p.price_vnd * wanted.get(p.id)! }));
    const totalVnd = lines.reduce((sum, l) => sum + l.lineTotalVnd, 0);
    assertWithinOrderLimit(totalVnd);
    const now = this.clock.now();
    const [day] = (await manager.query(
      `SELECT d.id FROM market_days d JOIN market_day_stalls st ON st.market_day_id = d.id AND st.seller_id = $1
       WHERE d.starts_at <= $2 AND d.ends_at > $2 ORDER BY d.starts_at DESC, d.id DESC LIMIT 1`,
      [sellerId, now],
    )) as { id: number }[];
    const code = newStallSaleCode();
    const [order] = (await manager.query(
      `INSERT INTO orders (code, buyer_user_id, status, payment_method, channel, market_day_id, receipt_token,
                           items_total_vnd, shipping_total_vnd, total_vnd, reserved_until)
       VALUES ($1, NULL, 'pending_payment', 'vietqr', 'stall', $2, $3, $4, 0, $4, $5) RETURNING id`,
      [code, day?.id ?? null, crypto.randomBytes(24).toString('base64url'), totalVnd, new Date(now.getTime() + reservedMinutes * 60_000)],
    )) as { id: number }[];
    const [part] = (await manager.query(
      `INSERT INTO seller_orders (order_id, seller_id, status, items_total_vnd, shipping_fee_vnd, total_vnd)
       VALUES ($1, $2, 'awaiting_payment', $3, 0, $3) RETURNING id`,
      [order.id, sellerId, totalVnd],
    )) as { id: number }[];
    for (const l of lines) {
      await manager.query(
        `INSERT INTO order_items (order_id, seller_order_id, product_id, product_name, product_slug, unit, unit_price_vnd, quantity, line_total_vnd)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [order.id, part.id, l.id, l.name, l.slug, l.unit, l.price_vnd, l.quantity, l.lineTotalVnd],
      );
    }
    await this.lifecycle.placed(manager, order.id, actor.id);
    // Stock last and in product-id order (the lines are): as checkout does.
    for (const l of lines) {
      try {
        await this.stock.applyChange(manager, { productId: l.id, delta: -l.quantity, reason: 'stall_sale', orderId: order.id, actorUserId: actor.id });
      } catch (err) {
        if (err instanceof InsufficientStockError) {
          throw new ConflictError(msg('pos.error.notEnough', { name: l.name, quantity: l.quantity, unit: l.unit }), 'insufficient_stock');
        }
        throw err;
      }
    }
    return { code };
  }

  /** The cooperative's own stall sale (anyone else's, or an online order: "not found"). */
  async stallSaleForSeller(actor: Actor, code: string): Promise<StallSaleView> {
    const sellerId = await this.activeSellerId(actor);
    const sale = await this.stallSale(`o.code = $1`, code);
    if (!sale || sale.sellerId !== sellerId) throw new NotFoundError(msg('pos.error.saleNotFound'));
    return sale;
  }

  /** A paid stall sale by its receipt token, for the public receipt; unpaid or unknown: "not found". */
  async stallReceipt(token: string): Promise<StallSaleView> {
    const sale = await this.stallSale(`o.receipt_token = $1`, token);
    if (!sale || !sale.paid) throw new NotFoundError('public.error.receiptNotFound');
    return sale;
  }

  private async stallSale(where: string, value: string): Promise<StallSaleView | null> {
    const [row] = (await this.dataSource.query(
      `SELECT o.id, o.code, o.status, o.total_vnd AS "totalVnd", o.reserved_until AS "reservedUntil", o.paid_at AS "paidAt",
              o.created_at AS "createdAt", o.receipt_token AS "receiptToken", so.seller_id AS "sellerId", s.name AS "sellerName",
              s.slug AS "sellerSlug", s.commune AS "sellerCommune", d.name AS "marketDayName", d.place AS "marketDayPlace",
              coalesce(json_agg(json_build_object('productId', i.product_id, 'productName', i.product_name, 'unit', i.unit,
                'unitPriceVnd', i.unit_price_vnd, 'quantity', i.quantity, 'lineTotalVnd', i.line_total_vnd,
                'ocopStars', CASE WHEN p.ocop_verified THEN p.ocop_stars END) ORDER BY i.id), '[]') AS items
       FROM orders o JOIN seller_orders so ON so.order_id = o.id JOIN sellers s ON s.id = so.seller_id
       JOIN order_items i ON i.seller_order_id = so.id JOIN products p ON p.id = i.product_id
       LEFT JOIN market_days d ON d.id = o.market_day_id
       WHERE ${where} AND o.channel = 'stall'
       GROUP BY o.id, so.seller_id, s.name, s.slug, s.commune, d.name, d.place`,
      [value],
    )) as Omit<StallSaleView, 'paid' | 'statusLabel'>[];
    if (!row) return null;
    const paid = row.status === 'paid' || row.status === 'completed';
    return { ...row, paid, statusLabel: ORDER_STATUS_LABELS[row.status] };
  }

  /** Cancels the cooperative's own unpaid stall sale: its stock goes back once (the sweeper or a payment may win instead). */
  async cancelStallSale(actor: Actor, code: string): Promise<void> {
    const sale = await this.stallSaleForSeller(actor, code);
    const done = await this.dataSource.transaction((manager) => this.lifecycle.cancelUnpaid(manager, sale.id, actor.id, msg('seller.note.stallCancelled')));
    if (!done) throw new ConflictError(msg('pos.error.cancelUnpaidOnly'));
  }

  /**
   * pending_payment → paid, and every part → to_ship. Idempotent: paying a paid order changes
   * nothing and returns false. Test entry point; payments call OrderLifecycle.markPaid in their transaction.
   */
  async markPaid(orderId: number, options: { actorUserId?: number | null; note?: string } = {}): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (await this.lifecycle.markPaid(manager, orderId, options)) return true;
      const [order] = (await manager.query(`SELECT status FROM orders WHERE id = $1`, [orderId])) as { status: OrderStatus }[];
      if (!order) throw new NotFoundError(msg('admin.order.notFoundShort'));
      if (order.status === 'paid' || order.status === 'completed') return false;
      throw new ConflictError(msg(`admin.error.notPayable.${order.status}` as MessageKey), 'order_not_payable');
    });
  }

  async cancelByBuyer(actor: Actor, code: string): Promise<void> {
    const order = await this.ownOrder(actor, code);
    const done = await this.dataSource.transaction((manager) => this.lifecycle.cancelUnpaid(manager, order.id, actor.id));
    if (!done) throw new ConflictError('order.error.cancelOnlyUnpaid');
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
      for (const { id } of due) if (await this.lifecycle.expire(manager, id)) expired++;
      return expired;
    });
  }

  private async ownOrder(actor: Actor, code: string): Promise<OrderRow> {
    const [order] = (await this.dataSource.query(`SELECT id, code, buyer_user_id, status, total_vnd FROM orders WHERE code = $1`, [code])) as OrderRow[];
    // Someone else's order is "not found", never "forbidden": codes must not be probeable. Admins
    // included: they act through /admin/orders, where every action is audited.
    if (!order || order.buyer_user_id !== actor.id) throw new NotFoundError('order.error.notFound');
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
      `SELECT id, code, buyer_user_id AS "buyerUserId", channel, status, payment_method AS "paymentMethod", recipient_name AS "recipientName",
              phone, province, commune, street, note, items_total_vnd AS "itemsTotalVnd", shipping_total_vnd AS "shippingTotalVnd",
              total_vnd AS "totalVnd", reserved_until AS "reservedUntil", paid_at AS "paidAt", created_at AS "createdAt"
       FROM orders WHERE id = $1`,
      [orderId],
    )) as Omit<OrderView, 'statusLabel' | 'parts'>[];
    if (!o) throw new NotFoundError('order.error.notFound');
    const parts = (await this.dataSource.query(
      `SELECT so.id, so.seller_id AS "sellerId", s.name AS "sellerName", s.slug AS "sellerSlug", so.status,
              so.items_total_vnd AS "itemsTotalVnd", so.shipping_fee_vnd AS "shippingFeeVnd", so.total_vnd AS "totalVnd",
              so.tracking_no AS "trackingNo", so.shipped_at AS "shippedAt", so.delivered_at AS "deliveredAt",
              coalesce(json_agg(json_build_object('productId', i.product_id, 'productName', i.product_name, 'productSlug', i.product_slug,
                'unit', i.unit, 'unitPriceVnd', i.unit_price_vnd, 'quantity', i.quantity, 'lineTotalVnd', i.line_total_vnd,
                'itemId', i.id, 'batchCode', b.code, 'traceCode', b.trace_code) ORDER BY i.id), '[]') AS items
       FROM seller_orders so JOIN sellers s ON s.id = so.seller_id JOIN order_items i ON i.seller_order_id = so.id
       LEFT JOIN product_batches b ON b.id = i.batch_id
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
      `SELECT o.code, o.channel, so.status, so.total_vnd AS "totalVnd", o.created_at AS "createdAt", o.recipient_name AS "recipientName",
              o.province, so.tracking_no AS "trackingNo",
              (SELECT sum(quantity)::int FROM order_items i WHERE i.seller_order_id = so.id) AS "itemCount"
       FROM seller_orders so JOIN orders o ON o.id = so.order_id
       WHERE so.seller_id = $1 ${filter.status ? 'AND so.status = $3' : ''}
       ORDER BY so.id DESC LIMIT $2`,
      filter.status ? [sellerId, filter.limit ?? 200, filter.status] : [sellerId, filter.limit ?? 200],
    )) as {
      code: string;
      /** 'stall': a sale at the cooperative's stall (the till), handed over when paid; no recipient. */
      channel: 'online' | 'stall';
      status: SellerOrderStatus;
      totalVnd: number;
      createdAt: Date;
      recipientName: string;
      province: string;
      trackingNo: string | null;
      itemCount: number;
    }[];
    return rows.map((r) => ({ ...r, statusLabel: SELLER_ORDER_STATUS_LABELS[r.status] }));
  }

  /** The order as one cooperative may see it: the shipping address and its own part only. */
  async getForSeller(actor: Actor, code: string): Promise<OrderView> {
    const sellerId = await this.activeSellerId(actor);
    const [row] = (await this.dataSource.query(
      `SELECT o.id FROM orders o JOIN seller_orders so ON so.order_id = o.id AND so.seller_id = $2 WHERE o.code = $1`,
      [code, sellerId],
    )) as { id: number }[];
    if (!row) throw new NotFoundError(msg('seller.error.orderNotFound'));
    return this.loadView(row.id, sellerId);
  }

  /**
   * The history of the cooperative's part of an order, oldest first: who moved it and when. An actor other than the
   * cooperative's owner (a digital-team member acting for the household, an admin) is flagged for "Do … thực hiện".
   */
  async sellerPartHistory(actor: Actor, code: string): Promise<SellerPartEvent[]> {
    const sellerId = await this.activeSellerId(actor);
    const rows = (await this.dataSource.query(
      `SELECT e.to_status AS "status", e.note, e.created_at AS "createdAt", u.full_name AS "actorName",
              (e.actor_user_id IS NOT NULL AND e.actor_user_id <> s.owner_user_id) AS "byOtherThanOwner"
       FROM orders o JOIN seller_orders so ON so.order_id = o.id AND so.seller_id = $2 JOIN sellers s ON s.id = so.seller_id
       JOIN order_events e ON e.seller_order_id = so.id LEFT JOIN users u ON u.id = e.actor_user_id
       WHERE o.code = $1 ORDER BY e.id LIMIT 200`,
      [code, sellerId],
    )) as (Omit<SellerPartEvent, 'statusLabel'> & { status: SellerOrderStatus })[];
    return rows.map((r) => ({ ...r, statusLabel: SELLER_ORDER_STATUS_LABELS[r.status] ?? r.status }));
  }

  private async partItems(manager: EntityManager, sellerOrderId: number): Promise<ShipmentItem[]> {
    return manager.query(`SELECT id, product_id AS "productId", quantity FROM order_items WHERE seller_order_id = $1 ORDER BY id`, [sellerOrderId]);
  }

  /** In the shipping transaction: each item's batch (picked, or the default), written by the lifecycle. */
  private async recordShipmentBatches(manager: EntityManager, sellerId: number, sellerOrderId: number, picked: ReadonlyMap<number, number | null>) {
    if (!this.shipmentBatches) return;
    const chosen = await this.shipmentBatches.chooseForShipment(manager, sellerId, await this.partItems(manager, sellerOrderId), picked);
    await this.lifecycle.recordBatches(manager, sellerOrderId, chosen);
  }

  /** The ship form's batch choices of a part still to ship, by item id (empty without batches). */
  async shipmentChoices(part: SellerOrderView) {
    if (!this.shipmentBatches) return new Map<number, never[]>();
    return this.shipmentBatches.choicesFor(
      part.sellerId,
      part.items.map((i) => ({ id: i.itemId, productId: i.productId, quantity: i.quantity })),
    );
  }

  /** shipped (with a tracking number), delivered, or cancelled by the cooperative; the order completes when every part is settled. */
  async updateSellerOrder(
    actor: Actor,
    code: string,
    input: {
      status: 'shipped' | 'delivered' | 'cancelled';
      trackingNo?: string;
      note?: string;
      /** Shipping: the batch the seller picked per item id (null: none on purpose); others get the default. */
      batches?: ReadonlyMap<number, number | null>;
    },
  ): Promise<void> {
    const sellerId = await this.activeSellerId(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, sellerId); // a suspension at the same instant wins or waits
      await this.sellers.recordActedFor(manager, actor, sellerId, `order.${input.status}`, { orderCode: code });
      const [part] = (await manager.query(
        `SELECT so.id, so.order_id, so.status, o.status AS order_status FROM seller_orders so JOIN orders o ON o.id = so.order_id
         WHERE o.code = $1 AND so.seller_id = $2 FOR UPDATE OF so`,
        [code, sellerId],
      )) as { id: number; order_id: number; status: SellerOrderStatus; order_status: OrderStatus }[];
      if (!part) throw new NotFoundError(msg('seller.error.orderNotFound'));
      if (input.status === 'cancelled' && part.status === 'awaiting_payment') {
        throw new ConflictError(msg('seller.error.unpaidCancels'));
      }
      const moved = await this.lifecycle.transition(
        manager,
        { kind: 'sellerOrder', sellerOrderId: part.id, to: input.status, trackingNo: input.trackingNo },
        { actorId: actor.id, note: input.note },
      );
      if (moved.length === 0) {
        throw new ValidationError({
          status: msg(`seller.error.cannotMoveFrom.${part.status}` as MessageKey),
        });
      }
      if (input.status === 'cancelled') {
        // A paid part cancelled by its cooperative: its stock goes back (the refund is the payment module's).
        await this.lifecycle.returnStock(manager, { orderId: part.order_id, sellerOrderId: part.id }, actor.id);
        if (part.status !== 'awaiting_payment') await this.refunds.recordPartRefund(manager, part.id, actor.id);
      }
      if (input.status === 'shipped') await this.recordShipmentBatches(manager, sellerId, part.id, input.batches ?? new Map());
      if (input.status === 'delivered') await this.ledger.recordDelivered(manager, part.id);
      await this.lifecycle.completeIfSettled(manager, part.order_id, actor.id);
    });
    if (input.status === 'cancelled') await this.refunds.processRequested();
  }
}
