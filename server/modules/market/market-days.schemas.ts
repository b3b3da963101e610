import { z } from 'zod';
import { isLaoCaiCommune } from '../../lib/admin-units';
import { isCalendarDay } from '../../lib/dates';
import { msg } from '../../rendering/i18n';

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
    name: z
      .string({ error: msg('market.v.name.required') })
      .trim()
      .min(3, msg('market.v.name.min'))
      .max(120, msg('market.v.name.max')),
    commune: z.string({ error: msg('seller.v.commune.required') }).refine(isLaoCaiCommune, msg('seller.v.commune.list')),
    place: z
      .string({ error: msg('market.v.place.required') })
      .trim()
      .min(3, msg('market.v.place.min'))
      .max(200, msg('market.v.place.max')),
    startsAt: vietnamTime(msg('market.v.startsAt')),
    endsAt: vietnamTime(msg('market.v.endsAt')),
    description: z.string().trim().max(2000, msg('market.v.description.max')).optional().default(''),
  })
  .strict()
  .refine((d) => d.endsAt.getTime() > d.startsAt.getTime(), { path: ['endsAt'], message: msg('market.v.endAfterStart') });

export type MarketDayInput = z.infer<typeof marketDaySchema>;

/** POST /admin/market-days/:id/stalls */
export const stallBodySchema = z.object({ sellerId: z.coerce.number().int().positive(msg('market.v.seller')) }).strict();

export const idParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();
export const stallParamsSchema = z
  .object({ id: z.coerce.number().int().positive().max(2_147_483_647), sellerId: z.coerce.number().int().positive().max(2_147_483_647) })
  .strict();
export const slugParamsSchema = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,120}$/) }).strict();
export const communeQuerySchema = z.object({ commune: z.string().max(120).optional() }).strict();
