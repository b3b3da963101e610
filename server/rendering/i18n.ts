import { en } from './locales/en';
import { vi } from './locales/vi';

/*
 * How a message reaches the reader in their language (one mechanism for every module):
 *
 * - In a view: {{t "key" name=value}}.
 * - Anywhere else (a service's AppError, a ValidationError's field messages, a zod schema's
 *   message, a flash set by a route): the message is a MESSAGE TOKEN, a plain string made by
 *   `msg('key', { name: value })` (or just the key when it has no parameters; a parameter may be a token
 *   too, or several joined by "; "), e.g.
 *   `throw new ConflictError(msg('cart.error.outOfStock', { name }))`, `z.string().min(1, 'validation.required')`,
 *   `new ValidationError({ email: 'validation.email' })`. Tokens travel as strings, so they fit
 *   err.message, FieldErrors, zod issues and the session's flash unchanged.
 * - A token is resolved in the request's language where it meets the page: the error handler,
 *   renderFormError, takeFlash (the flash set by setFlash), and the views' {{localize x}} (field.hbs, form-error.hbs, the error
 *   pages, notices). `localize` leaves any other text as it is, so older literal Vietnamese messages
 *   still show (in Vietnamese) until they are turned into keys; an already localized text passes
 *   through unchanged, so resolving twice is harmless.
 * - Mail and other messages for someone not at the keyboard use the recipient's users.language.
 *
 * A key missing from vi.ts renders raw and is recorded in `missingKeys` (the English walk test fails
 * on it); en.ts must have exactly vi.ts's keys (its type says so).
 */

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type MessageKey = keyof typeof vi;

const dictionaries: Record<Language, Record<MessageKey, string>> = { vi, en };

/** Keys asked for but found in no dictionary (bounded: keys come from code, not from users). */
export const missingKeys = new Set<string>();

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(vi, value);
}

/** Looks a UI string up; `{name}` placeholders take values from `params`. Vietnamese is the fallback. */
export function translate(lang: Language, key: string, params: Record<string, unknown> = {}): string {
  const template = dictionaries[lang][key as MessageKey] ?? vi[key as MessageKey];
  if (template === undefined && missingKeys.size < 200) missingKeys.add(key);
  return (template ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** A message token: the key, and its parameters as a query string (`cart.stockLeft?count=3`). */
export function msg(key: MessageKey, params?: Record<string, string | number>): string {
  if (!params || Object.keys(params).length === 0) return key;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) query.set(name, String(value));
  return `${key}?${query.toString()}`;
}

const TOKEN = /^([a-zA-Z][\w-]*(?:\.[\w-]+)+)(?:\?(\S*))?$/;

/** A message token in `lang`; any other text (a literal message, an already localized one) as it is. */
export function localize(lang: Language, text: string): string;
export function localize(lang: Language, text: string | undefined): string | undefined;
export function localize(lang: Language, text: string | undefined): string | undefined {
  if (typeof text !== 'string') return text;
  const match = TOKEN.exec(text);
  if (!match || !isMessageKey(match[1])) return text;
  // A parameter may itself be a token, or a list of them joined by "; " (a cart's problems).
  const params = Object.fromEntries(
    [...new URLSearchParams(match[2] ?? '')].map(([name, value]) => [
      name,
      value
        .split('; ')
        .map((part) => localize(lang, part))
        .join('; '),
    ]),
  );
  return translate(lang, match[1], params);
}

/** Every message of a FieldErrors-like record localized. */
export function localizeAll<T extends Record<string, string>>(lang: Language, texts: T): T {
  return Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, localize(lang, v)])) as T;
}
