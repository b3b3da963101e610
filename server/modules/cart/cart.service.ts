import { preparedQuery } from '../../db/prepared';
import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { MAX_ORDER_TOTAL_VND, formatVnd } from '../../lib/money';
import { msg } from '../../rendering/i18n';
import type { MediaStorage } from '../../storage/media-storage';
import { COVER_JOIN, LISTED, imageVariantName } from '../catalog';
import { SHIPPING_COLUMNS, type Destination, type ShippingRow, type ShippingService } from '../shipping';

/** Whose cart: a signed-in buyer's, or a guest's found through the session. */
export interface CartOwner {
  userId?: number;
  guestCartId?: number;
}

export const MAX_LINE_QUANTITY = 1000;

/** The condition on `carts` that finds this owner's cart ($1), or null for a guest who has none. */
function ownerMatch(owner: CartOwner): { sql: string; param: number } | null {
  if (owner.userId) return { sql: 'user_id = $1', param: owner.userId };
  if (owner.guestCartId) return { sql: 'id = $1 AND user_id IS NULL', param: owner.guestCartId };
  return null;
}

export interface CartLine {
  productId: number;
  name: string;
  slug: string;
  unit: string;
  quantity: number;
  seenPriceVnd: number;
  priceVnd: number;
  stock: number;
  lineTotalVnd: number;
  /** The line's packed weight (the product's weight × quantity). */
  weightGrams: number;
  imageUrl: string | null;
  /** What changed since the buyer added it; any of these blocks checkout until accepted. */
  priceChanged: boolean;
  unavailable: boolean;
  soldOut: boolean;
  shortOfStock: boolean;
}

export interface CartGroup {
  sellerId: number;
  sellerName: string;
  sellerSlug: string;
  lines: CartLine[];
  itemsTotalVnd: number;
  shippingFeeVnd: number;
  freeShippingThresholdVnd: number | null;
  totalVnd: number;
  /** The parcel's weight (lines still for sale) and its zone once a destination is known (shipping module). */
  weightGrams: number;
  shippingZone: string | null;
  /** The fee depends on the destination (a zone table) and none was given: counted as 0 until checkout. */
  shippingPending: boolean;
}

export interface CartView {
  cartId: number | null;
  groups: CartGroup[];
  itemCount: number;
  itemsTotalVnd: number;
  shippingTotalVnd: number;
  totalVnd: number;
  blocked: boolean;
  /** Set when the cart is worth more than one order may be (MAX_ORDER_TOTAL_VND): checkout refuses it. */
  limitNotice: string | null;
}

interface LineRow extends ShippingRow {
  product_id: number;
  name: string;
  slug: string;
  unit: string;
  quantity: number;
  seen_price_vnd: number;
  price_vnd: number;
  stock: number;
  listed: boolean;
  seller_name: string;
  seller_slug: string;
  weight_grams: number;
  cover_key: string | null;
}

/** A cooperative's fee for its part of an order: flat, or free from its threshold on. */
export function shippingFee(itemsTotalVnd: number, feeVnd: number, freeFromVnd: number | null): number {
  if (itemsTotalVnd === 0) return 0;
  return freeFromVnd !== null && itemsTotalVnd >= freeFromVnd ? 0 : feeVnd;
}

/** Why a cart worth `totalVnd` cannot become one order, or null when it can. */
export function orderLimitNotice(totalVnd: number): string | null {
  if (totalVnd <= MAX_ORDER_TOTAL_VND) return null;
  return msg('cart.error.orderLimit', { max: formatVnd(MAX_ORDER_TOTAL_VND), total: formatVnd(totalVnd) });
}

/** Refuses (422) a cart beyond one order's limit; the caller's transaction then rolls back, so nothing changes. */
export function assertWithinOrderLimit(totalVnd: number): void {
  const notice = orderLimitNotice(totalVnd);
  if (notice) throw new ValidationError({ _form: notice }, notice);
}

/** Carts live in PostgreSQL, so any app instance serves any buyer. */
export class CartService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly media: MediaStorage,
    /** Fees by destination and weight; without it, each cooperative's flat fee (shippingFee above). */
    private readonly shipping?: ShippingService,
  ) {}

  /** The cart id for an owner; with `create`, makes one (a guest's id then goes into their session). */
  async cartId(owner: CartOwner, create: boolean, manager: EntityManager = this.dataSource.manager): Promise<number | null> {
    const found = await this.findCart(manager, owner, false);
    if (found || !create) return found;
    const [created] = (await (owner.userId
      ? manager.query(`INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = now() RETURNING id`, [owner.userId])
      : manager.query(`INSERT INTO carts DEFAULT VALUES RETURNING id`))) as { id: number }[];
    return created.id;
  }

  /** Inside a checkout's transaction: the owner's cart id, its row locked until the commit (null: no cart). */
  lockCart(manager: EntityManager, owner: CartOwner): Promise<number | null> {
    return this.findCart(manager, owner, true);
  }

  private async findCart(manager: EntityManager, owner: CartOwner, forUpdate: boolean): Promise<number | null> {
    const match = ownerMatch(owner);
    if (!match) return null;
    const [row] = await preparedQuery<{ id: number }>(manager, `SELECT id FROM carts WHERE ${match.sql}${forUpdate ? ' FOR UPDATE' : ''}`, [match.param]);
    return row?.id ?? null;
  }

  private async listedProduct(productId: number): Promise<{ id: number; name: string; price_vnd: number; stock: number }> {
    const [product] = (await this.dataSource.query(
      `SELECT p.id, p.name, p.price_vnd, p.stock FROM products p JOIN sellers s ON s.id = p.seller_id
       WHERE p.id = $1 AND ${LISTED}`,
      [productId],
    )) as { id: number; name: string; price_vnd: number; stock: number }[];
    if (!product) throw new NotFoundError('cart.line.unavailable');
    return product;
  }

  /**
   * Adds to the line (or creates it). The quantity is bounded by stock; the seen price becomes
   * today's price, since the buyer has just looked at it. Returns the cart id and a notice if clamped.
   */
  async addItem(owner: CartOwner, productId: number, quantity: number): Promise<{ cartId: number; notice?: string }> {
    const product = await this.listedProduct(productId);
    if (product.stock <= 0) throw new ValidationError({ quantity: msg('cart.error.soldOut', { name: product.name }) });
    return this.dataSource.transaction(async (manager) => {
      const cartId = (await this.cartId(owner, true, manager))!;
      const [row] = (await manager.query(
        `INSERT INTO cart_items (cart_id, product_id, quantity, seen_price_vnd)
         VALUES ($1, $2, LEAST($3::int, $4::int, ${MAX_LINE_QUANTITY}), $5)
         ON CONFLICT (cart_id, product_id) DO UPDATE
           SET quantity = LEAST(cart_items.quantity + $3::int, $4::int, ${MAX_LINE_QUANTITY}), seen_price_vnd = $5
         RETURNING quantity, (xmax = 0) AS inserted`,
        [cartId, productId, quantity, product.stock, product.price_vnd],
      )) as { quantity: number }[];
      await manager.query(`UPDATE carts SET updated_at = now() WHERE id = $1`, [cartId]);
      assertWithinOrderLimit((await this.viewOf(manager, cartId)).totalVnd);
      const clamped = row.quantity < quantity || (row.quantity === product.stock && quantity > 0 && row.quantity !== quantity);
      return {
        cartId,
        notice: clamped ? msg('cart.notice.clamped', { stock: product.stock, name: product.name, quantity: row.quantity }) : undefined,
      };
    });
  }

  /** 0 removes the line; more than the stock is lowered to the stock. */
  async setQuantity(owner: CartOwner, productId: number, quantity: number): Promise<{ notice?: string }> {
    const cartId = await this.cartId(owner, false);
    if (!cartId) throw new NotFoundError('cart.error.empty');
    if (quantity === 0) {
      await this.dataSource.query(`DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2`, [cartId, productId]);
      return {};
    }
    const [line] = (await this.dataSource.query(
      `SELECT ci.quantity, p.stock, p.name FROM cart_items ci JOIN products p ON p.id = ci.product_id WHERE ci.cart_id = $1 AND ci.product_id = $2`,
      [cartId, productId],
    )) as { quantity: number; stock: number; name: string }[];
    if (!line) throw new NotFoundError('cart.error.notInCart');
    const bounded = Math.min(quantity, Math.max(line.stock, 1), MAX_LINE_QUANTITY);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE cart_items SET quantity = $3 WHERE cart_id = $1 AND product_id = $2`, [cartId, productId, bounded]);
      // CASE: lowering is always allowed, even in a cart already past the limit after a price rose.
      if (bounded > line.quantity) assertWithinOrderLimit((await this.viewOf(manager, cartId)).totalVnd);
    });
    return { notice: bounded < quantity ? msg('cart.notice.bounded', { stock: line.stock, name: line.name }) : undefined };
  }

  /** The buyer accepts what changed: today's prices, unavailable lines removed, quantities lowered to stock. */
  async acceptChanges(owner: CartOwner): Promise<void> {
    const cartId = await this.cartId(owner, false);
    if (!cartId) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `DELETE FROM cart_items ci USING products p, sellers s
         WHERE ci.cart_id = $1 AND p.id = ci.product_id AND s.id = p.seller_id
           AND (NOT (${LISTED}) OR p.stock = 0)`,
        [cartId],
      );
      await manager.query(
        `UPDATE cart_items ci SET seen_price_vnd = p.price_vnd, quantity = LEAST(ci.quantity, p.stock)
         FROM products p WHERE ci.cart_id = $1 AND p.id = ci.product_id`,
        [cartId],
      );
    });
  }

  /** `destination`: where the parcels go, when known (checkout's form); fees of zone tables wait for it. */
  async view(owner: CartOwner, destination: Destination | null = null): Promise<CartView> {
    const cartId = await this.cartId(owner, false);
    const empty: CartView = { cartId, groups: [], itemCount: 0, itemsTotalVnd: 0, shippingTotalVnd: 0, totalVnd: 0, blocked: false, limitNotice: null };
    if (!cartId) return empty;
    return this.viewOf(this.dataSource.manager, cartId, destination);
  }

  /** Lines with today's facts; used by the cart page and, inside its transaction, by checkout. */
  async viewOf(manager: EntityManager, cartId: number, destination: Destination | null = null): Promise<CartView> {
    // Prepared: every checkout attempt reads it (bench: a flash sale's hundreds a second). With each
    // line its seller's shipping terms: the fees need no statement of their own.
    const rows = await preparedQuery<LineRow>(
      manager,
      `SELECT ci.product_id, p.name, p.slug, p.unit, ci.quantity, ci.seen_price_vnd, p.price_vnd, p.stock,
              (${LISTED}) AS listed,
              s.name AS seller_name, s.slug AS seller_slug, ${SHIPPING_COLUMNS},
              p.weight_grams, img.storage_key AS cover_key
       FROM cart_items ci JOIN products p ON p.id = ci.product_id JOIN sellers s ON s.id = p.seller_id ${COVER_JOIN}
       WHERE ci.cart_id = $1 ORDER BY s.name, s.id, ci.added_at, ci.product_id`,
      [cartId],
    );
    const groups = new Map<number, CartGroup>();
    let blocked = false;
    for (const r of rows) {
      const line: CartLine = {
        productId: r.product_id,
        name: r.name,
        slug: r.slug,
        unit: r.unit,
        quantity: r.quantity,
        seenPriceVnd: r.seen_price_vnd,
        priceVnd: r.price_vnd,
        stock: r.stock,
        lineTotalVnd: r.price_vnd * r.quantity,
        weightGrams: r.weight_grams * r.quantity,
        imageUrl: r.cover_key ? this.media.url(imageVariantName(r.cover_key, 400)) : null,
        priceChanged: r.seen_price_vnd !== r.price_vnd,
        unavailable: !r.listed,
        soldOut: r.listed && r.stock === 0,
        shortOfStock: r.listed && r.stock > 0 && r.stock < r.quantity,
      };
      if (line.priceChanged || line.unavailable || line.soldOut || line.shortOfStock) blocked = true;
      let group = groups.get(r.seller_id);
      if (!group) {
        group = {
          sellerId: r.seller_id,
          sellerName: r.seller_name,
          sellerSlug: r.seller_slug,
          lines: [],
          itemsTotalVnd: 0,
          shippingFeeVnd: 0,
          freeShippingThresholdVnd: r.free_shipping_threshold_vnd,
          totalVnd: 0,
          weightGrams: 0,
          shippingZone: null,
          shippingPending: false,
        };
        groups.set(r.seller_id, group);
      }
      group.lines.push(line);
      if (!line.unavailable && !line.soldOut) {
        group.itemsTotalVnd += line.lineTotalVnd;
        group.weightGrams += line.weightGrams;
      }
      group.shippingFeeVnd = r.shipping_fee_vnd; // the fee itself; settled below once the subtotal is known
    }
    const list = [...groups.values()];
    const quotes = this.shipping ? this.shipping.quoteParcels(rows, list, destination) : null;
    for (const g of list) {
      if (quotes) {
        const quote = quotes.get(g.sellerId);
        g.shippingFeeVnd = quote?.feeVnd ?? 0;
        g.shippingPending = quote?.feeVnd === null;
        g.shippingZone = quote?.zone ?? null;
      } else {
        g.shippingFeeVnd = shippingFee(g.itemsTotalVnd, g.shippingFeeVnd, g.freeShippingThresholdVnd);
      }
      g.totalVnd = g.itemsTotalVnd + g.shippingFeeVnd;
    }
    const itemsTotalVnd = list.reduce((a, g) => a + g.itemsTotalVnd, 0);
    const shippingTotalVnd = list.reduce((a, g) => a + g.shippingFeeVnd, 0);
    return {
      cartId,
      groups: list,
      itemCount: rows.reduce((a, r) => a + r.quantity, 0),
      itemsTotalVnd,
      shippingTotalVnd,
      totalVnd: itemsTotalVnd + shippingTotalVnd,
      blocked,
      limitNotice: orderLimitNotice(itemsTotalVnd + shippingTotalVnd),
    };
  }

  /** The header's count, on every page of a signed-in visitor or a guest with a cart: one statement. */
  async itemCount(owner: CartOwner): Promise<number> {
    const match = ownerMatch(owner);
    if (!match) return 0;
    const [{ n }] = await preparedQuery<{ n: number }>(
      this.dataSource.manager,
      `SELECT coalesce(sum(quantity), 0)::int AS n FROM cart_items WHERE cart_id = (SELECT id FROM carts WHERE ${match.sql})`,
      [match.param],
    );
    return n;
  }

  /** At sign-in: the guest's lines join the account's cart (quantities add up, bounded), and the guest cart goes. */
  async mergeGuestCart(guestCartId: number, userId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [guest] = (await manager.query(`SELECT id FROM carts WHERE id = $1 AND user_id IS NULL FOR UPDATE`, [guestCartId])) as { id: number }[];
      if (!guest) return;
      const userCart = (await this.cartId({ userId }, true, manager))!;
      await manager.query(
        `INSERT INTO cart_items (cart_id, product_id, quantity, seen_price_vnd, added_at)
         SELECT $2, product_id, quantity, seen_price_vnd, added_at FROM cart_items WHERE cart_id = $1
         ON CONFLICT (cart_id, product_id) DO UPDATE
           SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, ${MAX_LINE_QUANTITY}), seen_price_vnd = EXCLUDED.seen_price_vnd`,
        [guestCartId, userCart],
      );
      await manager.query(`DELETE FROM carts WHERE id = $1`, [guestCartId]);
    });
  }

  async clear(manager: EntityManager, cartId: number): Promise<void> {
    await manager.query(`DELETE FROM cart_items WHERE cart_id = $1`, [cartId]);
  }
}
