import { z } from 'zod';
import { passwordSchema } from './password';
import { normalisePhone } from './phone';

const required = (message: string) => z.string({ error: message }).trim().min(1, message);

export const emailSchema = required('validation.email.required')
  .max(254, 'validation.email.tooLong')
  .pipe(z.email('validation.email.invalid'))
  .transform((e) => e.toLowerCase());

/** Vietnamese mobile numbers as normalisePhone reads them. Stored as 0xxxxxxxxx. */
export const phoneSchema = z.string({ error: 'validation.phone.required' }).transform((p, ctx) => {
  const phone = normalisePhone(p);
  if (phone === null) {
    ctx.addIssue({ code: 'custom', message: 'validation.phone.invalid' });
    return z.NEVER;
  }
  return phone;
});

export const fullNameSchema = required('validation.fullName.required').max(100, 'validation.fullName.max');

/** An empty email field means none: a household without email signs in with its phone. */
const optionalEmailSchema = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), emailSchema.optional());

export const registerSchema = z
  .object({
    fullName: fullNameSchema,
    email: optionalEmailSchema,
    password: passwordSchema,
    // The phone stays required (deliveries need it), so every account has one of the two.
    phone: phoneSchema,
  })
  .strict();
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z
  .object({
    email: z.string().trim().max(254).default(''),
    password: z.string().max(1024).default(''),
    next: z.string().max(500).optional(),
  })
  .strict();

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().max(1024),
    newPassword: passwordSchema,
    confirmPassword: z.string().max(1024),
  })
  .strict()
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'validation.password.mismatch' });

/** "Sign out everywhere" posts nothing but its form token. */
export const signOutEverywhereSchema = z.object({}).strict();
