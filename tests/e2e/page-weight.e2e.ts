import { useE2E } from './support/fixture';
import { see } from './support/flows';

const e2e = useE2E();
const BUDGET = 300 * 1024;
const COUNTED = new Set(['Document', 'Stylesheet', 'Script', 'Font']);

/**
 * First visit to the listing with an empty cache: bytes on the wire (headers + encoded bodies, as
 * Chromium's network stack counts them) of the document, CSS, JS and fonts. Images and /media/ are
 * left out: they are lazy and sized by srcset.
 */
test('listing first-load weight (document + CSS + JS + fonts) stays under 300 KB', async () => {
  const context = await e2e.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const requests = new Map<string, { url: string; type: string; bytes: number; done: boolean }>();
  cdp.on('Network.requestWillBeSent', (e) => {
    requests.set(e.requestId, { url: e.request.url, type: e.type ?? 'Other', bytes: 0, done: false });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.type = e.type;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { bytes: e.encodedDataLength, done: true });
  });

  await page.goto('/products', { waitUntil: 'load' });
  await see(page.getByRole('heading', { level: 1, name: 'Sản phẩm OCOP' }));
  // Let late requests (deferred script, fonts) finish.
  const deadline = Date.now() + 5000;
  while ([...requests.values()].some((r) => !r.done) && Date.now() < deadline) await page.waitForTimeout(100);

  const all = [...requests.values()];
  const counted = all.filter((r) => COUNTED.has(r.type) && !new URL(r.url).pathname.startsWith('/media/'));
  const total = counted.reduce((sum, r) => sum + r.bytes, 0);
  console.log('listing first-load weight: %d bytes', total);
  console.log(
    [
      ...counted.map((r) => `  ${r.type.padEnd(10)} ${String(r.bytes).padStart(8)}  ${new URL(r.url).pathname}`),
      `  (not counted: ${all.length - counted.length} requests, ${all.filter((r) => !counted.includes(r)).reduce((s, r) => s + r.bytes, 0)} bytes — images, /media/, other)`,
    ].join('\n'),
  );
  expect(counted.find((r) => r.type === 'Document')).toBeDefined();
  expect(counted.every((r) => r.done)).toBe(true);
  expect(total).toBeLessThan(BUDGET);
});

/**
 * The listing's own HTML (page 1 of the demo catalogue: 24 cards, the filter drawer with its facets,
 * header and footer), uncompressed as the server renders it: at most 18,000 bytes. A size budget, not
 * a timing: what a cheap phone has to download and parse before it can show the first card.
 */
test('listing page 1 HTML stays within 18,000 bytes', async () => {
  const context = await e2e.newContext();
  const res = await context.request.get('/products');
  expect(res.status()).toBe(200);
  const html = await res.body();
  console.log('listing page 1 HTML: %d bytes', html.length);
  // The budget is about a full page: 24 cards with photos and the facets.
  expect((html.toString('utf8').match(/<li><a href="\/products\//g) ?? []).length).toBe(24);
  expect(html.toString('utf8')).toContain('<select id="f-commune"');
  expect(html.length).toBeLessThanOrEqual(18_000);
});
