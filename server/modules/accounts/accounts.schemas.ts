import { z } from 'zod';
import { passwordSchema } from './password';
import { normalisePhone } from './phone';

const required = (message: string) => z.string({ error: message }).trim().min(1, message);

export const emailSchema = required('Vui lòng nhập email.')
  .max(254, 'Email quá dài.')
  .pipe(z.email('Email không hợp lệ.'))
  .transform((e) => e.toLowerCase());

/** Vietnamese mobile numbers as normalisePhone reads them. Stored as 0xxxxxxxxx. */
export const phoneSchema = z.string({ error: 'Vui lòng nhập số điện thoại.' }).transform((p, ctx) => {
  const phone = normalisePhone(p);
  if (phone === null) {
    ctx.addIssue({ code: 'custom', message: 'Số điện thoại di động không hợp lệ (ví dụ 0912 345 678).' });
    return z.NEVER;
  }
  return phone;
});

export const fullNameSchema = required('Vui lòng nhập họ và tên.').max(100, 'Họ và tên tối đa 100 ký tự.');

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
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'Mật khẩu nhập lại không khớp.' });

/** "Sign out everywhere" posts nothing but its form token. */
export const signOutEverywhereSchema = z.object({}).strict();
