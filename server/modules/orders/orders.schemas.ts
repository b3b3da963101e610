import { z } from 'zod';
import { ValidationError } from '../../lib/errors';
import { isLaoCaiCommune, provinces } from '../../lib/admin-units';
import { fullNameSchema, phoneSchema } from '../accounts';
import { ORDER_CODE_PATTERN } from './order-code';

export const LAO_CAI = 'Lào Cai';

export const checkoutSchema = z
  .object({
    recipientName: fullNameSchema,
    phone: phoneSchema,
    province: z.string({ error: 'validation.province.required' }).refine((p) => provinces.includes(p), 'validation.province.fromList'),
    commune: z.string({ error: 'validation.commune.required' }).trim().min(2, 'validation.commune.required').max(100, 'validation.commune.max'),
    street: z.string({ error: 'validation.street.required' }).trim().min(3, 'validation.street.min').max(200, 'validation.street.max'),
    note: z.string().trim().max(500, 'validation.note.max').optional(),
    paymentMethod: z.enum(['stripe', 'vietqr'], { error: 'validation.paymentMethod.required' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    // Lào Cai's 99 communes and wards are known; other provinces take free text until their lists are loaded.
    if (v.province === LAO_CAI && !isLaoCaiCommune(v.commune)) {
      ctx.addIssue({ code: 'custom', path: ['commune'], message: 'validation.commune.laoCai' });
    }
  });
export type CheckoutInput = z.infer<typeof checkoutSchema>;

export const orderCodeParams = z.object({ code: z.string().regex(ORDER_CODE_PATTERN) });

export const sellerOrderStatusSchema = z
  .object({
    status: z.enum(['shipped', 'delivered', 'cancelled'], { error: 'seller.v.status.invalid' }),
    trackingNo: z.string().trim().max(60, 'seller.v.trackingNo.max').optional(),
    note: z.string().trim().max(500, 'seller.v.note.max').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.status === 'shipped' && !v.trackingNo) ctx.addIssue({ code: 'custom', path: ['trackingNo'], message: 'seller.v.trackingNo.required' });
  });

const BATCH_FIELD = /^batch_(\d{1,10})$/;

/**
 * The ship form's batch selects (`batch_<itemId>`: a batch id, or empty for "no batch") taken out of
 * the body, so the rest is parsed strictly; anything else in such a field refuses the form.
 */
export function takeBatchPicks(body: Record<string, unknown>): { rest: Record<string, unknown>; batches: Map<number, number | null> } {
  const rest: Record<string, unknown> = {};
  const batches = new Map<number, number | null>();
  for (const [key, value] of Object.entries(body)) {
    const field = BATCH_FIELD.exec(key);
    if (!field) {
      rest[key] = value;
      continue;
    }
    if (value !== '' && (typeof value !== 'string' || !/^\d{1,10}$/.test(value) || Number(value) > 2_147_483_647)) {
      throw new ValidationError({ [key]: 'seller.v.batch.invalid' });
    }
    batches.set(Number(field[1]), value === '' ? null : Number(value));
  }
  return { rest, batches };
}

export const sellerOrderFilterSchema = z.object({
  status: z.enum(['awaiting_payment', 'to_ship', 'shipped', 'delivered', 'cancelled']).optional().catch(undefined),
});
