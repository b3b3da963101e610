import argon2 from 'argon2';
import { z } from 'zod';
import { COMMON_PASSWORDS } from './common-passwords';

/** OWASP's argon2id profile: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const passwordSchema = z
  .string({ error: 'validation.password.required' })
  .min(8, 'validation.password.min')
  .max(128, 'validation.password.max')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), 'validation.password.common');

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** A fixed hash to verify against when the email is unknown, so both failures cost the same time. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('cho-ocop-dummy-password');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
