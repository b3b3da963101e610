const kilograms = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

/** 800 → "800 g", 1250 → "1,25 kg": a parcel's weight as the checkout shows it. */
export function formatWeight(grams: number): string {
  return grams < 1000 ? `${grams} g` : `${kilograms.format(grams / 1000)} kg`;
}
