import express, { type RequestHandler, type Response, type Router } from 'express';
import { formBody } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { parseInput } from '../../http/validate';
import { ForbiddenError, NotFoundError } from '../../lib/errors';
import { translate, type Language } from '../../rendering/i18n';
import { ACTING_LIMIT_MESSAGE, requireRole, requireSignedIn } from '../accounts';
import { runOnBehalfOf } from '../audit';
import { actParamsSchema, grantParamsSchema, grantSchema, revokeParamsSchema } from './acting.schemas';
import type { TeamsService } from './teams.service';

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/** What a member acting for a household may never open (any method): bank details, tax identification, password, phone, payouts. */
const LIMITED_PATHS = [
  '/seller/application',
  '/seller/tax-identification',
  '/seller/tax',
  '/seller/payouts',
  '/seller/helpers',
  '/account/password',
  '/account/phone',
];
const isLimited = (path: string) => LIMITED_PATHS.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * After the signed-in user is loaded: a session acting for a household (issue 19) is re-checked on every request (one
 * query), so a revoked grant or a removed member loses access at their next request. While acting, the seller area
 * resolves to the household (`req.user.actingForSellerId`), the banner names both people, the audit rows written name
 * the household, and the household's money and identity pages are refused.
 */
export function loadActingContext(teams: TeamsService): RequestHandler {
  return async (req, res, next) => {
    const sellerId = req.session?.actingForSellerId;
    if (sellerId === undefined || !req.user) return next();
    const context = await teams.actingContext(req.user.id, sellerId);
    if (!context) {
      delete req.session.actingForSellerId;
      // The access ended while the session was open: the seller page asked for is refused, not swapped for the member's own.
      if (req.path === '/seller' || req.path.startsWith('/seller/')) return next(new ForbiddenError(translate(langOf(res), 'teams.acting.ended')));
      return next();
    }
    req.user = { ...req.user, actingForSellerId: context.sellerId };
    res.locals.acting = { sellerName: context.sellerName, memberName: req.user.fullName };
    res.locals.isSeller = true;
    if (isLimited(req.path)) return next(new ForbiddenError(ACTING_LIMIT_MESSAGE));
    runOnBehalfOf(context.sellerId, () => next());
  };
}

/** Start and stop acting for a household; the household's own list of helper teams with a revoke; an admin's grant. */
export function actingRoutes(teams: TeamsService): Router {
  const router = express.Router();

  router.post('/team/households/:sellerId/act', requireSignedIn, async (req, res) => {
    const parsed = actParamsSchema.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError();
    const context = await teams.startActing(req.user!, parsed.data.sellerId);
    req.session.actingForSellerId = context.sellerId;
    await setFlash(req, translate(langOf(res), 'teams.acting.started', { name: context.sellerName }));
    res.redirect(303, '/seller');
  });

  router.post('/team/act/stop', requireSignedIn, async (req, res) => {
    delete req.session.actingForSellerId;
    await setFlash(req, translate(langOf(res), 'teams.acting.stopped'));
    res.redirect(303, '/team');
  });

  router.get('/seller/helpers', requireRole('seller'), async (req, res) => {
    const helpers = await teams.helpersOfOwnSeller(req.user!);
    res.render('teams/seller-helpers', { title: translate(langOf(res), 'teams.helpers.title'), helpers, notice: takeFlash(req) });
  });

  router.post('/seller/helpers/:teamId/revoke', requireRole('seller'), async (req, res) => {
    const parsed = revokeParamsSchema.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError();
    await teams.revokeByOwner(req.user!, parsed.data.teamId);
    await setFlash(req, translate(langOf(res), 'teams.helpers.revoked'));
    res.redirect(303, '/seller/helpers');
  });

  router.post('/admin/teams/:id/households', requireRole('admin'), async (req, res) => {
    const parsedParams = grantParamsSchema.safeParse(req.params);
    if (!parsedParams.success) throw new NotFoundError();
    const { id } = parsedParams.data;
    const { sellerId } = parseInput(grantSchema, formBody(req));
    const { granted } = await teams.grantHousehold(req.user!, id, sellerId);
    await setFlash(req, translate(langOf(res), granted ? 'teams.admin.householdGranted' : 'teams.admin.householdAlreadyGranted'));
    res.redirect(303, `/admin/teams/${id}`);
  });

  return router;
}
