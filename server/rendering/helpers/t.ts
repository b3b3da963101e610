import type { HelperOptions } from 'handlebars';
import { translate, type Language } from '../i18n';

/** {{t "products.count" count=12}} — the language comes from the page's root context. */
export function t(key: string, options: HelperOptions): string {
  const lang = (options.data?.root?.lang ?? 'vi') as Language;
  return translate(lang, key, options.hash ?? {});
}
