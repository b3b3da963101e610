import { z } from 'zod';
import { isLaoCaiCommune } from '../../lib/admin-units';
import { isCalendarDay } from '../../lib/dates';

const DATETIME_LOCAL = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;

/** A datetime-local value ("2026-11-29T07:00") read as Vietnam time (UTC+7, no daylight saving). */
export function vietnamLocalToDate(value: string): Date | null {
  const m = DATETIME_LOCAL.exec(value);
  if (!m || !isCalendarDay(m[1])) return null;
  return new Date(`${value}:00+07:00`);
}

/** The instant as a datetime-local value in Vietnam time, to put back into a form. */
export function dateToVietnamLocal(value: Date): string {
  return new Date(value.getTime() + 7 * 3600_000).toISOString().slice(0, 16);
}

const vietnamTime = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .transform((value, ctx) => {
      const date = vietnamLocalToDate(value);
      if (!date) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return date;
    });

/** POST /admin/market-days/new */
export const marketDaySchema = z
  .object({
    name: z.string({ error: 'Vui lòng nhập tên phiên chợ.' }).trim().min(3, 'Tên phiên chợ cần ít nhất 3 ký tự.').max(120, 'Tên phiên chợ tối đa 120 ký tự.'),
    commune: z.string({ error: 'Vui lòng chọn xã/phường.' }).refine(isLaoCaiCommune, 'Vui lòng chọn xã/phường trong danh sách của tỉnh Lào Cai.'),
    place: z.string({ error: 'Vui lòng nhập địa điểm.' }).trim().min(3, 'Địa điểm cần ít nhất 3 ký tự.').max(200, 'Địa điểm tối đa 200 ký tự.'),
    startsAt: vietnamTime('Vui lòng nhập thời gian bắt đầu (ngày và giờ).'),
    endsAt: vietnamTime('Vui lòng nhập thời gian kết thúc (ngày và giờ).'),
    description: z.string().trim().max(2000, 'Mô tả tối đa 2000 ký tự.').optional().default(''),
  })
  .strict()
  .refine((d) => d.endsAt.getTime() > d.startsAt.getTime(), { path: ['endsAt'], message: 'Thời gian kết thúc phải sau thời gian bắt đầu.' });

export type MarketDayInput = z.infer<typeof marketDaySchema>;

/** POST /admin/market-days/:id/stalls */
export const stallBodySchema = z.object({ sellerId: z.coerce.number().int().positive('Vui lòng chọn hợp tác xã.') }).strict();

export const idParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();
export const stallParamsSchema = z
  .object({ id: z.coerce.number().int().positive().max(2_147_483_647), sellerId: z.coerce.number().int().positive().max(2_147_483_647) })
  .strict();
export const slugParamsSchema = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,120}$/) }).strict();
export const communeQuerySchema = z.object({ commune: z.string().max(120).optional() }).strict();
