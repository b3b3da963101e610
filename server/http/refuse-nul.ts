import cookieParser from 'cookie-parser';
import type { RequestHandler } from 'express';
import { AppError } from '../lib/errors';
import { languageMiddleware } from './language';

/** PostgreSQL text cannot hold U+0000 and no field needs it: refused as a bad request before any service sees it. */
class NulCharacterError extends AppError {
  constructor() {
    super('error.nulCharacter', 400, 'bad_request');
  }
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 3 || !value || typeof value !== 'object') return false;
  return Object.values(value).some((v) => containsNul(v, depth + 1));
}

const readCookies = cookieParser();

/** In the path or query string (%00), before any route reads them. */
export const refuseNulInUrl: RequestHandler = (req, res, next) => {
  if (!/%00/.test(req.url)) return next();
  // CASE: refused before the cookies are read: the reader's language is looked up here, so the answer is in it.
  readCookies(req, res, () => languageMiddleware(req, res, () => next(new NulCharacterError())));
};

/** In a parsed form body (mounted after the body parser). */
export const refuseNulInBody: RequestHandler = (req, _res, next) => {
  next(containsNul(req.body) ? new NulCharacterError() : undefined);
};
