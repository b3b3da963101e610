/**
 * Only a local path may be a redirect target: "/orders/OCP-1?x=1" yes; "//evil.example",
 * "https://evil.example", "/\\evil" and anything with control characters no.
 */
export function safeLocalPath(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || target.length > 500) return fallback;
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return fallback;
  return target;
}

/**
 * The path of a Referer header (never its host), when it is a safe local path; otherwise the
 * fallback. CASE: the header is whatever the client sent, "http://[" included, which URL rejects.
 */
export function refererPath(referer: string | undefined, fallback: string): string {
  if (!referer) return fallback;
  let url: URL;
  try {
    url = new URL(referer, 'http://x');
  } catch {
    return fallback;
  }
  return safeLocalPath(url.pathname, fallback);
}
