import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

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
export function publicCache(options: { sessionCookie: string; sMaxAgeSeconds: number }): RequestHandler {
  const cacheControl = publicCacheControl(options.sMaxAgeSeconds);
  return (req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.cookies?.[options.sessionCookie] || !PUBLIC_PATHS.some((p) => p.test(req.path))) return next();
    if (req.cookies?.ship_to && READS_SHIP_TO.test(req.path)) {
      res.set('Cache-Control', 'private, no-store');
      return next();
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
        } else {
          res.set('Cache-Control', 'no-store');
        }
      }
      return send(body);
    };
    next();
  };
}
