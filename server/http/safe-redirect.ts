/**
 * Only a local path may be a redirect target: "/orders/OCP-1?x=1" yes; "//evil.example",
 * "https://evil.example", "/\\evil" and anything with control characters no.
 */
export function safeLocalPath(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || target.length > 500) return fallback;
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return fallback;
  return target;
}
