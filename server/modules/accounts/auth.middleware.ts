// The signed-in user and the route guards live with accounts, which owns users and sessions; http/ keeps
// only the middleware every module shares.
import type { Request, RequestHandler } from 'express';
import { ABSOLUTE_TIMEOUT_MS, type SessionCompanion } from '../../http/session';
import { ForbiddenError } from '../../lib/errors';
import type { AccountsService } from './accounts.service';
import type { SessionUser } from './actor';
import { USER_COLUMNS, type User, type UserRole } from './user.entity';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
  }
}

/** The signed-in account, read with the session in one statement (sessionMiddleware's companion). */
export const SESSION_USER: SessionCompanion = {
  join: `LEFT JOIN LATERAL (SELECT ${USER_COLUMNS} FROM users WHERE id = (s.sess->>'userId')::int) c ON true`,
};

/** The account SESSION_USER read with this request's session: null when it no longer exists, undefined when not read. */
function userReadWithSession(req: Request, userId: number): User | null | undefined {
  const row = req.sessionCompanion;
  if (!row) return undefined;
  return row.id === userId ? (row as unknown as User) : row.id === null ? null : undefined;
}

/** Loads the signed-in user (read with the session, else one indexed query), enforcing the absolute session timeout and ending a session older than the password. */
export function loadCurrentUser(accounts: AccountsService): RequestHandler {
  return async (req, res, next) => {
    const { userId, signedInAt } = req.session ?? {};
    if (userId) {
      const current = signedInAt !== undefined && Date.now() - signedInAt <= ABSOLUTE_TIMEOUT_MS;
      const user = current ? await accounts.findSignedInUser(userId, signedInAt, userReadWithSession(req, userId)) : null;
      if (user) {
        req.user = user;
        res.locals.currentUser = user;
        res.locals.isAdmin = user.role === 'admin';
        res.locals.isSeller = user.role === 'seller';
      } else {
        await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      }
    }
    next();
  };
}

export const requireSignedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
};

/** Signed out → login; signed in with another role → 403. */
export function requireRole(...roles: UserRole[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return requireSignedIn(req, res, next);
    // A team member acting for a household passes the seller guard (the service resolves the household).
    const acting = req.user.actingForSellerId !== undefined && roles.includes('seller');
    if (!roles.includes(req.user.role) && !acting) return next(new ForbiddenError());
    next();
  };
}
