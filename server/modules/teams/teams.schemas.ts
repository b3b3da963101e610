import { z } from 'zod';
import { isLaoCaiCommune } from '../../lib/admin-units';
import { emailSchema, fullNameSchema, passwordSchema, phoneSchema } from '../accounts';
import { bankDetailsComplete, sellerProfileShape } from '../sellers';

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

/** The types a household onboarded by a team may take. */
export const HOUSEHOLD_TYPES = ['ho_san_xuat', 'to_hop_tac'] as const;

/** An empty optional field arrives as "": treat it as absent. */
const optionalEmail = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), emailSchema.optional());

/**
 * POST /team/households/new: a member fills a household's seller application; the household's representative chooses
 * the password and consents to the team acting for it.
 */
export const householdOnboardingSchema = z
  .object({
    teamId: z.coerce.number({ error: 'Vui lòng chọn tổ.' }).int().positive('Vui lòng chọn tổ.').max(2_147_483_647),
    fullName: fullNameSchema,
    phone: phoneSchema,
    email: optionalEmail,
    ...sellerProfileShape,
    type: z.enum(HOUSEHOLD_TYPES, { error: 'Vui lòng chọn hộ sản xuất hoặc tổ hợp tác.' }).default('ho_san_xuat'),
    password: passwordSchema,
    confirmPassword: z.string({ error: 'Vui lòng nhập lại mật khẩu.' }).max(1024),
    consent: z.literal('yes', { error: 'Người đại diện của hộ cần đồng ý để tổ hỗ trợ thay mặt hộ.' }),
  })
  .strict()
  .superRefine(bankDetailsComplete)
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'Mật khẩu nhập lại không khớp.' });
export type HouseholdOnboardingInput = z.infer<typeof householdOnboardingSchema>;
