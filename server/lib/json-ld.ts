/**
 * JSON for a <script type="application/ld+json"> block: "<", ">" and "&" as \u escapes, so text a
 * seller typed (even "</script>") can never close the element.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
