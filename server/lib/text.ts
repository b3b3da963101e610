/**
 * Folds Vietnamese text for comparison: no diacritics, đ → d, lower case, single spaces.
 * Mirrors the SQL function chocop_fold() used by the search index.
 */
export function foldVietnamese(input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A user's text inside a LIKE pattern matches literally: \, % and _ are escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}
