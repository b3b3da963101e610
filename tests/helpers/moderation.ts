import { decodeHtml } from './sales';

/** The hidden fields of the admin's verify form for one product (_csrf, returnTo, claimVersion), as /admin/products renders them. */
export function verifyOcopForm(html: string, productId: number): Record<string, string> {
  const form = new RegExp(`<form method="post" action="/admin/products/${productId}/verify-ocop">([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no verify form for product ${productId}`);
  const fields: Record<string, string> = {};
  for (const [, name, value] of form[1].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[name] = decodeHtml(value);
  return fields;
}
