const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });

/** 125000 → "125.000 ₫" (with U+00A0 before ₫). Money is always a whole number of đồng. */
export function formatVnd(amount: number): string {
  return vnd.format(amount);
}

/** Accepts "125000", "125.000", "125 000" or "125.000 ₫"; returns null for anything that is not whole đồng. */
export function parseVnd(input: string): number | null {
  const cleaned = input.replace(/[\s\u00a0₫đ]/gi, '').replace(/\.(?=\d{3}(\D|$))/g, '');
  if (!/^\d{1,12}$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The most one order may total, shipping included: 2.150.000.000 ₫. Above it a buyer is asked to
 * split the order; the cart and checkout refuse to go past it. Totals are bigint in the database
 * (2^31 − 1 ₫ is only 2,1 tỷ), so the limit is a business choice, not a storage one; it keeps
 * every sum far inside the exact range of a JS number.
 */
export const MAX_ORDER_TOTAL_VND = 2_150_000_000;
