import { z } from 'zod';

const quantity = (min: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: 'Vui lòng nhập số lượng.' })
      .regex(/^\d{1,4}$/, 'Số lượng phải là số nguyên từ 1 đến 1000.')
      .transform(Number)
      .pipe(z.number().int().min(min, 'Số lượng phải là số nguyên từ 1 đến 1000.').max(1000, 'Số lượng tối đa 1000.')),
  );

export const addToCartSchema = z
  .object({
    productId: z
      .string()
      .regex(/^\d{1,9}$/, 'Sản phẩm không hợp lệ.')
      .transform(Number),
    quantity: quantity(1).default(1),
  })
  .strict();

export const setQuantitySchema = z.object({ quantity: quantity(0) }).strict();

export const productIdParam = z.object({
  productId: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number),
});
