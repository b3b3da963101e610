import { z } from 'zod';
import { isCalendarDay } from '../../lib/dates';
import { parseVnd } from '../../lib/money';
import { SKU_MAX_LENGTH, SKU_PATTERN } from '../../lib/sku';
import { WEIGHT_GRAMS_MAX, WEIGHT_GRAMS_MIN } from '../../lib/weight';
import { msg, type MessageKey } from '../../rendering/i18n';
import { ADJUSTMENT_REASONS } from '../inventory';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/**
 * A whole number in [min, max]. With `field` (seller.field.<field>), the messages are message keys
 * (seller.v.<field>.required|whole|min|max) shown in the reader's language; otherwise literal Vietnamese
 * built from `label`.
 */
const wholeNumber = (label: string, min: number, max: number, field?: 'lowStock' | 'stock' | 'delta' | 'weight') => {
  const text = (kind: 'required' | 'whole' | 'min' | 'max', vi: string) =>
    field ? msg(`seller.v.${field}.${kind}` as MessageKey, kind === 'min' ? { min } : kind === 'max' ? { max: max.toLocaleString('vi-VN') } : undefined) : vi;
  const Label = `${label[0].toUpperCase()}${label.slice(1)}`;
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: text('required', `Vui lòng nhập ${label}.`) })
      .min(1, text('required', `Vui lòng nhập ${label}.`))
      .regex(/^-?\d+$/, text('whole', `${Label} phải là số nguyên.`))
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(min, text('min', `${Label} tối thiểu là ${min}.`))
          .max(max, text('max', `${Label} tối đa là ${max.toLocaleString('vi-VN')}.`)),
      ),
  );
};

/** "125000", "125.000" or "125 000 ₫" → 125000; a positive whole number of đồng. */
const priceSchema = z
  .string({ error: msg('seller.v.price.required') })
  .transform((v, ctx) => {
    const parsed = parseVnd(v);
    if (parsed === null) {
      ctx.addIssue({ code: 'custom', message: msg('seller.v.price.whole') });
      return z.NEVER;
    }
    return parsed;
  })
  .pipe(z.number().min(1, msg('seller.v.price.min')).max(100_000_000, msg('seller.v.price.max')));

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, msg('seller.v.date.format'))
  // CASE: JavaScript takes 0000-01-01 and 2025-02-30, PostgreSQL does not: only real days (2000–2100).
  .refine(isCalendarDay, msg('seller.v.date.real'));

const productFields = {
  name: z
    .string({ error: msg('seller.v.name.required') })
    .trim()
    .min(2, msg('seller.v.name.min'))
    .max(200, msg('seller.v.name.max')),
  categoryId: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: msg('seller.v.category') })
      .int()
      .positive(msg('seller.v.category')),
  ),
  description: z.string().trim().max(5000, msg('seller.v.description.max')).default(''),
  priceVnd: priceSchema,
  unit: z
    .string({ error: msg('seller.v.unit.required') })
    .trim()
    .min(1, msg('seller.v.unit.min'))
    .max(50, msg('seller.v.unit.max')),
  lowStockThreshold: z.preprocess((v) => blankToUndefined(v) ?? '5', wholeNumber('ngưỡng sắp hết hàng', 0, 100_000, 'lowStock')),
  ocopStars: z.preprocess(blankToUndefined, z.coerce.number().int().min(3, msg('seller.v.stars')).max(5, msg('seller.v.stars')).optional()),
  ocopCertificateNo: z.preprocess(blankToUndefined, z.string().trim().max(100, msg('seller.v.certificate.max')).optional()),
  ocopDecisionDate: z.preprocess(blankToUndefined, isoDate.optional()),
  sku: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(SKU_MAX_LENGTH, msg('seller.v.sku.max', { max: SKU_MAX_LENGTH }))
      .regex(SKU_PATTERN, msg('seller.v.sku.pattern'))
      .optional(),
  ),
};

/** Stars, certificate number and decision date come together or not at all. */
function ocopClaimComplete(v: { ocopStars?: number; ocopCertificateNo?: string; ocopDecisionDate?: string }, ctx: z.RefinementCtx) {
  const given = [v.ocopStars, v.ocopCertificateNo, v.ocopDecisionDate].filter((x) => x !== undefined).length;
  if (given > 0 && given < 3) {
    for (const key of ['ocopStars', 'ocopCertificateNo', 'ocopDecisionDate'] as const) {
      if (v[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: msg(`seller.v.claim.${key}`) });
    }
  }
}

/** One unit's packed weight in grams, for the shipping fee: required for a new listing, kept when an edit leaves it blank. */
const weightGrams = wholeNumber('khối lượng đóng gói (gam)', WEIGHT_GRAMS_MIN, WEIGHT_GRAMS_MAX, 'weight');

export const newProductSchema = z
  .object({ ...productFields, stock: z.preprocess((v) => blankToUndefined(v) ?? '0', wholeNumber('số lượng tồn kho', 0, 1_000_000, 'stock')), weightGrams })
  .strict()
  .superRefine(ocopClaimComplete);
export type NewProductInput = z.infer<typeof newProductSchema>;

export const editProductSchema = z
  .object({
    ...productFields,
    version: z.coerce.number().int().positive().max(2_147_483_647),
    weightGrams: z.preprocess(blankToUndefined, weightGrams.optional()),
  })
  .strict()
  .superRefine(ocopClaimComplete);
export type EditProductInput = z.infer<typeof editProductSchema>;

export const stockAdjustmentSchema = z
  .object({
    delta: wholeNumber('số lượng thay đổi', -1_000_000, 1_000_000, 'delta').refine((d) => d !== 0, msg('seller.v.delta.zero')),
    reason: z.enum(ADJUSTMENT_REASONS, { error: msg('seller.v.reason') }),
    note: z.string().trim().max(500, msg('seller.v.note.max')).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.reason === 'restock' && v.delta < 0) ctx.addIssue({ code: 'custom', path: ['delta'], message: msg('seller.v.delta.restock') });
    if (v.reason === 'damage' && v.delta > 0) ctx.addIssue({ code: 'custom', path: ['delta'], message: msg('seller.v.delta.damage') });
  });

export const productIdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const imageParams = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647),
  imageId: z.coerce.number().int().positive().max(2_147_483_647),
});
export const moveImageSchema = z.object({ direction: z.enum(['up', 'down']) }).strict();
