import { formatDateTime as format } from '../../lib/dates';

/** {{formatDateTime createdAt}} → 26/11/2026 14:05 */
export function formatDateTime(value: unknown): string {
  return value instanceof Date || typeof value === 'string' ? format(value) : '';
}
