import { z } from 'zod';
import { isCalendarDay } from '../../lib/dates';
import { parseVnd } from '../../lib/money';
import { SKU_MAX_LENGTH, SKU_PATTERN } from '../../lib/sku';
import { ADJUSTMENT_REASONS } from '../inventory';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const wholeNumber = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: `Vui lòng nhập ${label}.` })
      .min(1, `Vui lòng nhập ${label}.`)
      .regex(/^-?\d+$/, `${label[0].toUpperCase()}${label.slice(1)} phải là số nguyên.`)
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(min, `${label[0].toUpperCase()}${label.slice(1)} tối thiểu là ${min}.`)
          .max(max, `${label[0].toUpperCase()}${label.slice(1)} tối đa là ${max.toLocaleString('vi-VN')}.`),
      ),
  );

/** "125000", "125.000" or "125 000 ₫" → 125000; a positive whole number of đồng. */
const priceSchema = z
  .string({ error: 'Vui lòng nhập giá.' })
  .transform((v, ctx) => {
    const parsed = parseVnd(v);
    if (parsed === null) {
      ctx.addIssue({ code: 'custom', message: 'Giá phải là số đồng nguyên, ví dụ 125000 hoặc 125.000.' });
      return z.NEVER;
    }
    return parsed;
  })
  .pipe(z.number().min(1, 'Giá phải lớn hơn 0 đồng.').max(100_000_000, 'Giá tối đa 100.000.000 ₫.'));

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày không hợp lệ (dd/mm/yyyy).')
  // CASE: JavaScript takes 0000-01-01 and 2025-02-30, PostgreSQL does not: only real days (2000–2100).
  .refine(isCalendarDay, 'Ngày không tồn tại.');

const productFields = {
  name: z.string({ error: 'Vui lòng nhập tên sản phẩm.' }).trim().min(2, 'Tên sản phẩm cần ít nhất 2 ký tự.').max(200, 'Tên tối đa 200 ký tự.'),
  categoryId: z.preprocess(blankToUndefined, z.coerce.number({ error: 'Vui lòng chọn nhóm OCOP.' }).int().positive('Vui lòng chọn nhóm OCOP.')),
  description: z.string().trim().max(5000, 'Mô tả tối đa 5000 ký tự.').default(''),
  priceVnd: priceSchema,
  unit: z.string({ error: 'Vui lòng nhập đơn vị bán.' }).trim().min(1, 'Vui lòng nhập đơn vị bán, ví dụ "hộp 500g".').max(50, 'Đơn vị tối đa 50 ký tự.'),
  lowStockThreshold: z.preprocess((v) => blankToUndefined(v) ?? '5', wholeNumber('ngưỡng sắp hết hàng', 0, 100_000)),
  ocopStars: z.preprocess(blankToUndefined, z.coerce.number().int().min(3, 'Hạng sao OCOP từ 3 đến 5.').max(5, 'Hạng sao OCOP từ 3 đến 5.').optional()),
  ocopCertificateNo: z.preprocess(blankToUndefined, z.string().trim().max(100, 'Số giấy chứng nhận tối đa 100 ký tự.').optional()),
  ocopDecisionDate: z.preprocess(blankToUndefined, isoDate.optional()),
  sku: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(SKU_MAX_LENGTH, `Mã sản phẩm (SKU) tối đa ${SKU_MAX_LENGTH} ký tự.`)
      .regex(SKU_PATTERN, 'Mã sản phẩm (SKU) chỉ gồm chữ không dấu, số và . _ / - (bắt đầu bằng chữ hoặc số), ví dụ MO-500.')
      .optional(),
  ),
};

/** Stars, certificate number and decision date come together or not at all. */
function ocopClaimComplete(v: { ocopStars?: number; ocopCertificateNo?: string; ocopDecisionDate?: string }, ctx: z.RefinementCtx) {
  const given = [v.ocopStars, v.ocopCertificateNo, v.ocopDecisionDate].filter((x) => x !== undefined).length;
  if (given > 0 && given < 3) {
    const labels = { ocopStars: 'hạng sao', ocopCertificateNo: 'số giấy chứng nhận', ocopDecisionDate: 'ngày quyết định' } as const;
    for (const key of Object.keys(labels) as (keyof typeof labels)[]) {
      if (v[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `Chứng nhận OCOP cần đủ hạng sao, số giấy chứng nhận và ngày quyết định: thiếu ${labels[key]}.` });
    }
  }
}

export const newProductSchema = z
  .object({ ...productFields, stock: z.preprocess((v) => blankToUndefined(v) ?? '0', wholeNumber('số lượng tồn kho', 0, 1_000_000)) })
  .strict()
  .superRefine(ocopClaimComplete);
export type NewProductInput = z.infer<typeof newProductSchema>;

export const editProductSchema = z
  .object({ ...productFields, version: z.coerce.number().int().positive().max(2_147_483_647) })
  .strict()
  .superRefine(ocopClaimComplete);
export type EditProductInput = z.infer<typeof editProductSchema>;

export const stockAdjustmentSchema = z
  .object({
    delta: wholeNumber('số lượng thay đổi', -1_000_000, 1_000_000).refine((d) => d !== 0, 'Số lượng thay đổi phải khác 0.'),
    reason: z.enum(ADJUSTMENT_REASONS, { error: 'Vui lòng chọn lý do.' }),
    note: z.string().trim().max(500, 'Ghi chú tối đa 500 ký tự.').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.reason === 'restock' && v.delta < 0) ctx.addIssue({ code: 'custom', path: ['delta'], message: 'Nhập hàng phải là số dương.' });
    if (v.reason === 'damage' && v.delta > 0) ctx.addIssue({ code: 'custom', path: ['delta'], message: 'Hàng hư hỏng phải là số âm (ví dụ -2).' });
  });

export const productIdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
export const imageParams = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647),
  imageId: z.coerce.number().int().positive().max(2_147_483_647),
});
export const moveImageSchema = z.object({ direction: z.enum(['up', 'down']) }).strict();
