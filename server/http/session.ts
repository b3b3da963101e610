import connectPgSimple from 'connect-pg-simple';
import type { Request, RequestHandler, Response } from 'express';
import session, { type SessionData } from 'express-session';
import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { isDatabaseUnavailable } from '../db/errors';
import { statementName } from '../db/prepared';
import { localize } from '../rendering/i18n';
import { requestLanguage } from './language';

declare module 'express-serve-static-core' {
  interface Request {
    /** The companion row read with this request's session (see SessionCompanion); absent without a stored session. */
    sessionCompanion?: Record<string, unknown>;
  }
}

declare module 'express-session' {
  interface SessionData {
    userId: number;
    /** Epoch ms when the user signed in: the absolute timeout counts from here. */
    signedInAt: number;
    /** A guest's cart; after sign-in it is merged into the account's cart. */
    cartId: number;
    /** One message for the next page (post/redirect/get). */
    flash: string;
    /** A digital-team member acting for this household (issue 19); the grant is re-checked on every request. */
    actingForSellerId: number;
  }
}

/**
 * A Secure session cookie is `__Host-` (production): browsers take it only with Secure, Path=/ and
 * no Domain, so neither a subdomain nor a plain-http page can set or shadow it.
 */
const cookieName = (secure: boolean) => (secure ? '__Host-cho.sid' : 'cho.sid');
export const sessionCookieName = (config: Pick<Config, 'isProduction'>) => cookieName(config.isProduction);

/** Signed out after a day without activity… */
export const IDLE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** …and after a week in any case. */
export const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How often an active session's idle deadline moves forward in the database. Moving it on every
 * request cost an UPDATE per page; a deadline up to 10 minutes behind changes nothing for a
 * 24-hour idle timeout.
 */
export const TOUCH_EVERY_MS = 10 * 60 * 1000;

/**
 * Rows another module wants with every session, read in the same statement: `join` is a LEFT JOIN
 * (LATERAL) aliased `c` on the sessions row `s`, whose columns arrive as `req.sessionCompanion`.
 * Accounts uses it for the signed-in user, so a signed-in page costs one statement, not two.
 */
export interface SessionCompanion {
  join: string;
}

const COMPANION = Symbol('session companion');

/**
 * connect-pg-simple with a lazier touch: `get` also reads the stored deadline, and `touch` writes
 * only when the new deadline is TOUCH_EVERY_MS past it. The deadline is read with the session on
 * every request, so this holds across instances.
 */
function sessionStore(pool: Pool, pruneSessionInterval: number | false, companion?: SessionCompanion) {
  const PgStore = connectPgSimple(session);
  const read = companion
    ? `SELECT s.sess, s.expire, c.* FROM sessions s ${companion.join} WHERE s.sid = $1 AND s.expire >= now()`
    : `SELECT sess, expire FROM sessions WHERE sid = $1 AND expire >= now()`;
  return new (class extends PgStore {
    /** Stored deadlines of the sessions read or saved by requests in flight, until their touch. */
    private readonly deadlines = new LRUCache<string, number>({ max: 10_000 });

    override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
      // The callback runs outside the promise (as connect-pg-simple does): a throw in the request that follows is not a rejection of ours.
      // Named (prepared): every request with a session cookie sends it.
      pool
        .query<{ sess: SessionData; expire: Date }>({ name: statementName(read), text: read, values: [sid] })
        .then(({ rows: [row] }) => {
          if (!row) return null;
          this.deadlines.set(sid, row.expire.getTime());
          const { sess, expire: _expire, ...columns } = row;
          // Under a symbol: express-session copies only the session's own string keys.
          return companion ? { ...sess, [COMPANION]: columns } : sess;
        })
        .then(
          (sess) => process.nextTick(callback, null, sess),
          (err: unknown) => process.nextTick(callback, err),
        );
    }

    /** express-session builds req.session here from what `get` returned: the companion row goes on the request. */
    override createSession(req: Request, data: SessionData): session.Session & SessionData {
      const withCompanion = data as SessionData & { [COMPANION]?: Record<string, unknown> };
      if (withCompanion[COMPANION]) {
        req.sessionCompanion = withCompanion[COMPANION];
        delete withCompanion[COMPANION];
      }
      return super.createSession(req, data);
    }

    override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
      // A save writes the deadline too: a touch later in the same request (sign-in saves, then ends) is not due.
      const deadline = data.cookie.expires?.getTime();
      if (deadline === undefined) this.deadlines.delete(sid);
      else this.deadlines.set(sid, deadline);
      super.set(sid, data, callback);
    }

    override touch(sid: string, data: SessionData, callback?: () => void): void {
      const stored = this.deadlines.get(sid);
      this.deadlines.delete(sid);
      const wanted = data.cookie.expires?.getTime();
      if (stored !== undefined && wanted !== undefined && wanted - stored < TOUCH_EVERY_MS) return callback?.();
      super.touch(sid, data, callback);
    }
  })({ pool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval });
}

/**
 * Sessions live in PostgreSQL (shared by every instance). saveUninitialized=false: a visitor who
 * only browses never gets a session row or cookie.
 */
export function sessionMiddleware(config: Readonly<Config>, pool: Pool, companion?: SessionCompanion): RequestHandler {
  const handler = session({
    name: sessionCookieName(config),
    secret: config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Tests open and close many apps; a pruning timer would outlive them.
    store: sessionStore(pool, config.env === 'test' ? false : 15 * 60, companion),
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

const promisify = (fn: (cb: (err?: unknown) => void) => void) => new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

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
  // The cookie as it was set: browsers ignore a __Host- cookie's removal unless it is Secure too.
  const secure = req.session.cookie.secure === true;
  await promisify((cb) => req.session.destroy(cb));
  res.clearCookie(cookieName(secure), { path: '/', httpOnly: true, sameSite: 'lax', secure });
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

/** The message set by setFlash, once; a message token (i18n.ts) in the language of the page showing it. */
export function takeFlash(req: Request): string | undefined {
  const message = req.session?.flash;
  if (message) delete req.session.flash;
  return message ? localize(requestLanguage(req.res), message) : undefined;
}
