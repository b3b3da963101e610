import { z } from 'zod';

const id = z.coerce.number().int().positive().max(2_147_483_647);

/** POST /team/households/:sellerId/act */
export const actParamsSchema = z.object({ sellerId: id }).strict();
/** POST /seller/helpers/:teamId/revoke */
export const revokeParamsSchema = z.object({ teamId: id }).strict();
/** POST /admin/teams/:id/households */
export const grantParamsSchema = z.object({ id }).strict();
export const grantSchema = z.object({ sellerId: id }).strict();
