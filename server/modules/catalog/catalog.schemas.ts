import { z } from 'zod';

export const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'stars', 'rating'] as const;
export type ProductSort = (typeof SORTS)[number];
export const PAGE_SIZE = 24;
/** Deeper pages are reached by keyset cursors ("Trang sau"), not by typing huge page numbers. */
export const MAX_PAGE = 1000;

/** A filter value that is malformed is dropped rather than failing the whole listing page. */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
// CASE: an empty price box arrives as "" — not given, not 0 (z.coerce would make it 0 and find nothing).
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const price = lenient(z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(1_000_000_000)));

export const productQuerySchema = z.object({
  q: lenient(
    z
      .string()
      .trim()
      .max(100)
      .transform((s) => s || undefined),
  ),
  category: lenient(z.string().regex(/^[IVX]{1,3}(\.\d{1,2}(\.[a-z])?)?$/)),
  stars: lenient(z.coerce.number().int().min(3).max(5)),
  commune: lenient(z.string().trim().min(1).max(100)),
  minPrice: price,
  maxPrice: price,
  sort: lenient(z.enum(SORTS)),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).catch(1).default(1),
  cursor: lenient(
    z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/),
  ),
});
// No .strict(): unknown query keys (utm_source, lang…) are ignored, never an error.

export type ProductQuery = z.infer<typeof productQuerySchema>;

export const slugParamSchema = z.object({
  slug: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[a-z0-9-]+$/),
});
