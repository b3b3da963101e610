import express, { type Router } from 'express';
import { AppError, NotFoundError } from '../../lib/errors';
import { formBody } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { parseInput } from '../../http/validate';
import { requestLanguage } from '../../http/language';
import { msg, translate } from '../../rendering/i18n';
import { requireRole } from '../accounts';
import type { PosService } from './pos.service';
import { receiptParams, saleCodeParams, stallSaleSchema, tillQuerySchema } from './pos.schemas';

function saleCode(params: unknown): string {
  const parsed = saleCodeParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError(msg('pos.error.saleNotFound'));
  return parsed.data.code;
}

/** The seller's till (approved cooperatives only: the service refuses anyone else with 403). Works without JavaScript. */
export function posRoutes(pos: PosService): Router {
  const router = express.Router();
  router.use('/seller/pos', requireRole('seller'));

  router.get('/seller/pos', async (req, res) => {
    const { q } = tillQuerySchema.parse(req.query);
    const till = await pos.till(req.user!, q);
    res.render('pos/till', { title: translate(requestLanguage(res), 'pos.title'), till, q, flash: await takeFlash(req), hideStickyCart: true });
  });

  router.post('/seller/pos/sales', async (req, res) => {
    const { intent, lines } = parseInput(stallSaleSchema, formBody(req));
    if (intent === 'total') {
      // "Tính tiền" without JavaScript: the same till with the total of what was entered; nothing is written.
      return res.render('pos/till', {
        title: translate(requestLanguage(res), 'pos.title'),
        till: await pos.till(req.user!, undefined, lines),
        totalShown: true,
        hideStickyCart: true,
      });
    }
    try {
      const { code } = await pos.sell(req.user!, lines);
      res.redirect(303, `/seller/pos/sales/${code}`);
    } catch (err) {
      // Not enough stock, a product no longer listed, nothing entered: the till again, saying why.
      if (!(err instanceof AppError) || err.status === 404 || err.status === 403) throw err;
      res.status(err.status).render('pos/till', {
        title: translate(requestLanguage(res), 'pos.title'),
        till: await pos.till(req.user!, undefined, lines),
        formError: err.message,
        hideStickyCart: true,
      });
    }
  });

  router.get('/seller/pos/sales/:code', async (req, res) => {
    const page = await pos.salePage(req.user!, saleCode(req.params));
    res.render('pos/sale', { title: page.sale.code, page, refreshSeconds: page.waiting ? 5 : null, flash: await takeFlash(req), hideStickyCart: true });
  });

  router.post('/seller/pos/sales/:code/cancel', async (req, res) => {
    const code = saleCode(req.params);
    await pos.cancel(req.user!, code);
    await setFlash(req, msg('pos.flash.cancelled', { code }));
    res.redirect(303, '/seller/pos');
  });

  router.post('/seller/pos/sales/:code/simulate', async (req, res) => {
    const code = saleCode(req.params);
    await pos.simulatePayment(req.user!, code);
    res.redirect(303, `/seller/pos/sales/${code}`);
  });

  return router;
}

/** GET /receipts/:code — public, by the unguessable receipt token; no session is read or written. */
export function receiptRoutes(pos: PosService): Router {
  const router = express.Router();
  router.get('/receipts/:code', async (req, res) => {
    res.set('X-Robots-Tag', 'noindex');
    const parsed = receiptParams.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('public.error.receiptNotFound');
    const receipt = await pos.receipt(parsed.data.code);
    res.set('Cache-Control', 'private, no-store');
    res.render('pos/receipt', {
      title: translate(requestLanguage(res), 'public.receipt.title', { code: receipt.sale.code }),
      receipt,
      noindex: true,
      hideStickyCart: true,
    });
  });
  return router;
}
