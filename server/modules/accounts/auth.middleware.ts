// The signed-in user and the route guards live with accounts, which owns users and sessions; http/ keeps
// only the middleware every module shares.
import type { RequestHandler } from 'express';
import { ABSOLUTE_TIMEOUT_MS } from '../../http/session';
import { ForbiddenError } from '../../lib/errors';
import type { AccountsService } from './accounts.service';
import type { SessionUser } from './actor';
import type { UserRole } from './user.entity';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
  }
}

/** Loads the signed-in user (one indexed query), enforcing the absolute session timeout and ending a session older than the password. */
export function loadCurrentUser(accounts: AccountsService): RequestHandler {
  return async (req, res, next) => {
    const { userId, signedInAt } = req.session ?? {};
    if (userId) {
      const current = signedInAt !== undefined && Date.now() - signedInAt <= ABSOLUTE_TIMEOUT_MS;
      const user = current ? await accounts.findSignedInUser(userId, signedInAt) : null;
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
