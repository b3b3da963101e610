/** Every photo is stored as WebP at these widths: cards use 400, the product page 800, zoom 1600. */
export const IMAGE_WIDTHS = [400, 800, 1600] as const;

export function imageVariantName(storageKey: string, width: number): string {
  return `${storageKey}-${width}.webp`;
}

/** The stored width closest to `wanted` (demo covers may not have every size). */
export function pickWidth(sizes: readonly number[], wanted: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  return sorted.find((w) => w >= wanted) ?? sorted[sorted.length - 1] ?? wanted;
}

/** "…-400.webp 400w, …-800.webp 800w": lets the browser pick the smallest file that is sharp enough. */
export function imageSrcset(storageKey: string, sizes: readonly number[], url: (name: string) => string): string {
  return [...sizes]
    .sort((a, b) => a - b)
    .map((w) => `${url(imageVariantName(storageKey, w))} ${w}w`)
    .join(', ');
}
