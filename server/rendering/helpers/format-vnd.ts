import { formatVnd as format } from '../../lib/money';

/** {{formatVnd priceVnd}} → 125.000 ₫ */
export function formatVnd(amount: unknown): string {
  return typeof amount === 'number' ? format(amount) : '';
}
