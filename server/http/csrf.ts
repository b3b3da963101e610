import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config';
import { ForbiddenError } from '../lib/errors';

const VISITOR_COOKIE = 'cho.vid';

/** Multipart forms: their body (and _csrf) is parsed by multer in the route, which then calls csrf.protect itself. */
const MULTIPART_ROUTES = [/^\/seller\/products\/\d+\/images$/, /^\/seller\/products\/import$/];
export function isCheckedInRoute(req: Request): boolean {
  return req.method === 'POST' && !!req.is('multipart/form-data') && MULTIPART_ROUTES.some((r) => r.test(req.path));
}

/** Fetch Metadata first, then Origin, then Referer (see sameOriginAddToCart). */
export function isSameOrigin(req: Request, ownOrigin: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = req.get('origin');
  if (origin) return origin === ownOrigin;
  const referer = req.get('referer');
  if (!referer) return false;
  try {
    return new URL(referer).origin === ownOrigin;
  } catch {
    return false;
  }
}

/**
 * Signed double-submit CSRF (csrf-csrf): the token lives in a cookie, not in the session, so a
 * catalogue page with a form costs no database write. Tokens are bound to a random visitor id,
 * rotated at sign-in and sign-out.
 */
export function createCsrf(config: Readonly<Config>) {
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: config.isProduction, path: '/' };

  const ensureVisitorId = (req: Request, res: Response): string => {
    let id = req.cookies?.[VISITOR_COOKIE] as string | undefined;
    if (!id || !/^[A-Za-z0-9_-]{22}$/.test(id)) {
      id = crypto.randomBytes(16).toString('base64url');
      res.cookie(VISITOR_COOKIE, id, cookieOptions);
      req.cookies = { ...req.cookies, [VISITOR_COOKIE]: id };
    }
    return id;
  };

  const { doubleCsrfProtection, generateCsrfToken, validateRequest, invalidCsrfTokenError } = doubleCsrf({
    getSecret: () => config.sessionSecret,
    getSessionIdentifier: (req) => (req.cookies?.[VISITOR_COOKIE] as string | undefined) ?? '',
    cookieName: config.isProduction ? '__Host-cho.csrf' : 'cho.csrf',
    cookieOptions,
    getCsrfTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? req.headers['x-csrf-token'],
    // Webhooks are signed by their senders instead; multipart routes check after parsing; an
    // add-to-cart without a token was checked by sameOriginAddToCart.
    skipCsrfProtection: (req) => req.path.startsWith('/webhooks/') || isCheckedInRoute(req) || originChecked.has(req),
    errorConfig: {
      statusCode: 403,
      code: 'csrf',
      message: 'error.csrf',
    },
  });

  /** res.locals.csrfToken is a lazy function: only a page that renders a form sets the cookies. */
  const provideToken: RequestHandler = (req, res, next) => {
    let token: string | undefined;
    res.locals.csrfToken = () => {
      if (!token) {
        ensureVisitorId(req, res);
        token = generateCsrfToken(req, res);
      }
      return token;
    };
    next();
  };

  const originChecked = new WeakSet<Request>();
  const ownOrigin = new URL(config.publicUrl).origin;

  /**
   * POST /cart/items from a cacheable product page carries no per-visitor token (the page is the
   * same for everyone). A post without `_csrf` is accepted only when the browser says it comes from
   * our own pages: Sec-Fetch-Site same-origin or none (typed or bookmarked); without Fetch Metadata
   * (older browsers), an Origin equal to PUBLIC_URL's, or, without Origin either, a Referer on
   * PUBLIC_URL. Anything else is 403 before the session middleware, so nothing is written. This
   * holds with a session cookie too: a guest's page restored by the back button (or open in
   * another tab) after the first add still has no token. A post with `_csrf` (every form rendered
   * for a session) keeps the double-submit check. Mounted after the form parser, before the session.
   */
  const sameOriginAddToCart: RequestHandler = (req, _res, next) => {
    if (req.method !== 'POST' || req.path !== '/cart/items' || req.body?._csrf !== undefined) return next();
    if (!isSameOrigin(req, ownOrigin)) return next(new ForbiddenError('error.csrf'));
    originChecked.add(req);
    next();
  };

  /** After sign-in/out: forget the visitor id so the next form gets a fresh one. */
  const rotate = (res: Response) => {
    res.clearCookie(VISITOR_COOKIE, { path: '/' });
  };

  /** For multipart routes, after multer: the same check, never skipped. */
  const protectParsed: RequestHandler = (req, res, next) => {
    if (!validateRequest(req)) return next(invalidCsrfTokenError);
    next();
  };

  return { protect: doubleCsrfProtection, protectParsed, provideToken, rotate, sameOriginAddToCart };
}

export type Csrf = ReturnType<typeof createCsrf>;
