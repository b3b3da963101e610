import connectPgSimple from 'connect-pg-simple';
import type { Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { isDatabaseUnavailable } from '../db/errors';

declare module 'express-session' {
  interface SessionData {
    userId: number;
    /** Epoch ms when the user signed in: the absolute timeout counts from here. */
    signedInAt: number;
    /** A guest's cart; after sign-in it is merged into the account's cart. */
    cartId: number;
    /** One message for the next page (post/redirect/get). */
    flash: string;
  }
}

export const SESSION_COOKIE = 'cho.sid';
/** Signed out after a day without activity… */
export const IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** …and after a week in any case. */
export const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Sessions live in PostgreSQL (shared by every instance). saveUninitialized=false: a visitor who
 * only browses never gets a session row or cookie.
 */
export function sessionMiddleware(config: Readonly<Config>, pool: Pool): RequestHandler {
  const PgStore = connectPgSimple(session);
  const handler = session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    store: new PgStore({
      pool,
      tableName: 'sessions',
      createTableIfMissing: false,
      // Tests open and close many apps; a pruning timer would outlive them.
      pruneSessionInterval: config.env === 'test' ? false : 15 * 60,
    }),
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.isProduction, maxAge: IDLE_TIMEOUT_MS },
  });
  return (req, res, next) => {
    let passedOn = false;
    handler(req, res, (err?: unknown) => {
      // CASE: express-session saves (or touches) the session as the response ends, after the headers
      // went out, and reports a failure (PostgreSQL stopping at that instant) by calling next(err) a
      // second time. Express can only answer an error after headers by destroying the socket: the
      // client got a reset instead of its page. express-session finishes the page anyway, so the
      // answer stands; only the session change is lost (what must last is saved before answering).
      if (passedOn) {
        req.log?.[isDatabaseUnavailable(err) ? 'warn' : 'error']({ err }, 'session not saved after the response');
        return;
      }
      passedOn = true;
      next(err);
    });
  };
}

const promisify = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

/** A new session id on every sign-in, so a session fixed before login is worthless after it. */
export async function startUserSession(req: Request, userId: number): Promise<void> {
  const guestCartId = req.session.cartId;
  await promisify((cb) => req.session.regenerate(cb));
  if (guestCartId) req.session.cartId = guestCartId;
  req.session.userId = userId;
  req.session.signedInAt = Date.now();
  await promisify((cb) => req.session.save(cb));
}

export async function endSession(req: Request, res: Response): Promise<void> {
  await promisify((cb) => req.session.destroy(cb));
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Shows `message` on the next page this visitor opens. Saved before returning: express-session
 * would otherwise write the session after the redirect went out, and a fast browser could load
 * the next page before the row (or a guest's new cart id set with it) is there.
 */
export async function setFlash(req: Request, message: string): Promise<void> {
  req.session.flash = message;
  await promisify((cb) => req.session.save(cb));
}

export function takeFlash(req: Request): string | undefined {
  const message = req.session?.flash;
  if (message) delete req.session.flash;
  return message;
}
