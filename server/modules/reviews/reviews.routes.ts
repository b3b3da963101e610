import express, { type Request, type Response, type Router } from 'express';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { parseInput } from '../../http/validate';
import { todayInVietnam } from '../../lib/dates';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { translate, type Language } from '../../rendering/i18n';
import { requireRole, type SessionUser } from '../accounts';
import { hideSchema, pageQuery, replySchema, reviewIdParams, reviewItemParams, reviewSchema, reviewsPageQuery } from './reviews.schemas';
import type { OrderItemReview, ReviewListRow, ReviewsService } from './reviews.service';

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/** A path parameter that cannot name a review or an order item is an unknown page (404), not a form error. */
function params<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, req: Request): T {
  const parsed = schema.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

/** A review form the server refused, shown again on the order page under its item. */
interface ReviewFormState {
  itemId: number;
  errors: Record<string, string>;
  formError?: string;
  values: Record<string, unknown>;
}

/** What the order page shows under an item of a delivered part (views/partials/order-item-review.hbs). */
function itemView(item: OrderItemReview, form?: ReviewFormState) {
  const mine = form?.itemId === item.itemId ? form : undefined;
  const rating = mine ? Number(mine.values.rating) : (item.review?.rating ?? 0);
  return {
    itemId: item.itemId,
    review: item.review,
    editable: item.editable,
    editableUntil: item.review ? item.editableUntil : null,
    comment: mine ? String(mine.values.comment ?? '') : (item.review?.comment ?? ''),
    ratingOptions: [5, 4, 3, 2, 1].map((value) => ({ value, checked: value === rating })),
    errors: mine?.errors ?? {},
    formError: mine?.formError,
  };
}

/** The order page's extras (orders' OrderItemExtras): each delivered item's review and form. */
export function orderItemReviews(reviews: ReviewsService) {
  return async (actor: SessionUser, orderId: number, form?: unknown): Promise<Map<string, unknown>> => {
    const items = await reviews.forOrder(actor, orderId);
    return new Map(items.map((i) => [`${i.sellerOrderId}:${i.productId}`, itemView(i, form as ReviewFormState | undefined)]));
  };
}

/** The product page's reviews block (catalog's ProductExtras): nothing read for a product without reviews. */
export function productReviews(reviews: ReviewsService) {
  return async (
    product: { id: number; slug: string; rating: { average: number | null; count: number } },
    query: unknown,
  ): Promise<{ locals: Record<string, unknown>; jsonLdReviews: { author: string; datePublished: string; rating: number; body: string }[] }> => {
    if (product.rating.count === 0) return { locals: {}, jsonLdReviews: [] };
    const { reviewsPage } = reviewsPageQuery.parse(query);
    const page = await reviews.forProduct(product.id, reviewsPage);
    const href = (n: number) => `/products/${product.slug}${n > 1 ? `?reviewsPage=${n}` : ''}#reviews`;
    return {
      locals: {
        reviews: {
          ...page,
          pagination: { page: page.page, prevHref: page.page > 1 ? href(page.page - 1) : null, nextHref: page.hasNext ? href(page.page + 1) : null },
        },
      },
      jsonLdReviews: page.items.slice(0, 5).map((r) => ({
        author: r.reviewer,
        datePublished: todayInVietnam(r.createdAt),
        rating: r.rating,
        body: r.comment,
      })),
    };
  };
}

const listView = (rows: ReviewListRow[]) => rows.map((r) => ({ ...r, edited: r.updatedAt.getTime() - r.createdAt.getTime() > 1000 }));

function pagination(base: string, page: number, hasNext: boolean) {
  return { page, prevHref: page > 1 ? `${base}?page=${page - 1}` : null, nextHref: hasNext ? `${base}?page=${page + 1}` : null };
}

/**
 * POST /orders/:code/items/:itemId/review (the buyer, from the order page), the seller's list and reply,
 * the back office's list and hide. `renderOrder` is the orders module's order page, shown again (422)
 * with a refused review form.
 */
export function reviewRoutes(deps: { reviews: ReviewsService; renderOrder: (req: Request, res: Response, form?: unknown) => Promise<void> }): Router {
  const { reviews, renderOrder } = deps;
  const router = express.Router();

  router.post('/orders/:code/items/:itemId/review', requireRole('buyer'), async (req, res) => {
    const { code, itemId } = params(reviewItemParams, req);
    try {
      const { created } = await reviews.submit(req.user!, code, itemId, parseInput(reviewSchema, formBody(req)));
      await setFlash(req, translate(langOf(res), created ? 'review.saved' : 'review.updated'));
      res.redirect(303, `/orders/${code}#review-${itemId}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const { _form, ...errors } = err.fieldErrors;
      res.status(422);
      await renderOrder(req, res, { itemId, errors, formError: _form ?? err.message, values: formValues(req) } satisfies ReviewFormState);
    }
  });

  const sellerOnly = requireRole('seller');
  const sellerPage = async (req: Request, res: Response) => {
    const { page } = pageQuery.parse(req.query);
    const list = await reviews.listForSeller(req.user!, page);
    return {
      title: translate(langOf(res), 'review.seller.title'),
      reviews: listView(list.rows),
      pagination: pagination('/seller/reviews', list.page, list.hasNext),
    };
  };

  router.get('/seller/reviews', sellerOnly, async (req, res) => {
    res.render('reviews/seller-list', { ...(await sellerPage(req, res)), notice: takeFlash(req) });
  });

  router.post('/seller/reviews/:id/reply', sellerOnly, async (req, res) => {
    const { id } = params(reviewIdParams, req);
    try {
      await reviews.reply(req.user!, id, parseInput(replySchema, formBody(req)).reply);
      await setFlash(req, translate(langOf(res), 'review.seller.replied'));
      res.redirect(303, `/seller/reviews#review-${id}`);
    } catch (err) {
      renderFormError(res, 'reviews/seller-list', err, { ...(await sellerPage(req, res)), formFor: id, values: formValues(req) });
    }
  });

  const adminOnly = requireRole('admin');
  const adminPage = async (req: Request, res: Response) => {
    const { page } = pageQuery.parse(req.query);
    const list = await reviews.listForAdmin(req.user!, page);
    return {
      title: translate(langOf(res), 'review.admin.title'),
      reviews: listView(list.rows),
      pagination: pagination('/admin/reviews', list.page, list.hasNext),
    };
  };

  router.get('/admin/reviews', adminOnly, async (req, res) => {
    res.render('reviews/admin-list', { ...(await adminPage(req, res)), notice: takeFlash(req) });
  });

  router.post('/admin/reviews/:id/hide', adminOnly, async (req, res) => {
    const { id } = params(reviewIdParams, req);
    try {
      const { hidden } = await reviews.hide(req.user!, id, parseInput(hideSchema, formBody(req)).reason);
      await setFlash(req, translate(langOf(res), hidden ? 'review.admin.hidden' : 'review.admin.alreadyHidden'));
      res.redirect(303, `/admin/reviews#review-${id}`);
    } catch (err) {
      renderFormError(res, 'reviews/admin-list', err, { ...(await adminPage(req, res)), formFor: id, values: formValues(req) });
    }
  });

  return router;
}
