import type request from 'supertest';
import { vi } from '../../server/rendering/locales/vi';
import { decodeHtml } from './sales';

/**
 * The English walk's checker, shared by the visitor/buyer walk and the back-office walk: what a reader
 * sees on a page, minus the data the test created, must hold none of the Vietnamese interface's
 * tell-tale words and no translation key shown raw.
 */
export interface EnglishChecker {
  /** Names and other data the test created: stripped before looking (they stay as people wrote them). */
  data: string[];
  tellTaleIn(text: string): string[];
  check(label: string, res: request.Response, status: number): string[];
}

const KEY_PREFIXES = new Set(Object.keys(vi).map((k) => k.split('.')[0]));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LETTER = '\\p{L}';
const wholePhrase = (phrase: string) => new RegExp(`(?<!${LETTER})${escapeRegExp(phrase)}(?!${LETTER})`, 'u');

/** What a reader sees: text, plus the attributes a browser shows or reads out (placeholder, aria-label, title, alt, button values). */
export function visibleText(html: string): string {
  const withoutCode = html
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    // A <code> is a literal of a documented format (the CSV import's column names), not prose.
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/<head>[\s\S]*?<title>([\s\S]*?)<\/title>[\s\S]*?<\/head>/i, ' $1 ');
  const attributes = [...withoutCode.matchAll(/\s(?:placeholder|aria-label|title|alt)="([^"]*)"/g)].map((m) => m[1]);
  const buttons = [...withoutCode.matchAll(/<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"/g)].map((m) => m[1]);
  // A short quotation (“mã sản phẩm (SKU)”) names a literal on purpose: a column header, an example.
  const text = withoutCode.replace(/<[^>]+>/g, ' ').replace(/“[^”<]{1,40}”/g, ' ');
  return decodeHtml([text, ...attributes, ...buttons].join(' \n ')).replace(/[ \t\r\n]+/g, ' ');
}

function rawKeysIn(text: string): string[] {
  return [...text.matchAll(/(?<![\w./@-])([a-z][a-zA-Z0-9]*(?:\.[a-zA-Z0-9_-]+)+)(?![\w/@-])/g)]
    .map((m) => m[1])
    .filter((candidate) => KEY_PREFIXES.has(candidate.split('.')[0]) && !/\.(vn|com|csv|jpg|png|webp|txt|xml)$/.test(candidate));
}

/** `tellTale`: words of the Vietnamese interface; `alwaysAllowed`: text shown in Vietnamese on purpose (the brand, the switch back). */
export function englishChecker(tellTale: readonly string[], alwaysAllowed: readonly string[]): EnglishChecker {
  const data: string[] = [];
  const tellTaleIn = (text: string) => tellTale.filter((phrase) => wholePhrase(phrase).test(text));
  const check = (label: string, res: request.Response, status: number): string[] => {
    const problems: string[] = [];
    if (res.status !== status) problems.push(`${label}: status ${res.status}, expected ${status}`);
    if (!res.text.includes('<html lang="en">')) problems.push(`${label}: not rendered in English`);
    let text = visibleText(res.text);
    for (const known of [...data].sort((a, b) => b.length - a.length)) text = text.split(known).join(' ');
    for (const allowed of alwaysAllowed) text = text.split(allowed).join(' ');
    for (const phrase of tellTaleIn(text)) {
      const at = text.search(wholePhrase(phrase));
      problems.push(`${label}: “${phrase}” in “…${text.slice(Math.max(0, at - 50), at + 50).trim()}…”`);
    }
    for (const key of rawKeysIn(text)) problems.push(`${label}: raw key ${key}`);
    return problems;
  };
  return { data, tellTaleIn, check };
}
