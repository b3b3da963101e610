import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config';

const VISITOR_COOKIE = 'cho.vid';

/** Multipart forms: their body (and _csrf) is parsed by multer in the route, which then calls csrf.protect itself. */
const MULTIPART_ROUTES = [/^\/seller\/products\/\d+\/images$/, /^\/seller\/products\/import$/];
export function isCheckedInRoute(req: Request): boolean {
  return req.method === 'POST' && !!req.is('multipart/form-data') && MULTIPART_ROUTES.some((r) => r.test(req.path));
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
    // Webhooks are signed by their senders instead; multipart routes check after parsing.
    skipCsrfProtection: (req) => req.path.startsWith('/webhooks/') || isCheckedInRoute(req),
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

  /** After sign-in/out: forget the visitor id so the next form gets a fresh one. */
  const rotate = (res: Response) => {
    res.clearCookie(VISITOR_COOKIE, { path: '/' });
  };

  /** For multipart routes, after multer: the same check, never skipped. */
  const protectParsed: RequestHandler = (req, res, next) => {
    if (!validateRequest(req)) return next(invalidCsrfTokenError);
    next();
  };

  return { protect: doubleCsrfProtection, protectParsed, provideToken, rotate };
}

export type Csrf = ReturnType<typeof createCsrf>;
