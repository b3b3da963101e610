import type { HelperOptions } from 'handlebars';

/** {{formatRating 4.67}} → "4,7" (Vietnamese) or "4.7" (English): an average of stars to one decimal. */
export function formatRating(average: unknown, options: HelperOptions): string {
  if (typeof average !== 'number' || !Number.isFinite(average)) return '';
  const text = average.toFixed(1);
  return options.data?.root?.lang === 'en' ? text : text.replace('.', ',');
}
