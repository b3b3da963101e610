import express, { type Router } from 'express';
import { z } from 'zod';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { parseInput } from '../../http/validate';
import { ForbiddenError } from '../../lib/errors';
import { translate, type Language } from '../../rendering/i18n';
import { ACTING_LIMIT_MESSAGE } from './actor';
import type { AccountsService } from './accounts.service';
import { requireRole, requireSignedIn } from './auth.middleware';

/** A checkbox posts "1" when ticked and nothing when not; anything else (or any other field) is refused. */
const tick = z.literal('1').optional();
export const notificationChoicesSchema = z.object({ notifyEmail: tick, notifyZalo: tick }).strict();

/**
 * The account's notification channels (issue 21): `/account` and the seller profile show the same
 * two checkboxes (partial `notify-choices`), since a cooperative's news goes to its owner's account.
 * GET shows them on their own page (where a refused form is re-rendered, 422); POST saves and goes back.
 */
export function notificationChoicesRoutes(accounts: AccountsService): Router {
  const router = express.Router();
  const page = (res: express.Response, back: string, extra: Record<string, unknown> = {}) => ({
    title: translate(res.locals.lang as Language, 'notify.title'),
    action: back === '/account' ? '/account/notifications' : '/seller/notifications',
    back,
    ...extra,
  });

  const save = (back: string) => async (req: express.Request, res: express.Response) => {
    try {
      const input = parseInput(notificationChoicesSchema, formBody(req));
      await accounts.setNotificationChoices(req.user!, { notifyEmail: input.notifyEmail === '1', notifyZalo: input.notifyZalo === '1' });
      // The seller profile's own route belongs to sellers: its form comes back to this page, which says it was saved.
      res.redirect(303, back === '/account' ? '/account?changed=notifications' : '/seller/notifications?saved=1');
    } catch (err) {
      renderFormError(res, 'accounts/notifications', err, page(res, back, { values: formValues(req) }));
    }
  };

  router.get('/account/notifications', requireSignedIn, (req, res) => res.render('accounts/notifications', page(res, '/account')));
  router.post('/account/notifications', requireSignedIn, save('/account'));

  // A team member acting for a household never changes the household's account settings.
  const ownShopOnly: express.RequestHandler = (req, _res, next) =>
    next(req.user!.actingForSellerId !== undefined ? new ForbiddenError(ACTING_LIMIT_MESSAGE) : undefined);
  router.get('/seller/notifications', requireRole('seller'), ownShopOnly, (req, res) =>
    res.render('accounts/notifications', page(res, '/seller/application', { saved: req.query.saved === '1' })),
  );
  router.post('/seller/notifications', requireRole('seller'), ownShopOnly, save('/seller/application'));
  return router;
}
