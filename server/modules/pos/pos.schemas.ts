import { z } from 'zod';
import { STALL_SALE_CODE_PATTERN } from '../orders';
import { msg } from '../../rendering/i18n';

/** At most this many lines in one sale (the form's fields stay under the body parser's 100 parameters). */
export const MAX_SALE_LINES = 45;

const asArray = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** POST /seller/pos/sales: repeated productId/quantity pairs; quantity 0 lines are ignored. */
export const stallSaleSchema = z
  .object({
    _csrf: z.string().optional(),
    intent: z.enum(['total', 'sell']).default('sell'),
    productId: z.preprocess(asArray, z.array(z.coerce.number().int().positive()).max(MAX_SALE_LINES)),
    quantity: z.preprocess(asArray, z.array(z.coerce.number().int().min(0, msg('pos.v.quantity')).max(999)).max(MAX_SALE_LINES)),
  })
  .strict()
  .refine((v) => v.productId.length === v.quantity.length, { message: msg('pos.v.quantityPerProduct'), path: ['quantity'] })
  .transform((v) => ({
    intent: v.intent,
    lines: v.productId.map((productId, i) => ({ productId, quantity: v.quantity[i] })).filter((l) => l.quantity > 0),
  }));
export type StallSaleInput = z.infer<typeof stallSaleSchema>;

export const tillQuerySchema = z.object({ q: z.string().trim().max(100).optional().catch(undefined) });

export const saleCodeParams = z.object({ code: z.string().regex(STALL_SALE_CODE_PATTERN) });
export const receiptParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{32}$/) });
