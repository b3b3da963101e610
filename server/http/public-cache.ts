import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';

/**
 * The catalogue as a visitor without a session sees it: the same bytes for everyone (given the
 * language), so a CDN or nginx may keep a copy. Anything else stays `no-store` (see app.ts).
 */
const PUBLIC_PATHS: RegExp[] = [
  /^\/$/,
  /^\/products\/?$/,
  /^\/products\/[^/]+\/?$/,
  /^\/sellers\/[^/]+\/?$/,
  /^\/market-days(\/[^/]+)?\/?$/,
  /^\/trace\/[^/]+\/?$/,
  /^\/api\/v1\/(products|categories|shipping-quote)(\/[^/]+)?\/?$/,
  /^\/(sitemap\.xml|robots\.txt)$/,
];

/** A product page shows the fee to the province in the ship_to cookie: a visitor who chose one gets a private page. */
const READS_SHIP_TO = /^\/products\/[^/]+\/?$/;

/** How long a cache may serve a stale copy while it fetches a fresh one. */
export const STALE_WHILE_REVALIDATE_SECONDS = 60;

/** Browsers always revalidate (max-age=0, cheap with the ETag); shared caches keep a copy s-maxage seconds. With 0, caches revalidate every time and serve nothing stale. */
export function publicCacheControl(sMaxAgeSeconds: number): string {
  return sMaxAgeSeconds > 0
    ? `public, max-age=0, s-maxage=${sMaxAgeSeconds}, stale-while-revalidate=${STALE_WHILE_REVALIDATE_SECONDS}`
    : 'public, max-age=0, s-maxage=0';
}

const STATE = Symbol('publicCache');
type Marked = Response & { [STATE]?: boolean };

/** A later middleware (the no-store one) takes a response back from the public rules. */
export function notPublic(res: Response): void {
  (res as Marked)[STATE] = false;
}

const weakEtag = (body: string | Buffer) =>
  `W/"${Buffer.byteLength(body).toString(16)}-${crypto.createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`;

/**
 * GET/HEAD of a public page by a visitor without the session cookie: at send time, a 200 with no
 * Set-Cookie gets `public, max-age=0, s-maxage=…, stale-while-revalidate=…`, `Vary: Cookie` (the
 * language comes from the lang cookie) and a weak ETag, and Express answers a matching
 * If-None-Match with 304. Anything else (an error, a redirect, a page that set a cookie) is no-store.
 * The app's ETag setting stays off: only these pages pay for hashing their body.
 */
export function publicCache(options: { sessionCookie: string; sMaxAgeSeconds: number; pageCacheSeconds?: number }): RequestHandler {
  const cacheControl = publicCacheControl(options.sMaxAgeSeconds);
  const pages = options.pageCacheSeconds ? pageCache(options.pageCacheSeconds) : undefined;
  return (req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.cookies?.[options.sessionCookie] || !PUBLIC_PATHS.some((p) => p.test(req.path))) return next();
    if (req.cookies?.ship_to && READS_SHIP_TO.test(req.path)) {
      res.set('Cache-Control', 'private, no-store');
      return next();
    }
    const key = `${res.locals.lang}\n${req.originalUrl}`;
    const hit = pages?.get(key);
    if (hit) {
      res.set(hit.headers);
      res.set('Age', String(Math.floor((Date.now() - hit.storedAt) / 1000)));
      // Express answers 304 when If-None-Match matches the stored ETag, and sends no body to a HEAD.
      return void res.send(hit.body);
    }
    const marked = res as Marked;
    marked[STATE] = true;
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      // res.send(object) calls res.json, which calls send again with the string: decide then.
      if (marked[STATE] && (typeof body === 'string' || Buffer.isBuffer(body))) {
        marked[STATE] = false;
        if (res.statusCode === 200 && !res.get('Set-Cookie')) {
          res.set('Cache-Control', cacheControl);
          res.vary('Cookie');
          if (!res.get('ETag')) res.set('ETag', weakEtag(body));
          if (pages && req.method === 'GET') pages.set(key, storedPage(res, body));
        } else {
          res.set('Cache-Control', 'no-store');
        }
      }
      return send(body);
    };
    next();
  };
}

/** A public page as sent: its body and the headers the route and this middleware set (not the per-connection ones). */
interface StoredPage {
  body: Buffer;
  headers: Record<string, string | string[]>;
  storedAt: number;
}

/** Total bytes of pages each process keeps: about 2,000 listing pages. */
const PAGE_CACHE_BYTES = 32 * 1024 * 1024;
const PER_RESPONSE = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'age']);

/**
 * PAGE_CACHE_SECONDS: each process keeps the public pages it rendered for a few seconds and sends them
 * again as they are, like nginx's micro-cache, so a rush on the same listing costs one render per
 * process and period instead of one per visitor. Visitors with a session never read or fill it.
 */
function pageCache(seconds: number): LRUCache<string, StoredPage> {
  return new LRUCache<string, StoredPage>({ maxSize: PAGE_CACHE_BYTES, sizeCalculation: (page) => page.body.length + 512, ttl: seconds * 1000 });
}

function storedPage(res: Response, body: string | Buffer): StoredPage {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value !== undefined && !PER_RESPONSE.has(name)) headers[name] = typeof value === 'number' ? String(value) : value;
  }
  // res.send gives a string without a type its type after this point (res.json sets its own before).
  headers['content-type'] ??= typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/octet-stream';
  return { body: Buffer.isBuffer(body) ? body : Buffer.from(body), headers, storedAt: Date.now() };
}
