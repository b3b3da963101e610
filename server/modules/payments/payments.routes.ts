import express, { type Router } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { formBody } from '../../http/forms';
import { setFlash } from '../../http/session';
import { requestLanguage } from '../../http/language';
import { translate } from '../../rendering/i18n';
import { parseInput } from '../../http/validate';
import { requireSignedIn, type Actor } from '../accounts';
import { ORDER_CODE_PATTERN } from '../orders';
import type { PayPageService } from './pay-page.service';
import type { PaymentIntakeService } from './payment-intake.service';
import { bankKeyHeaderSchema, parseBankTransfer, parseStripeEvent, payFormSchema, stripeSignatureHeaderSchema } from './payments.schemas';

const codeParams = z.object({ code: z.string().regex(ORDER_CODE_PATTERN) });
const successQuery = z.object({ session_id: z.string().regex(/^cs_[A-Za-z0-9_]{1,200}$/) });

function orderCode(params: unknown): string {
  const parsed = codeParams.safeParse(params);
  if (!parsed.success) throw new NotFoundError('order.error.notFound');
  return parsed.data.code;
}

/**
 * Server-to-server messages: no session, no CSRF, their own authentication; mounted before the body
 * parsers. Headers and bodies are parsed here (payments.schemas.ts); the service gets them typed.
 */
export function webhookRoutes(intake: PaymentIntakeService): Router {
  const router = express.Router();
  // Stripe signs the exact bytes it sent, so this route keeps them raw.
  router.post('/webhooks/stripe', express.raw({ type: '*/*', limit: '512kb' }), async (req, res) => {
    const event = intake.verifyStripeEvent(req.body as Buffer, stripeSignatureHeaderSchema.parse(req.get('stripe-signature')));
    const outcome = await intake.receiveStripeEvent(parseStripeEvent(event));
    res.json({ received: true, outcome });
  });
  router.post('/webhooks/bank', express.json({ limit: '64kb' }), async (req, res) => {
    // The key before the body: a stranger learns nothing about what the feed expects.
    intake.checkBankKey(bankKeyHeaderSchema.parse(req.get('authorization')));
    await intake.receiveBankTransfer(parseBankTransfer(req.body));
    res.json({ success: true });
  });
  return router;
}

/** Where the buyer goes right after checkout: Stripe's hosted page, or our VietQR page. */
export async function paymentStart(payPage: PayPageService, actor: Actor, code: string, method: 'stripe' | 'vietqr'): Promise<string> {
  if (method === 'vietqr') return `/orders/${code}/pay`;
  try {
    return await payPage.startStripeCheckout(actor, code);
  } catch {
    // The order and its reservation stand; the pay page offers another try.
    return `/orders/${code}/pay?retry=1`;
  }
}

export function payRoutes(deps: { payPage: PayPageService; intake: PaymentIntakeService }): Router {
  const { payPage, intake } = deps;
  const router = express.Router();

  router.get('/orders/:code/pay', requireSignedIn, async (req, res) => {
    const code = orderCode(req.params);
    const page = await payPage.payPage(req.user!, code);
    if (!page.payable) return res.redirect(`/orders/${code}`);
    res.render('payments/pay', { title: translate(requestLanguage(res), 'pay.title', { code }), page, retry: req.query.retry === '1', hideStickyCart: true });
  });

  router.post('/orders/:code/pay', requireSignedIn, async (req, res) => {
    const code = orderCode(req.params);
    const { switchTo } = parseInput(payFormSchema, formBody(req));
    try {
      res.redirect(303, await payPage.startStripeCheckout(req.user!, code, { switchToCard: switchTo === 'stripe' }));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // Refused (attempts used, not chosen, reservation over): the pay page again, saying why.
      const page = await payPage.payPage(req.user!, code);
      if (!page.payable) throw err;
      res
        .status(409)
        .render('payments/pay', { title: translate(requestLanguage(res), 'pay.title', { code }), page, formError: err.message, hideStickyCart: true });
    }
  });

  router.get('/orders/:code/pay/success', requireSignedIn, async (req, res) => {
    const code = orderCode(req.params);
    const parsed = successQuery.safeParse(req.query);
    if (parsed.success) {
      const outcome = await intake.confirmStripeReturn(req.user!, code, parsed.data.session_id);
      await setFlash(req, outcome === 'applied' || outcome === 'duplicate' ? 'pay.flash.received' : 'pay.flash.waitingStripe');
    }
    res.redirect(303, `/orders/${code}`);
  });

  router.post('/orders/:code/pay/simulate', requireSignedIn, async (req, res) => {
    const code = orderCode(req.params);
    await intake.simulateBankTransfer(req.user!, code);
    await setFlash(req, 'pay.flash.simulated');
    res.redirect(303, `/orders/${code}`);
  });

  return router;
}
