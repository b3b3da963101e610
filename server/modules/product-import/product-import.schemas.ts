import { z } from 'zod';

export const importIdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }).strict();

/** The confirmation carries the plan it was shown (product-import.plan.ts). */
export const confirmImportSchema = z.object({ fingerprint: z.string().regex(/^[0-9a-f]{32}$/) }).strict();
