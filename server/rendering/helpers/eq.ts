/** {{#if (eq a b)}} — loose on number/string so query values compare with numbers. */
export function eq(a: unknown, b: unknown): boolean {
  return a === b || (a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b));
}
