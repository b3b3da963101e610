import { z } from 'zod';
import { isCalendarDay } from '../../lib/dates';
import { TRACE_CODE_PATTERN } from './trace-code';
import { msg } from '../../rendering/i18n';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const DAY_MONTH_YEAR = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A date field: the browser's 2026-11-26, or 26/11/2026 typed by hand (or by a browser without a date picker). */
const calendarDay = (required: string) =>
  z
    .string({ error: required })
    .trim()
    .transform((value, ctx) => {
      const dmy = DAY_MONTH_YEAR.exec(value);
      const iso = dmy ? `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}` : value;
      // CASE: 2026-02-30 and year 0 pass JavaScript's Date but not PostgreSQL: only real days (2000–2100).
      if (!isCalendarDay(iso)) {
        ctx.addIssue({ code: 'custom', message: msg('trace.v.date') });
        return z.NEVER;
      }
      return iso;
    });

export const newBatchSchema = z
  .object({
    code: z
      .string({ error: msg('trace.v.code.required') })
      .trim()
      .min(1, msg('trace.v.code.required'))
      .max(40, msg('trace.v.code.max'))
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, msg('trace.v.code.pattern')),
    producedOn: z.preprocess(blankToUndefined, calendarDay(msg('trace.v.producedOn'))),
    expiresOn: z.preprocess(blankToUndefined, calendarDay(msg('trace.v.expiresOn')).optional()),
    area: z.string().trim().max(200, msg('trace.v.area.max')).default(''),
    quantity: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim() : v),
      z
        .string({ error: msg('trace.v.quantity.required') })
        .min(1, msg('trace.v.quantity.required'))
        .regex(/^\d+$/, msg('trace.v.quantity.whole'))
        .transform(Number)
        .pipe(z.number().int().min(1, msg('trace.v.quantity.min')).max(1_000_000, msg('trace.v.quantity.max'))),
    ),
    note: z.string().trim().max(1000, msg('trace.v.note.max')).default(''),
    // A checkbox: present when ticked.
    addToStock: z
      .enum(['1', 'on'])
      .optional()
      .transform((v) => v !== undefined),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.expiresOn && v.expiresOn < v.producedOn) {
      ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: msg('trace.v.expiresBeforeProduced') });
    }
  });
export type NewBatchInput = z.infer<typeof newBatchSchema>;

const id = z.coerce.number().int().positive().max(2_147_483_647);
export const productParams = z.object({ id }).strict();
export const batchParams = z.object({ id, batchId: id }).strict();
export const traceParams = z.object({ code: z.string().regex(TRACE_CODE_PATTERN) }).strict();

export const LABEL_SIZES = ['40x30', '50x30'] as const;
export type LabelSize = (typeof LABEL_SIZES)[number];
/** An unknown or missing size is the default (40×30 mm), never an error: the sheet still prints. */
export const labelQuery = z.object({ size: z.enum(LABEL_SIZES).catch('40x30').default('40x30') });
