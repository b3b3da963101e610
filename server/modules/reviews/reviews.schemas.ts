import { z } from 'zod';
import { ORDER_CODE_PATTERN } from '../orders';
import { msg } from '../../rendering/i18n';

const INT4_MAX = 2_147_483_647;
const id = z.coerce.number().int().positive().max(INT4_MAX);

/** POST /orders/:code/items/:itemId/review */
export const reviewSchema = z
  .object({
    rating: z.coerce
      .number({ error: 'validation.review.rating' })
      .int('validation.review.rating')
      .min(1, 'validation.review.rating')
      .max(5, 'validation.review.rating'),
    comment: z.string().trim().max(2000, 'validation.review.commentMax').optional().default(''),
  })
  .strict();
export type ReviewInput = z.infer<typeof reviewSchema>;

/** POST /seller/reviews/:id/reply */
export const replySchema = z
  .object({
    reply: z
      .string({ error: msg('review.v.reply.required') })
      .trim()
      .min(1, msg('review.v.reply.required'))
      .max(2000, msg('review.v.reply.max')),
  })
  .strict();

/** POST /admin/reviews/:id/hide */
export const hideSchema = z
  .object({
    reason: z
      .string({ error: msg('review.v.hideReason.required') })
      .trim()
      .min(3, msg('review.v.hideReason.min'))
      .max(1000, msg('review.v.hideReason.max')),
  })
  .strict();

export const reviewItemParams = z.object({ code: z.string().regex(ORDER_CODE_PATTERN), itemId: id }).strict();
export const reviewIdParams = z.object({ id }).strict();

/** ?page= of the seller's and the admin's lists, ?reviewsPage= of a product page: anything odd is page one. */
export const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(1000).catch(1).default(1) });
export const reviewsPageQuery = z.object({ reviewsPage: z.coerce.number().int().min(1).max(1000).catch(1).default(1) });
