import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { launchChromium } from './chromium';
import { startE2EStore, type E2EStore } from './store';

export interface Viewport {
  name: 'desktop' | 'mobile';
  options: BrowserContextOptions;
}

export const DESKTOP: Viewport = { name: 'desktop', options: { viewport: { width: 1280, height: 800 } } };
export const MOBILE: Viewport = {
  name: 'mobile',
  options: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
};
/** Every journey runs at both sizes: `describe.each(VIEWPORTS)('…', (vp) => …)`. */
export const VIEWPORTS: Viewport[] = [DESKTOP, MOBILE];

export interface E2E {
  readonly store: E2EStore;
  readonly url: string;
  readonly browser: Browser;
  /** A fresh browser profile (own cookies, empty cache), closed after the file. */
  newContext(viewport?: Viewport, extra?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Per test file: one fresh database + one store + one fake Stripe + one chromium, shared by the
 * file's tests (each test opens its own contexts). Call at the top level of the file.
 */
export function useE2E(): E2E {
  let store: E2EStore | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // Start both at once: the seed and chromium's start overlap.
    const [s, b] = await Promise.allSettled([startE2EStore(), launchChromium()]);
    if (s.status === 'fulfilled') store = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'rejected') throw s.reason;
    if (b.status === 'rejected') throw b.reason;
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await store?.stop();
  }, 60_000);

  return {
    get store() {
      if (!store) throw new Error('E2E store not started (see the beforeAll error above)');
      return store;
    },
    get url() {
      return this.store.url;
    },
    get browser() {
      if (!browser) throw new Error('Chromium not started (see the beforeAll error above)');
      return browser;
    },
    async newContext(viewport = DESKTOP, extra = {}) {
      const context = await this.browser.newContext({
        ...viewport.options,
        baseURL: this.url,
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        ...extra,
      });
      // E2E_TRACE=1 npm run test:e2e: every request and response of every page, with timings.
      if (process.env.E2E_TRACE) {
        const t0 = Date.now();
        context.on('request', (r) => console.log(`${Date.now() - t0}ms → ${r.method()} ${r.url()}`));
        context.on('response', (r) => console.log(`${Date.now() - t0}ms ← ${r.status()} ${r.request().method()} ${r.url()}`));
      }
      context.setDefaultTimeout(15_000);
      context.setDefaultNavigationTimeout(30_000);
      contexts.push(context);
      return context;
    },
  };
}
