import { z } from 'zod';
import { isCalendarDay } from '../../lib/dates';
import { parseVnd } from '../../lib/money';
import { msg } from '../../rendering/i18n';

/** "5", "5,5" or "5.5" (%) → basis points. */
export const percentSchema = z
  .string({ error: msg('payout.v.rate.required') })
  .trim()
  .regex(/^\d{1,3}([.,]\d{1,2})?$/, msg('payout.v.rate.format'))
  .transform((v) => Math.round(Number(v.replace(',', '.')) * 100))
  .pipe(z.number().int().min(0).max(10_000, msg('payout.v.rate.max')));

export const platformRateSchema = z.object({ rate: percentSchema }).strict();

/** The stall commission: the same percent format; "not above the online rate" is the service's rule. */
export const stallRateSchema = z.object({ stallRate: percentSchema }).strict();

export const sellerRateSchema = z
  .object({ rate: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), percentSchema.optional()) })
  .strict();

export const payoutSchema = z
  .object({
    amountVnd: z.string({ error: msg('payout.v.amount.required') }).transform((v, ctx) => {
      const parsed = parseVnd(v);
      if (parsed === null || parsed <= 0) {
        ctx.addIssue({ code: 'custom', message: msg('payout.v.amount.whole') });
        return z.NEVER;
      }
      return parsed;
    }),
    bankReference: z
      .string({ error: msg('payout.v.reference.required') })
      .trim()
      .min(3, msg('payout.v.reference.min'))
      .max(100),
    paidOn: z.string({ error: msg('payout.v.paidOn.required') }).refine(isCalendarDay, msg('payout.v.paidOn.invalid')),
    note: z.string().trim().max(500).optional(),
  })
  .strict();

export const sellerIdParams = z.object({ sellerId: z.coerce.number().int().positive().max(2_147_483_647) });
