import { foldVietnamese } from './text';

/** "Mật ong Thanh Xuân" → "mat-ong-thanh-xuan". */
export function slugify(input: string, maxLength = 80): string {
  const slug = foldVietnamese(input)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return slug || 'san-pham';
}
