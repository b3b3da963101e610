import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/errors';
import { AppError } from '../lib/errors';
import { localize, translate, type MessageKey } from '../rendering/i18n';
import { requestLanguage } from './language';

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404);
  if (req.path.startsWith('/api/')) {
    res.json({ error: { code: 'not_found', message: 'Not found' } });
    return;
  }
  res.render('errors/404', { title: translate(requestLanguage(res), 'error.404.title') });
};

/** Maps AppErrors to their status; anything else is a 500 with no details shown in production. */
export function errorHandler(showStack: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // body-parser and friends mark client errors with a status (400, 413, 415).
    const clientStatus = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : undefined;
    // CASE: the database is down or restarting: 503 tells browsers, balancers and webhook senders to retry.
    const status = err instanceof AppError ? err.status : isDatabaseUnavailable(err) ? 503 : (clientStatus ?? 500);
    if (status >= 500) req.log?.[status === 503 ? 'warn' : 'error']({ err }, 'request failed');
    // CASE: the answer is already on its way; setting a header now would throw, and Express would
    // destroy the socket.
    if (res.headersSent) return;
    if (status === 503) res.set('Retry-After', '5');
    res.status(status);
    const lang = requestLanguage(res);
    const raw = err instanceof AppError || err?.code === 'csrf' ? String(err.message) : status === 413 ? 'error.tooLarge' : undefined;
    const message = localize(lang, raw);
    const title = (key: MessageKey) => translate(lang, key);
    if (req.path.startsWith('/api/') || req.path.startsWith('/webhooks/')) {
      res.json({ error: { code: err instanceof AppError ? err.code : status === 503 ? 'unavailable' : status >= 500 ? 'internal' : 'bad_request', message } });
      return;
    }
    if (status === 404) {
      res.render('errors/404', { title: title('error.404.title'), message });
      return;
    }
    if (status === 403) {
      res.render('errors/error', { title: title('error.403.title'), status, message: message ?? title('error.forbidden.message') });
      return;
    }
    if (status === 503) {
      res.render('errors/503', { title: title('error.503.title') });
      return;
    }
    if (status >= 500) {
      res.render('errors/500', { title: title('error.500.title'), stack: showStack ? String(err?.stack ?? err) : undefined });
      return;
    }
    res.render('errors/error', { title: message ?? title('error.badRequest.title'), status, message: message ?? title('error.badRequest.message') });
  };
}
