import { formatDate as format } from '../../lib/dates';

/** {{formatDate createdAt}} → 26/11/2026 */
export function formatDate(value: unknown): string {
  return value instanceof Date || typeof value === 'string' ? format(value) : '';
}
