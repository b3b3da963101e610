import express, { type Request, type RequestHandler, type Router } from 'express';
import { ValidationError } from '../../lib/errors';
import { formBody } from '../../http/forms';
import { refererPath } from '../../http/safe-redirect';
import { setFlash, takeFlash } from '../../http/session';
import { parseInput } from '../../http/validate';
import { requestLanguage } from '../../http/language';
import { translate } from '../../rendering/i18n';
import { addToCartSchema, productIdParam, setQuantitySchema } from './cart.schemas';
import type { CartOwner, CartService } from './cart.service';
import { shipToProvince } from '../shipping';

export function cartOwner(req: Request): CartOwner {
  return req.user ? { userId: req.user.id } : { guestCartId: req.session?.cartId };
}

/**
 * After sign-in the guest cart joins the account's; then the header's item count. Visitors with
 * no session cost nothing here. The items are counted only when a page renders (a post that
 * redirects shows no header), and not at all by a page that shows the cart and passes its
 * `cartCount` (cart, checkout, a checkout refused: they just read it).
 */
export function cartMiddleware(cart: CartService): RequestHandler {
  return async (req, res, next) => {
    if (req.user && req.session.cartId) {
      await cart.mergeGuestCart(req.session.cartId, req.user.id);
      delete req.session.cartId;
    }
    if (!req.user && !req.session?.cartId) return next();
    const render = res.render.bind(res) as (...args: unknown[]) => void;
    res.render = ((...args: unknown[]) => {
      const options = args[1];
      if (typeof options === 'object' && options !== null && 'cartCount' in options) return render(...args);
      // A count that cannot be read leaves the badge out; the page itself still renders.
      void cart
        .itemCount(cartOwner(req))
        .then((n) => (res.locals.cartCount = n))
        .catch(() => undefined)
        .finally(() => render(...args));
    }) as typeof res.render;
    next();
  };
}

export function cartRoutes(cart: CartService): Router {
  const router = express.Router();

  router.get('/cart', async (req, res) => {
    // Fees to the visitor's province (chosen on a product page, else a signed-in buyer's), as an estimate; checkout settles them.
    const shipTo = await shipToProvince(req);
    const view = await cart.view(cartOwner(req), shipTo ? { province: shipTo.name } : null);
    res.render('cart/cart', {
      title: translate(requestLanguage(res), 'cart.title'),
      cart: view,
      cartCount: view.itemCount,
      shipTo: shipTo?.name,
      notice: takeFlash(req),
      hideStickyCart: true,
    });
  });

  router.post('/cart/items', async (req, res) => {
    const back = refererPath(req.get('referer'), '/cart');
    try {
      const input = parseInput(addToCartSchema, formBody(req));
      const { cartId, notice } = await cart.addItem(cartOwner(req), input.productId, input.quantity);
      if (!req.user) req.session.cartId = cartId;
      await setFlash(req, notice ?? 'cart.flash.added');
      res.redirect(303, '/cart');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // CASE: a sold-out product or a bad quantity: say so on the page the buyer came from.
      res.status(422).render('errors/error', {
        title: translate(requestLanguage(res), 'cart.error.notAdded'),
        status: 422,
        message: Object.values(err.fieldErrors)[0] ?? err.message,
        backHref: back,
      });
    }
  });

  router.post('/cart/items/:productId', async (req, res) => {
    const { productId } = parseInput(productIdParam, req.params);
    const { quantity } = parseInput(setQuantitySchema, formBody(req));
    try {
      const { notice } = await cart.setQuantity(cartOwner(req), productId, quantity);
      if (notice) await setFlash(req, notice);
      res.redirect(303, '/cart');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // CASE: more than one order may hold: the cart again, as it still is, with the reason.
      res.status(422).render('cart/cart', {
        title: translate(requestLanguage(res), 'cart.title'),
        cart: await cart.view(cartOwner(req)),
        formError: err.message,
        hideStickyCart: true,
      });
    }
  });

  router.post('/cart/accept', async (req, res) => {
    await cart.acceptChanges(cartOwner(req));
    await setFlash(req, 'cart.flash.accepted');
    res.redirect(303, '/cart');
  });

  return router;
}
