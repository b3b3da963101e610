import { z } from 'zod';
import { passwordSchema } from './password';

const required = (message: string) => z.string({ error: message }).trim().min(1, message);

export const emailSchema = required('Vui lòng nhập email.')
  .max(254, 'Email quá dài.')
  .pipe(z.email('Email không hợp lệ.'))
  .transform((e) => e.toLowerCase());

/** Vietnamese mobile numbers: 0 or +84, then 3/5/7/8/9 and 8 digits. Stored as 0xxxxxxxxx. */
export const phoneSchema = z
  .string({ error: 'Vui lòng nhập số điện thoại.' })
  .transform((p) => p.replace(/[\s.-]/g, ''))
  .pipe(z.string().regex(/^(0|\+84|84)[35789]\d{8}$/, 'Số điện thoại di động không hợp lệ (ví dụ 0912 345 678).'))
  .transform((p) => p.replace(/^(\+84|84)/, '0'));

export const fullNameSchema = required('Vui lòng nhập họ và tên.').max(100, 'Họ và tên tối đa 100 ký tự.');

export const registerSchema = z
  .object({
    fullName: fullNameSchema,
    email: emailSchema,
    password: passwordSchema,
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
