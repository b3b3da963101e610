import { z } from 'zod';
import { isLaoCaiCommune } from '../../lib/admin-units';
import { BANKS } from '../../lib/banks';
import { foldVietnamese } from '../../lib/text';
import { TAX_WITHHOLDING_MODES } from '../tax';
import { emailSchema, fullNameSchema, passwordSchema, phoneSchema } from '../accounts';
import { SELLER_DECISIONS } from './seller-state';
import { SELLER_TYPES } from './seller.entity';
import { msg } from '../../rendering/i18n';

const required = (message: string, max: number, maxMessage: string) => z.string({ error: message }).trim().min(1, message).max(max, maxMessage);
/** An empty optional field arrives as "": treat it as absent. */
const optionalText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional());

/**
 * A tax code: 10 digits, or 13 for a branch or a household's member, often written `0101234567-001`.
 * Stored as digits only.
 */
const taxCodeSchema = optionalText(
  z
    .string()
    .transform((t) => t.replace(/[\s.-]/g, ''))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, msg('seller.v.taxCode.digits'))
        .regex(/^(\d{10}|\d{13})$/, msg('seller.v.taxCode.length')),
    ),
);

/** A citizen ID card (CCCD) number: exactly 12 digits. */
const citizenIdSchema = optionalText(
  z
    .string()
    .transform((t) => t.replace(/[\s.]/g, ''))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, msg('seller.v.citizenId.digits'))
        .regex(/^\d{12}$/, msg('seller.v.citizenId.length')),
    ),
);

const bankBins = BANKS.map((b) => b.bin) as [string, ...string[]];

/** The cooperative's profile: what the application and a resubmission carry. */
export const sellerProfileShape = {
  cooperativeName: required(msg('seller.v.coopName.required'), 150, msg('seller.v.coopName.max')),
  type: z.enum(SELLER_TYPES, { error: msg('seller.v.type') }),
  commune: z.string({ error: msg('seller.v.commune.required') }).refine(isLaoCaiCommune, msg('seller.v.commune.list')),
  address: required(msg('seller.v.address.required'), 200, msg('seller.v.address.max')),
  description: required(msg('seller.v.about.required'), 2000, msg('seller.v.about.max')),
  taxCode: taxCodeSchema,
  citizenId: citizenIdSchema,
  bankBin: optionalText(z.enum(bankBins, { error: msg('seller.v.bank') })),
  bankAccountNo: optionalText(
    z
      .string()
      .transform((t) => t.replace(/\s/g, ''))
      .pipe(z.string().regex(/^\d{4,19}$/, msg('seller.v.accountNo'))),
  ),
  // Bank transfers carry the account name in capitals without diacritics.
  bankAccountName: optionalText(
    z
      .string()
      .max(100, msg('seller.v.accountName.max'))
      .transform((n) => foldVietnamese(n).toUpperCase()),
  ),
};

type BankFields = { bankBin?: string; bankAccountNo?: string; bankAccountName?: string };
export const bankDetailsComplete = (v: BankFields, ctx: z.RefinementCtx) => {
  const given = [v.bankBin, v.bankAccountNo, v.bankAccountName].filter(Boolean).length;
  if (given > 0 && given < 3) {
    for (const key of ['bankBin', 'bankAccountNo', 'bankAccountName'] as const) {
      if (!v[key]) ctx.addIssue({ code: 'custom', path: [key], message: msg('seller.v.bankAll') });
    }
  }
};

export const sellerProfileSchema = z.object(sellerProfileShape).strict().superRefine(bankDetailsComplete);
export type SellerProfileInput = z.infer<typeof sellerProfileSchema>;

export const sellerApplicationSchema = z
  .object({ fullName: fullNameSchema, email: emailSchema, password: passwordSchema, phone: phoneSchema, ...sellerProfileShape })
  .strict()
  .superRefine(bankDetailsComplete);
export type SellerApplicationInput = z.infer<typeof sellerApplicationSchema>;

/** The seller's own identification for withholding, without resubmitting the whole profile. */
export const taxIdentificationSchema = z
  .object({ taxCode: taxCodeSchema, citizenId: citizenIdSchema })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.taxCode && !v.citizenId) {
      ctx.addIssue({ code: 'custom', path: ['taxCode'], message: msg('seller.v.taxIdRequired') });
    }
  });
export type TaxIdentificationInput = z.infer<typeof taxIdentificationSchema>;

/** An admin's override of withholding: a reason is required unless it goes back to the seller's type. */
export const taxWithholdingBodySchema = z
  .object({
    mode: z.enum(TAX_WITHHOLDING_MODES, { error: msg('admin.v.taxMode') }),
    reason: z.string().trim().max(1000, msg('admin.reasonMax1000')).default(''),
  })
  .strict();

export const decisionParamsSchema = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647),
  decision: z.enum(SELLER_DECISIONS),
});

export const decisionBodySchema = z.object({ reason: z.string().trim().max(1000, msg('admin.reasonMax1000')).default('') }).strict();

export const statusFilterSchema = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'suspended']).optional().catch(undefined),
});
