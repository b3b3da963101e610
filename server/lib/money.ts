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
