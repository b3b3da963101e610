import express, { type Request, type Response, type Router } from 'express';
import { requireRole } from '../accounts';
import { ConflictError, ValidationError } from '../../lib/errors';
import { formBody, formValues } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { requestLanguage } from '../../http/language';
import { msg, translate } from '../../rendering/i18n';
import { parseInput } from '../../http/validate';
import { bankName } from '../../lib/banks';
import { todayInVietnam } from '../../lib/dates';
import { payoutSchema, platformRateSchema, sellerIdParams, sellerRateSchema, stallRateSchema } from './payouts.schemas';
import type { PayoutsService } from './payouts.service';

const percent = (bp: number | null | undefined) => (bp === null || bp === undefined ? '' : String(bp / 100).replace('.', ','));

export function payoutRoutes(payouts: PayoutsService): Router {
  const router = express.Router();
  router.use(['/admin/payouts', '/admin/settings'], requireRole('admin'));

  const renderBalances = async (req: Request, res: Response, extra: { values?: Record<string, unknown>; errors?: Record<string, string> } = {}) => {
    const [rows, rate, stallRate] = await Promise.all([payouts.balances(req.user!), payouts.platformRateBp(), payouts.stallRateBp()]);
    res.render('payouts/admin-balances', {
      title: translate(requestLanguage(res), 'payout.admin.title'),
      rows: rows.map((r) => ({ ...r, rate: r.commissionRateBp === null ? null : percent(r.commissionRateBp) })),
      values: { rate: percent(rate), stallRate: percent(stallRate), ...extra.values },
      errors: extra.errors ?? {},
      totalOwed: rows.reduce((a, r) => a + r.balanceVnd, 0),
      notice: takeFlash(req),
    });
  };

  router.get('/admin/payouts', (req, res) => renderBalances(req, res));

  router.post('/admin/settings/stall-commission', async (req, res) => {
    try {
      const { stallRate } = parseInput(stallRateSchema, formBody(req));
      await payouts.setStallRate(req.user!, stallRate);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(err.status);
      return renderBalances(req, res, { values: formValues(req), errors: err.fieldErrors });
    }
    await setFlash(req, msg('payout.notice.stallRate'));
    res.redirect(303, '/admin/payouts');
  });

  router.post('/admin/settings/commission', async (req, res) => {
    const { rate } = parseInput(platformRateSchema, formBody(req));
    await payouts.setPlatformRate(req.user!, rate);
    await setFlash(req, msg('payout.notice.rate'));
    res.redirect(303, '/admin/payouts');
  });

  const renderStatement = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const { sellerId } = parseInput(sellerIdParams, req.params);
    const statement = await payouts.statementForAdmin(req.user!, sellerId);
    res.render('payouts/admin-statement', {
      title: translate(requestLanguage(res), 'payout.admin.statementTitle', { name: statement.seller.name }),
      ...statement,
      bank: bankName(statement.seller.bankBin),
      sellerRate: percent(statement.seller.commissionRateBp),
      platformRate: percent(statement.platformRateBp),
      values: { paidOn: todayInVietnam(new Date()) },
      notice: takeFlash(req),
      ...extra,
    });
  };

  router.get('/admin/payouts/:sellerId', (req, res) => renderStatement(req, res));

  router.post('/admin/payouts/:sellerId', async (req, res) => {
    const { sellerId } = parseInput(sellerIdParams, req.params);
    try {
      await payouts.recordPayout(req.user!, sellerId, parseInput(payoutSchema, formBody(req)));
      await setFlash(req, msg('payout.notice.payout'));
      res.redirect(303, `/admin/payouts/${sellerId}`);
    } catch (err) {
      if (!(err instanceof ConflictError || err instanceof ValidationError)) throw err;
      res.status(err.status);
      await renderStatement(req, res, {
        values: formValues(req),
        errors: err instanceof ValidationError ? err.fieldErrors : {},
        formError: err instanceof ValidationError ? undefined : err.message,
      });
    }
  });

  router.post('/admin/payouts/:sellerId/commission', async (req, res) => {
    const { sellerId } = parseInput(sellerIdParams, req.params);
    const { rate } = parseInput(sellerRateSchema, formBody(req));
    await payouts.setSellerRate(req.user!, sellerId, rate ?? null);
    await setFlash(req, msg('payout.notice.sellerRate'));
    res.redirect(303, `/admin/payouts/${sellerId}`);
  });

  router.get('/seller/payouts', requireRole('seller'), async (req, res) => {
    const statement = await payouts.ownStatement(req.user!);
    res.render('payouts/seller-statement', { title: translate(requestLanguage(res), 'payout.seller.title'), ...statement, rate: percent(statement.rateBp) });
  });

  return router;
}
