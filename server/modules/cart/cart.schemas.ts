import { z } from 'zod';

const quantity = (min: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: 'validation.quantity.required' })
      .regex(/^\d{1,4}$/, 'validation.quantity.range')
      .transform(Number)
      .pipe(z.number().int().min(min, 'validation.quantity.range').max(1000, 'validation.quantity.max')),
  );

export const addToCartSchema = z
  .object({
    productId: z
      .string()
      .regex(/^\d{1,9}$/, 'validation.product.invalid')
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
