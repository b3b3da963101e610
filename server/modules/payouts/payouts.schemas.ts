import { z } from 'zod';
import { isCalendarDay } from '../../lib/dates';
import { parseVnd } from '../../lib/money';

/** "5", "5,5" or "5.5" (%) → basis points. */
export const percentSchema = z
  .string({ error: 'Vui lòng nhập tỷ lệ phí sàn.' })
  .trim()
  .regex(/^\d{1,3}([.,]\d{1,2})?$/, 'Tỷ lệ phí sàn là số phần trăm, ví dụ 5 hoặc 2,5.')
  .transform((v) => Math.round(Number(v.replace(',', '.')) * 100))
  .pipe(z.number().int().min(0).max(10_000, 'Tỷ lệ phí sàn tối đa 100 %.'));

export const platformRateSchema = z.object({ rate: percentSchema }).strict();

/** The stall commission: the same percent format; "not above the online rate" is the service's rule. */
export const stallRateSchema = z.object({ stallRate: percentSchema }).strict();

export const sellerRateSchema = z
  .object({ rate: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), percentSchema.optional()) })
  .strict();

export const payoutSchema = z
  .object({
    amountVnd: z.string({ error: 'Vui lòng nhập số tiền.' }).transform((v, ctx) => {
      const parsed = parseVnd(v);
      if (parsed === null || parsed <= 0) {
        ctx.addIssue({ code: 'custom', message: 'Số tiền phải là số đồng nguyên lớn hơn 0.' });
        return z.NEVER;
      }
      return parsed;
    }),
    bankReference: z.string({ error: 'Vui lòng nhập mã giao dịch.' }).trim().min(3, 'Vui lòng nhập mã giao dịch ngân hàng.').max(100),
    paidOn: z.string({ error: 'Vui lòng nhập ngày chuyển.' }).refine(isCalendarDay, 'Ngày chuyển không hợp lệ.'),
    note: z.string().trim().max(500).optional(),
  })
  .strict();

export const sellerIdParams = z.object({ sellerId: z.coerce.number().int().positive().max(2_147_483_647) });
