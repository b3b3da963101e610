import { z } from 'zod';
import { isLaoCaiCommune } from '../../lib/admin-units';

const id = z.coerce.number().int().positive().max(2_147_483_647);

/** POST /admin/teams/new */
export const teamSchema = z
  .object({
    name: z.string({ error: 'Vui lòng nhập tên tổ.' }).trim().min(1, 'Vui lòng nhập tên tổ.').max(120, 'Tên tổ tối đa 120 ký tự.'),
    commune: z.string({ error: 'Vui lòng chọn xã/phường.' }).refine(isLaoCaiCommune, 'Vui lòng chọn xã/phường trong danh sách của tỉnh Lào Cai.'),
  })
  .strict();
export type TeamInput = z.infer<typeof teamSchema>;

/** POST /admin/teams/:id/members: an existing account, named by its email or its sign-in phone. */
export const addMemberSchema = z
  .object({
    account: z
      .string({ error: 'Vui lòng nhập email hoặc số điện thoại của tài khoản.' })
      .trim()
      .min(1, 'Vui lòng nhập email hoặc số điện thoại của tài khoản.')
      .max(254, 'Email quá dài.'),
  })
  .strict();

/** POST /admin/teams/:id/members/:userId/remove */
export const removeMemberSchema = z
  .object({
    reason: z.string({ error: 'Vui lòng nhập lý do.' }).trim().min(1, 'Vui lòng nhập lý do.').max(500, 'Lý do tối đa 500 ký tự.'),
  })
  .strict();

export const teamParamsSchema = z.object({ id }).strict();
export const memberParamsSchema = z.object({ id, userId: id }).strict();
