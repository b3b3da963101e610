import { z } from 'zod';
import { isLaoCaiCommune } from '../../lib/admin-units';
import { emailSchema, fullNameSchema, passwordSchema, phoneSchema } from '../accounts';
import { bankDetailsComplete, sellerProfileShape } from '../sellers';
import { msg } from '../../rendering/i18n';

const id = z.coerce.number().int().positive().max(2_147_483_647);

/** POST /admin/teams/new */
export const teamSchema = z
  .object({
    name: z
      .string({ error: msg('team.v.name.required') })
      .trim()
      .min(1, msg('team.v.name.required'))
      .max(120, msg('team.v.name.max')),
    commune: z.string({ error: msg('seller.v.commune.required') }).refine(isLaoCaiCommune, msg('seller.v.commune.list')),
  })
  .strict();
export type TeamInput = z.infer<typeof teamSchema>;

/** POST /admin/teams/:id/members: an existing account, named by its email or its sign-in phone. */
export const addMemberSchema = z
  .object({
    account: z
      .string({ error: msg('team.v.account') })
      .trim()
      .min(1, msg('team.v.account'))
      .max(254, msg('team.v.accountMax')),
  })
  .strict();

/** POST /admin/teams/:id/members/:userId/remove */
export const removeMemberSchema = z
  .object({
    reason: z
      .string({ error: msg('team.v.reason') })
      .trim()
      .min(1, msg('team.v.reason'))
      .max(500, msg('admin.reasonMax500')),
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
    teamId: z.coerce
      .number({ error: msg('team.v.team') })
      .int()
      .positive(msg('team.v.team'))
      .max(2_147_483_647),
    fullName: fullNameSchema,
    phone: phoneSchema,
    email: optionalEmail,
    ...sellerProfileShape,
    type: z.enum(HOUSEHOLD_TYPES, { error: msg('team.v.householdType') }).default('ho_san_xuat'),
    password: passwordSchema,
    confirmPassword: z.string({ error: msg('team.v.confirmPassword') }).max(1024),
    consent: z.literal('yes', { error: msg('team.v.consent') }),
  })
  .strict()
  .superRefine(bankDetailsComplete)
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: msg('team.v.passwordMismatch') });
export type HouseholdOnboardingInput = z.infer<typeof householdOnboardingSchema>;
