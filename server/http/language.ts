import type { RequestHandler, Response, Router } from 'express';
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

/** GET /lang/en?next=/products → sets the cookie and returns to the page. */
export function languageRoutes(secureCookies: boolean): Router {
  const router = express.Router();
  router.get('/lang/:code', (req, res) => {
    const code = req.params.code;
    if (isLanguage(code)) {
      res.cookie(COOKIE, code, { maxAge: 365 * 24 * 3600 * 1000, httpOnly: true, sameSite: 'lax', secure: secureCookies });
    }
    res.redirect(303, safeLocalPath(req.query.next));
  });
  return router;
}
