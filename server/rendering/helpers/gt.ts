/** {{#if (gt delta 0)}} */
export function gt(a: unknown, b: unknown): boolean {
  return Number(a) > Number(b);
}
