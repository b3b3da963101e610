import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/errors';
import { AppError } from '../lib/errors';

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404);
  if (req.path.startsWith('/api/')) {
    res.json({ error: { code: 'not_found', message: 'Not found' } });
    return;
  }
  res.render('errors/404', { title: 'Không tìm thấy trang' });
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
    const message = err instanceof AppError || err?.code === 'csrf' ? String(err.message) : status === 413 ? 'Dữ liệu gửi lên quá lớn.' : undefined;
    if (req.path.startsWith('/api/') || req.path.startsWith('/webhooks/')) {
      res.json({ error: { code: err instanceof AppError ? err.code : status === 503 ? 'unavailable' : status >= 500 ? 'internal' : 'bad_request', message } });
      return;
    }
    if (status === 404) {
      res.render('errors/404', { title: 'Không tìm thấy trang', message });
      return;
    }
    if (status === 403) {
      res.render('errors/error', { title: 'Không có quyền truy cập', status, message: message ?? 'Bạn không có quyền truy cập trang này.' });
      return;
    }
    if (status === 503) {
      res.render('errors/503', { title: 'Hệ thống tạm thời gián đoạn' });
      return;
    }
    if (status >= 500) {
      res.render('errors/500', { title: 'Đã có lỗi xảy ra', stack: showStack ? String(err?.stack ?? err) : undefined });
      return;
    }
    res.render('errors/error', { title: message ?? 'Yêu cầu không hợp lệ', status, message: message ?? 'Yêu cầu không hợp lệ.' });
  };
}
