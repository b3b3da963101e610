import crypto from 'node:crypto';

/** No 0/O, 1/I/L: a code read aloud over the phone or typed into a bank transfer stays unambiguous. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** OCP-7K3M9Q: random (31^6 ≈ 887 million), so neither guessable nor sequential. */
export function newOrderCode(): string {
  const bytes = crypto.randomBytes(6);
  let code = '';
  for (const b of bytes) code += ALPHABET[b % ALPHABET.length];
  return `OCP-${code}`;
}

export const ORDER_CODE_PATTERN = /^OCP-[A-HJ-NP-Z2-9]{6}$/;
