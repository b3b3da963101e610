import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../lib/clock';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import type { SellersService } from '../sellers';
import type { ReviewInput } from './reviews.schemas';
import { msg } from '../../rendering/i18n';

/** A buyer may change their review for this long after writing it. */
export const EDIT_WINDOW_DAYS = 30;
export const PRODUCT_PAGE_SIZE = 10;
export const LIST_PAGE_SIZE = 20;

/**
 * "Nguyễn Văn An" → "N. V. An": the given name (last word, as Vietnamese names go) and the initials of
 * the others, so a review names a real buyer without publishing their full name.
 */
export function reviewerName(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '…';
  const given = words[words.length - 1];
  return [...words.slice(0, -1).map((w) => `${[...w][0].toUpperCase()}.`), given].join(' ');
}

/** One review as the public product page shows it. */
export interface PublicReview {
  id: number;
  reviewer: string;
  rating: number;
  comment: string;
  createdAt: Date;
  reply: string | null;
  repliedAt: Date | null;
}

/** The product page's block: the histogram (5 … 1) and a page of the newest visible reviews. */
export interface ProductReviewsPage {
  count: number;
  histogram: { level: number; count: number; percent: number }[];
  items: PublicReview[];
  page: number;
  hasNext: boolean;
}

/** An item of a delivered part on the buyer's order page, with the buyer's review if written. */
export interface OrderItemReview {
  itemId: number;
  sellerOrderId: number;
  productId: number;
  review: {
    rating: number;
    comment: string;
    createdAt: Date;
    reply: string | null;
    hiddenReason: string | null;
  } | null;
  /** The form is offered: no review yet, or one still inside its edit window. */
  editable: boolean;
  editableUntil: Date | null;
}

/** A review in the seller's and the admin's lists. */
export interface ReviewListRow {
  id: number;
  productId: number;
  productName: string;
  productSlug: string;
  sellerName: string;
  authorName: string;
  rating: number;
  comment: string;
  createdAt: Date;
  updatedAt: Date;
  reply: string | null;
  repliedAt: Date | null;
  hiddenAt: Date | null;
  hiddenReason: string | null;
}

/** The five histogram columns' changes, 1★ first. */
type StarDeltas = [number, number, number, number, number];
const starDeltas = (changes: { add?: number; remove?: number }): StarDeltas => {
  const d: StarDeltas = [0, 0, 0, 0, 0];
  if (changes.add) d[changes.add - 1] += 1;
  if (changes.remove) d[changes.remove - 1] -= 1;
  return d;
};

const LIST_COLUMNS = `
  r.id, r.product_id AS "productId", p.name AS "productName", p.slug AS "productSlug", s.name AS "sellerName",
  u.full_name AS "authorName", r.rating, r.comment, r.created_at AS "createdAt", r.updated_at AS "updatedAt",
  r.reply, r.replied_at AS "repliedAt", r.hidden_at AS "hiddenAt", r.hidden_reason AS "hiddenReason"`;
const LIST_FROM = `
  FROM reviews r
  JOIN products p ON p.id = r.product_id
  JOIN sellers s ON s.id = r.seller_id
  JOIN users u ON u.id = r.author_user_id`;

/**
 * Verified-buyer reviews: the one writer of `reviews` and of the `product_ratings` aggregate the
 * listings read. Every change of a counted review changes the aggregate in the same transaction, by one
 * atomic statement (never a recount), so concurrent reviews of one product all land.
 */
export class ReviewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sellers: SellersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * The buyer's review of one item of their order: written once, edited while inside the window.
   * Only the order's buyer, only an item of a delivered part; anything else writes nothing.
   */
  async submit(actor: Actor, code: string, itemId: number, input: ReviewInput): Promise<{ created: boolean }> {
    if (actor.role !== 'buyer') throw new ForbiddenError('order.review.error.buyersOnly');
    return this.dataSource.transaction(async (manager) => {
      const [item] = (await manager.query(
        `SELECT i.id, i.product_id AS "productId", so.seller_id AS "sellerId", so.status
         FROM order_items i JOIN seller_orders so ON so.id = i.seller_order_id JOIN orders o ON o.id = i.order_id
         WHERE i.id = $1 AND o.code = $2 AND o.buyer_user_id = $3`,
        [itemId, code, actor.id],
      )) as { id: number; productId: number; sellerId: number; status: string }[];
      if (!item) throw new NotFoundError('order.review.error.notInOrder');
      if (item.status !== 'delivered') throw new ConflictError('order.review.error.notDelivered', 'review_not_delivered');

      const [inserted] = (await manager.query(
        `INSERT INTO reviews (order_item_id, product_id, seller_id, author_user_id, rating, comment)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_item_id) DO NOTHING RETURNING id`,
        [item.id, item.productId, item.sellerId, actor.id, input.rating, input.comment],
      )) as { id: number }[];
      if (inserted) {
        await this.addToAggregate(manager, item.productId, input.rating);
        return { created: true };
      }
      // CASE: the review exists (or a second post of the same form just wrote it): this post edits it.
      await this.edit(manager, actor, item.id, input);
      return { created: false };
    });
  }

  private async edit(manager: EntityManager, actor: Actor, orderItemId: number, input: ReviewInput): Promise<void> {
    const [old] = (await manager.query(
      `SELECT id, product_id AS "productId", rating, hidden_at AS "hiddenAt",
              created_at > $3::timestamptz - make_interval(days => $4) AS editable
       FROM reviews WHERE order_item_id = $1 AND author_user_id = $2 FOR UPDATE`,
      [orderItemId, actor.id, this.clock.now(), EDIT_WINDOW_DAYS],
    )) as { id: number; productId: number; rating: number; hiddenAt: Date | null; editable: boolean }[];
    if (!old) throw new NotFoundError('order.review.error.notInOrder');
    if (!old.editable) throw new ConflictError(msg('order.review.error.editClosed', { days: EDIT_WINDOW_DAYS }), 'review_edit_closed');
    await manager.query(`UPDATE reviews SET rating = $2, comment = $3, updated_at = now() WHERE id = $1`, [old.id, input.rating, input.comment]);
    // A hidden review is not in the aggregate: its new stars stay out too.
    if (!old.hiddenAt && old.rating !== input.rating) await this.moveInAggregate(manager, old.productId, old.rating, input.rating);
  }

  /** One more counted review: creates the product's row on its first. */
  private async addToAggregate(manager: EntityManager, productId: number, rating: number): Promise<void> {
    const d = starDeltas({ add: rating });
    await manager.query(
      `INSERT INTO product_ratings AS pr (product_id, review_count, rating_sum, stars_1, stars_2, stars_3, stars_4, stars_5)
       VALUES ($1, 1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (product_id) DO UPDATE SET
         review_count = pr.review_count + 1, rating_sum = pr.rating_sum + EXCLUDED.rating_sum,
         stars_1 = pr.stars_1 + EXCLUDED.stars_1, stars_2 = pr.stars_2 + EXCLUDED.stars_2, stars_3 = pr.stars_3 + EXCLUDED.stars_3,
         stars_4 = pr.stars_4 + EXCLUDED.stars_4, stars_5 = pr.stars_5 + EXCLUDED.stars_5, updated_at = now()`,
      [productId, rating, ...d],
    );
  }

  /** A counted review changes its stars (from → to) or leaves the count (to = null). */
  private async moveInAggregate(manager: EntityManager, productId: number, from: number, to: number | null): Promise<void> {
    const d = starDeltas({ add: to ?? undefined, remove: from });
    const [, changed] = (await manager.query(
      `UPDATE product_ratings SET review_count = review_count + $2, rating_sum = rating_sum + $3,
         stars_1 = stars_1 + $4, stars_2 = stars_2 + $5, stars_3 = stars_3 + $6, stars_4 = stars_4 + $7, stars_5 = stars_5 + $8, updated_at = now()
       WHERE product_id = $1`,
      [productId, to === null ? -1 : 0, (to ?? 0) - from, ...d],
    )) as [unknown, number];
    if (changed !== 1) throw new Error(`product_ratings row missing for product ${productId}`);
  }

  /** The buyer's order page: each item of a delivered part, with their review. */
  async forOrder(actor: Actor, orderId: number): Promise<OrderItemReview[]> {
    const rows = (await this.dataSource.query(
      `SELECT i.id AS "itemId", i.seller_order_id AS "sellerOrderId", i.product_id AS "productId",
              r.rating, r.comment, r.created_at AS "createdAt", r.reply, r.hidden_reason AS "hiddenReason",
              r.created_at + make_interval(days => $3) AS "editableUntil"
       FROM order_items i
       JOIN seller_orders so ON so.id = i.seller_order_id
       JOIN orders o ON o.id = i.order_id
       LEFT JOIN reviews r ON r.order_item_id = i.id
       WHERE i.order_id = $1 AND o.buyer_user_id = $2 AND so.status = 'delivered'
       ORDER BY i.id`,
      [orderId, actor.id, EDIT_WINDOW_DAYS],
    )) as {
      itemId: number;
      sellerOrderId: number;
      productId: number;
      rating: number | null;
      comment: string | null;
      createdAt: Date | null;
      reply: string | null;
      hiddenReason: string | null;
      editableUntil: Date | null;
    }[];
    const now = this.clock.now().getTime();
    return rows.map((r) => ({
      itemId: r.itemId,
      sellerOrderId: r.sellerOrderId,
      productId: r.productId,
      review: r.rating === null ? null : { rating: r.rating, comment: r.comment ?? '', createdAt: r.createdAt!, reply: r.reply, hiddenReason: r.hiddenReason },
      editable: r.editableUntil === null || r.editableUntil.getTime() > now,
      editableUntil: r.editableUntil,
    }));
  }

  /**
   * The product page's reviews in one indexed read: the histogram from the aggregate's row and the
   * page's newest visible reviews (one more than the page, to know whether another follows).
   */
  async forProduct(productId: number, page: number): Promise<ProductReviewsPage> {
    const rows = (await this.dataSource.query(
      `SELECT pr.review_count AS count, pr.stars_1 AS s1, pr.stars_2 AS s2, pr.stars_3 AS s3, pr.stars_4 AS s4, pr.stars_5 AS s5,
              coalesce((SELECT json_agg(json_build_object('id', v.id, 'name', v.full_name, 'rating', v.rating, 'comment', v.comment,
                          'createdAt', v.created_at, 'reply', v.reply, 'repliedAt', v.replied_at) ORDER BY v.created_at DESC, v.id DESC)
                        FROM (SELECT r.id, u.full_name, r.rating, r.comment, r.created_at, r.reply, r.replied_at
                              FROM reviews r JOIN users u ON u.id = r.author_user_id
                              WHERE r.product_id = pr.product_id AND r.hidden_at IS NULL
                              ORDER BY r.created_at DESC, r.id DESC LIMIT $2 OFFSET $3) v), '[]'::json) AS items
       FROM product_ratings pr WHERE pr.product_id = $1`,
      [productId, PRODUCT_PAGE_SIZE + 1, (page - 1) * PRODUCT_PAGE_SIZE],
    )) as {
      count: number;
      s1: number;
      s2: number;
      s3: number;
      s4: number;
      s5: number;
      items: { id: number; name: string; rating: number; comment: string; createdAt: string; reply: string | null; repliedAt: string | null }[];
    }[];
    const row = rows[0];
    if (!row) return { count: 0, histogram: [], items: [], page, hasNext: false };
    const byStars = [row.s1, row.s2, row.s3, row.s4, row.s5];
    return {
      count: row.count,
      histogram: [5, 4, 3, 2, 1].map((level) => ({
        level,
        count: byStars[level - 1],
        percent: row.count ? Math.round((byStars[level - 1] * 100) / row.count) : 0,
      })),
      items: row.items.slice(0, PRODUCT_PAGE_SIZE).map((r) => ({
        id: r.id,
        reviewer: reviewerName(r.name),
        rating: r.rating,
        comment: r.comment,
        createdAt: new Date(r.createdAt),
        reply: r.reply,
        repliedAt: r.repliedAt ? new Date(r.repliedAt) : null,
      })),
      page,
      hasNext: row.items.length > PRODUCT_PAGE_SIZE,
    };
  }

  /** The cooperative's reviews (the household's, for a member acting for it), newest first. */
  async listForSeller(actor: Actor, page: number): Promise<{ rows: ReviewListRow[]; page: number; hasNext: boolean }> {
    const seller = await this.sellers.activeSeller(actor);
    const rows = (await this.dataSource.query(
      `SELECT ${LIST_COLUMNS} ${LIST_FROM} WHERE r.seller_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT $2 OFFSET $3`,
      [seller.id, LIST_PAGE_SIZE + 1, (page - 1) * LIST_PAGE_SIZE],
    )) as ReviewListRow[];
    return { rows: rows.slice(0, LIST_PAGE_SIZE).map((r) => ({ ...r, authorName: reviewerName(r.authorName) })), page, hasNext: rows.length > LIST_PAGE_SIZE };
  }

  /** The cooperative's one public answer to a review of its product. */
  async reply(actor: Actor, reviewId: number, reply: string): Promise<void> {
    const seller = await this.sellers.activeSeller(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, seller.id);
      const [row] = (await manager.query(`SELECT reply IS NOT NULL AS replied FROM reviews WHERE id = $1 AND seller_id = $2 FOR UPDATE`, [
        reviewId,
        seller.id,
      ])) as { replied: boolean }[];
      if (!row) throw new NotFoundError(msg('review.error.notInShop'));
      if (row.replied) throw new ConflictError(msg('review.error.replied'), 'review_replied');
      await manager.query(`UPDATE reviews SET reply = $2, replied_at = now(), replied_by = $3 WHERE id = $1`, [reviewId, reply, actor.id]);
      await this.sellers.recordActedFor(manager, actor, seller.id, 'review.replied', { reviewId });
    });
  }

  /** Every review, newest first, hidden ones included (marked). */
  async listForAdmin(actor: Actor, page: number): Promise<{ rows: ReviewListRow[]; page: number; hasNext: boolean }> {
    assertAdmin(actor);
    const rows = (await this.dataSource.query(`SELECT ${LIST_COLUMNS} ${LIST_FROM} ORDER BY r.created_at DESC, r.id DESC LIMIT $1 OFFSET $2`, [
      LIST_PAGE_SIZE + 1,
      (page - 1) * LIST_PAGE_SIZE,
    ])) as ReviewListRow[];
    return { rows: rows.slice(0, LIST_PAGE_SIZE), page, hasNext: rows.length > LIST_PAGE_SIZE };
  }

  /**
   * An admin hides a review with a reason its author sees: it leaves the public page and the aggregate
   * (once: hiding a hidden review changes nothing), audited in the same transaction.
   */
  async hide(actor: Actor, reviewId: number, reason: string): Promise<{ hidden: boolean }> {
    assertAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      // An UPDATE answers [rows, count].
      const [[row]] = (await manager.query(
        `UPDATE reviews SET hidden_at = now(), hidden_reason = $2, hidden_by = $3 WHERE id = $1 AND hidden_at IS NULL
         RETURNING product_id AS "productId", rating, author_user_id AS "authorUserId"`,
        [reviewId, reason, actor.id],
      )) as [{ productId: number; rating: number; authorUserId: number }[], number];
      if (!row) {
        const [exists] = (await manager.query(`SELECT 1 FROM reviews WHERE id = $1`, [reviewId])) as unknown[];
        if (!exists) throw new NotFoundError(msg('review.error.notFound'));
        return { hidden: false };
      }
      await this.moveInAggregate(manager, row.productId, row.rating, null);
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'review.hidden',
        targetType: 'product',
        targetId: row.productId,
        reason,
        details: { reviewId, rating: row.rating, authorUserId: row.authorUserId },
      });
      return { hidden: true };
    });
  }
}
