import type { Request, RequestHandler, Response, Router } from 'express';
import express from 'express';
import { isLanguage, type Language } from '../rendering/i18n';
import { safeLocalPath } from './safe-redirect';

const COOKIE = 'lang';

/** The language this request's page is rendered in (set by languageMiddleware). */
export function requestLanguage(res: Response | undefined): Language {
  return isLanguage(res?.locals.lang) ? res.locals.lang : 'vi';
}

/** The UI language comes from a cookie (no session, so browsing still writes nothing). */
export const languageMiddleware: RequestHandler = (req, res, next) => {
  const fromCookie = req.cookies?.[COOKIE];
  res.locals.lang = (isLanguage(fromCookie) ? fromCookie : 'vi') satisfies Language;
  res.locals.currentPath = req.originalUrl;
  next();
};

/**
 * GET /lang/en?next=/products → sets the cookie and returns to the page. Mounted twice: before the
 * session (`defer` passes a visitor with a session on, so browsing still writes nothing) and after
 * it, where `remember` also stores a signed-in user's choice (users.language: their mail follows it).
 */
export function languageRoutes(
  secureCookies: boolean,
  options: { defer?: (req: Request) => boolean; remember?: (req: Request, lang: Language) => Promise<void> } = {},
): Router {
  const router = express.Router();
  router.get('/lang/:code', async (req, res, next) => {
    if (options.defer?.(req)) return next();
    const code = req.params.code;
    if (isLanguage(code)) {
      res.cookie(COOKIE, code, { maxAge: 365 * 24 * 3600 * 1000, httpOnly: true, sameSite: 'lax', secure: secureCookies });
      await options.remember?.(req, code);
    }
    res.redirect(303, safeLocalPath(req.query.next));
  });
  return router;
}
