import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

// Browser globals used inside page.evaluate(), declared for this file only: the project compiles without
// lib "dom", and adding it would let DOM types leak into the server's type-check.
declare const document: any;
declare function getComputedStyle(el: unknown): { position: string; overflowX: string };

export const ARTIFACTS_DIR = path.resolve(__dirname, '..', 'artifacts');
const cleaned = new Set<string>();

/**
 * Soft checks for app bugs: the failure is recorded (with a screenshot) and the journey goes on, with
 * a workaround when one is given, so the later steps are still exercised; `assertAll()` at the end
 * fails the test with every recorded failure.
 */
export class SoftChecks {
  private readonly failures: string[] = [];

  async check(page: Page, what: string, body: () => Promise<void>, workaround?: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (err) {
      const message = (err as Error).message;
      const shot = message.includes('(screenshot: ') ? '' : ` (screenshot: ${await failureShot(page)})`;
      this.failures.push(`${what}${shot}\n  ${message.split('\n').join('\n  ')}`);
      console.log(`E2E check failed: ${what}${workaround ? ' — continuing with a workaround' : ''}`);
      if (workaround) await workaround();
    }
  }

  assertAll(): void {
    if (this.failures.length) throw new Error(`${this.failures.length} check(s) failed:\n- ${this.failures.join('\n- ')}`);
  }
}

/**
 * A full-page screenshot into tests/e2e/artifacts/<journey>/<step>.png (a journey's old shots go first).
 * On a phone-sized viewport, with `soft`, it also checks that the page reflows (no sideways scrolling).
 */
export async function screenshot(page: Page, journey: string, step: string, soft?: SoftChecks): Promise<string> {
  const dir = path.join(ARTIFACTS_DIR, journey);
  if (!cleaned.has(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
    cleaned.add(dir);
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${step}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  if (soft && (page.viewportSize()?.width ?? 1000) <= 400) {
    await soft.check(page, `no sideways scrolling at ${page.viewportSize()?.width}px on ${new URL(page.url()).pathname} (${journey}/${step})`, async () => {
      const overflow = await horizontalOverflow(page);
      if (overflow.scrollWidth > overflow.viewport) {
        throw new Error(`the page is ${overflow.scrollWidth}px wide in a ${overflow.viewport}px viewport; sticking out:\n  ${overflow.offenders.join('\n  ')}`);
      }
    });
  }
  return file;
}

/** WCAG 1.4.10 (reflow): the document's width against the viewport's, and the elements that stick out. */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; viewport: number; offenders: string[] }> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    const describe = (el: { tagName: string; id: string; classList: Iterable<string> & { length: number } }) =>
      `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.classList.length ? '.' + [...el.classList].join('.') : ''}`;
    const offenders: string[] = [];
    if (scrollWidth > viewport) {
      // Inside a scroll container (a wide table in .table-wrap) is fine: only the container scrolls.
      const inScroller = (el: any) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
        return false;
      };
      const sticking = [...document.body.querySelectorAll('*')].filter((el: any) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > viewport + 0.5 && getComputedStyle(el).position !== 'fixed' && !inScroller(el);
      });
      // The innermost ones are the cause; their ancestors only inherit it.
      for (const el of sticking.filter((el: any) => !sticking.some((other: any) => other !== el && el.contains(other))).slice(0, 6)) {
        const parents: string[] = [];
        for (let p = el.parentElement; p && p !== document.body && parents.length < 3; p = p.parentElement) parents.unshift(describe(p));
        offenders.push(
          `${[...parents, describe(el)].join(' > ')} (right edge ${Math.round(el.getBoundingClientRect().right)}px): "${(el.textContent ?? '').trim().slice(0, 40)}"`,
        );
      }
    }
    return { scrollWidth, viewport, offenders };
  });
}

let failures = 0;
/** The page as it was when a check failed: tests/e2e/artifacts/_failures/<test name>-<n>.png */
export async function failureShot(page: Page): Promise<string> {
  const dir = path.join(ARTIFACTS_DIR, '_failures');
  fs.mkdirSync(dir, { recursive: true });
  const test = (expect.getState().currentTestName ?? 'setup')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .slice(0, 80);
  const file = path.join(dir, `${test}-${++failures}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  return path.relative(process.cwd(), file);
}
