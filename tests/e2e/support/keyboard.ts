import type { Page } from 'playwright-core';

// Browser globals used inside page.evaluate(), declared for this file only: the project compiles without
// lib "dom", and adding it would let DOM types leak into the server's type-check.
declare const document: any;
declare function getComputedStyle(el: unknown): { outlineStyle: string; outlineWidth: string; boxShadow: string };

export interface Focused {
  tag: string;
  type: string;
  id: string;
  name: string;
  href: string;
  value: string;
  /** A visible focus indicator: an outline or a box-shadow on the focused element. */
  indicator: boolean;
}

export function describeFocused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const input = el;
    const label = input.labels?.[0]?.innerText ?? '';
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    return {
      tag: el.tagName.toLowerCase(),
      type: input.type ?? '',
      id: el.id,
      name: (el.getAttribute('aria-label') || label || el.innerText || input.value || '').replace(/\s+/g, ' ').trim(),
      href: el.getAttribute('href') ?? '',
      value: input.value ?? '',
      indicator: outline || shadow,
    };
  });
}

/**
 * Press Tab (or Shift+Tab) until the focused element matches, like a keyboard user scanning a page.
 * Fails with the focus path when it is not reached within `max` presses.
 */
export async function tabTo(page: Page, what: string, match: (f: Focused) => boolean, options: { max?: number; reverse?: boolean } = {}): Promise<Focused> {
  const path: string[] = [];
  for (let i = 0; i < (options.max ?? 80); i++) {
    await page.keyboard.press(options.reverse ? 'Shift+Tab' : 'Tab');
    const focused = await describeFocused(page);
    if (focused && match(focused)) return focused;
    path.push(focused ? `${focused.tag}${focused.id ? '#' + focused.id : ''} "${focused.name.slice(0, 40)}"` : '(body)');
  }
  throw new Error(`Could not reach ${what} with ${options.reverse ? 'Shift+Tab' : 'Tab'} on ${page.url()}; focus went: ${path.join(' → ')}`);
}

/** Press a key that navigates (Enter on a link or button, Space on a button) and wait for the new page. */
export async function pressAndWait(page: Page, key: string, url: string | RegExp | ((u: URL) => boolean)): Promise<void> {
  await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), page.keyboard.press(key)]);
}
