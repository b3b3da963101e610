import type { HelperOptions } from 'handlebars';
import { localize as localizeText, type Language } from '../i18n';

/** {{localize formError}} — a message token (see i18n.ts) in the page's language; other text as it is. */
export function localize(text: unknown, options: HelperOptions): string {
  const lang = (options.data?.root?.lang ?? 'vi') as Language;
  return typeof text === 'string' ? localizeText(lang, text) : text == null ? '' : String(text);
}
