import { en } from './locales/en';
import { vi } from './locales/vi';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type MessageKey = keyof typeof vi;

const dictionaries: Record<Language, Record<MessageKey, string>> = { vi, en };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Looks a UI string up; `{name}` placeholders take values from `params`. Vietnamese is the fallback. */
export function translate(lang: Language, key: string, params: Record<string, unknown> = {}): string {
  const template = dictionaries[lang][key as MessageKey] ?? vi[key as MessageKey] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}
