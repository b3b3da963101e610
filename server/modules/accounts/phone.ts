/** Vietnamese mobile prefixes: 03, 05, 07, 08, 09, then 8 digits. */
const MOBILE = /^0[35789]\d{8}$/;

/**
 * A Vietnamese mobile number as we store it (`0xxxxxxxxx`), or null when `input` is not one.
 * Accepts the spellings people type: spaces, dots, dashes and brackets between digits, and the
 * country code as `+84`, `84` or `(+84)` in place of the leading 0.
 */
export function normalisePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s.\-()]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;
  // CASE: "84…" is the country code only when the rest has the length of a number without its 0.
  const local = compact.startsWith('+84') ? `0${compact.slice(3)}` : compact.startsWith('84') && compact.length === 11 ? `0${compact.slice(2)}` : compact;
  return MOBILE.test(local) ? local : null;
}
