import crypto from 'node:crypto';

/** No 0/O, 1/I/L: a code copied by hand from a printed label stays unambiguous. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 10;

/** 7K3M9QX2PA: 31^10 ≈ 8·10^14 codes from crypto.randomInt, so a trace page is neither guessable nor sequential. */
export function newTraceCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return code;
}

/** What a trace URL may carry (the column's CHECK, any case: labels are printed upper case, people type lower). */
export const TRACE_CODE_PATTERN = /^[A-Za-z0-9-]{6,40}$/;
