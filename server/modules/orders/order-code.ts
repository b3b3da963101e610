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

/** QUAY-7K3M9Q: a stall sale made at the till ("quầy"), paid by the bank feed like an order code. */
export function newStallSaleCode(): string {
  return newOrderCode().replace(/^OCP-/, 'QUAY-');
}

/** Any order's code: online (OCP-) or a stall sale (QUAY-). */
export const ORDER_CODE_PATTERN = /^(?:OCP|QUAY)-[A-HJ-NP-Z2-9]{6}$/;
export const STALL_SALE_CODE_PATTERN = /^QUAY-[A-HJ-NP-Z2-9]{6}$/;
