import type { RequestHandler } from 'express';
import { AppError } from '../lib/errors';

/** PostgreSQL text cannot hold U+0000 and no field needs it: refused as a bad request before any service sees it. */
class NulCharacterError extends AppError {
  constructor() {
    super('Yêu cầu chứa ký tự không hợp lệ.', 400, 'bad_request');
  }
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 3 || !value || typeof value !== 'object') return false;
  return Object.values(value).some((v) => containsNul(v, depth + 1));
}

/** In the path or query string (%00), before any route reads them. */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  next(/%00/.test(req.url) ? new NulCharacterError() : undefined);
};

/** In a parsed form body (mounted after the body parser). */
export const refuseNulInBody: RequestHandler = (req, _res, next) => {
  next(containsNul(req.body) ? new NulCharacterError() : undefined);
};
