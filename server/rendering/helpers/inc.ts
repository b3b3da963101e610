/** {{inc @index}} → 1-based numbers for people ("Kiện 1", not "Kiện 0"). */
export function inc(value: unknown): number {
  return Number(value) + 1;
}
