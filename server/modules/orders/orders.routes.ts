import express, { type Request, type Response, type Router } from 'express';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { requestLanguage } from '../../http/language';
import { parseInput } from '../../http/validate';
import { laoCaiCommunes, provinces } from '../../lib/admin-units';
import { translate, type Language } from '../../rendering/i18n';
import { requireRole, requireSignedIn, type SessionUser } from '../accounts';
import { cartOwner, type CartService, type CartView } from '../cart';
import { formatWeight, shipToProvince } from '../shipping';
import { SELLER_ORDER_STATUSES } from './order-state';
import { CheckoutBlockedError, type OrdersService } from './orders.service';
import { LAO_CAI, checkoutSchema, orderCodeParams, sellerOrderFilterSchema, sellerOrderStatusSchema, takeBatchPicks } from './orders.schemas';

/** Message keys of the payment methods' names. */
const PAYMENT_LABELS = { stripe: 'checkout.method.stripe', vietqr: 'checkout.method.vietqr' } as const;

export function orderRoutes(deps: {
  orders: OrdersService;
  cart: CartService;
  paymentMethods: readonly ('stripe' | 'vietqr')[];
  /** Where to send the buyer once the order exists (the payment module decides). */
  startPayment: (actor: SessionUser, code: string, method: 'stripe' | 'vietqr') => Promise<string>;
  /** What other modules show under each item of a delivered part (the reviews module's form). */
  itemExtras?: OrderItemExtras;
}): Router {
  const { orders, cart, paymentMethods, startPayment } = deps;
  const router = express.Router();
  const renderOrder = buyerOrderPage(orders, deps.itemExtras);

  const checkoutLocals = async (req: Request, values: Record<string, unknown>, cartView?: CartView) => {
    // Each parcel's fee to the address on the form (Lào Cai until the buyer picks another province).
    const view = cartView ?? (await cart.view(cartOwner(req), { province: String(values.province ?? LAO_CAI), commune: String(values.commune ?? '') }));
    return {
      title: translate(requestLanguage(req.res), 'checkout.pageTitle'),
      hideStickyCart: true,
      cart: withParcelWeights(view),
      // The header's badge: the cart just read (a sold-out cart's view is the one the refused checkout read).
      cartCount: view.itemCount,
      shipToProvince: String(values.province ?? LAO_CAI),
      values,
      provinceOptions: provinces.map((name) => ({ name, selected: (values.province ?? LAO_CAI) === name })),
      laoCaiCommunes,
      paymentOptions: paymentMethods.map((m, i) => ({
        value: m,
        label: translate(requestLanguage(req.res), PAYMENT_LABELS[m]),
        checked: values.paymentMethod ? values.paymentMethod === m : i === 0,
      })),
      noPaymentMethod: paymentMethods.length === 0,
    };
  };

  router.get('/checkout', requireSignedIn, async (req, res) => {
    // The province the buyer chose on a product page (its cookie), else that of their latest order, else Lào Cai.
    const locals = await checkoutLocals(req, { recipientName: req.user!.fullName, phone: req.user!.phone ?? '', province: (await shipToProvince(req))?.name });
    if (locals.cart.groups.length === 0 || locals.cart.limitNotice) return res.redirect('/cart');
    if (locals.cart.blocked) {
      await setFlash(req, 'checkout.flash.cartChanged');
      return res.redirect('/cart');
    }
    res.render('orders/checkout', locals);
  });

  router.post('/checkout', requireSignedIn, async (req, res) => {
    // "Cập nhật phí giao": the same page with each parcel's fee to the address now on the form; nothing is written.
    if (formBody(req).intent === 'quote') {
      res.render('orders/checkout', { ...(await checkoutLocals(req, formValues(req))), feesUpdated: true });
      return;
    }
    try {
      const input = parseInput(checkoutSchema, formBody(req));
      if (!paymentMethods.includes(input.paymentMethod)) throw new ValidationError({ paymentMethod: 'validation.paymentMethod.unsupported' });
      const { code } = await orders.checkout(req.user!, cartOwner(req), input);
      res.redirect(303, await startPayment(req.user!, code, input.paymentMethod));
    } catch (err) {
      if (err instanceof CheckoutBlockedError) {
        // A sold-out burst answers most buyers here: the cart checkout just read needs no second read.
        res.status(409).render('orders/checkout', { ...(await checkoutLocals(req, formValues(req), err.cart)), formError: err.message });
        return;
      }
      renderFormError(res, 'orders/checkout', err, await checkoutLocals(req, formValues(req)));
    }
  });

  router.get('/orders/:code', requireSignedIn, (req, res) => renderOrder(req, res));

  router.post('/orders/:code/cancel', requireSignedIn, async (req, res) => {
    const { code } = parseOrderCode(req);
    await orders.cancelByBuyer(req.user!, code);
    await setFlash(req, 'order.flash.cancelled');
    res.redirect(303, `/orders/${code}`);
  });

  return router;
}

/** The checkout's parcels with their weight as the summary shows it ("1,2 kg"). */
function withParcelWeights(view: CartView) {
  return { ...view, groups: view.groups.map((g) => ({ ...g, weightLabel: formatWeight(g.weightGrams) })) };
}

/**
 * Extras keyed `${sellerOrderId}:${productId}` for the items of the order's delivered parts; `form` is a
 * rejected form to show again (opaque here: the module that posted it reads it).
 */
export type OrderItemExtras = (actor: SessionUser, orderId: number, form?: unknown) => Promise<Map<string, unknown>>;

/** The buyer's order page; other modules' forms posted from it re-render it through this (422). */
export function buyerOrderPage(orders: OrdersService, itemExtras?: OrderItemExtras) {
  return async (req: Request, res: Response, form?: unknown): Promise<void> => {
    const { code } = parseOrderCode(req);
    const order = await orders.getForBuyer(req.user!, code);
    // Only a delivered part has extras (a review form): no query for an order still on its way.
    const extras = itemExtras && order.parts.some((p) => p.status === 'delivered') ? await itemExtras(req.user!, order.id, form) : null;
    res.render('orders/order', {
      title: translate(requestLanguage(res), 'order.title', { code: order.code }),
      order: extras
        ? { ...order, parts: order.parts.map((p) => ({ ...p, items: p.items.map((i) => ({ ...i, extra: extras.get(`${p.id}:${i.productId}`) })) })) }
        : order,
      paymentLabel: translate(requestLanguage(res), PAYMENT_LABELS[order.paymentMethod]),
      canCancel: order.status === 'pending_payment',
      notice: takeFlash(req),
    });
  };
}

/** An impossible code is an unknown order: 404, like someone else's. */
function parseOrderCode(req: Request): { code: string } {
  const parsed = orderCodeParams.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError('order.error.notFound');
  return parsed.data;
}

/** The seller pages' language (seller.* keys). */
const sellerLang = (res: Response) => (res.locals.lang ?? 'vi') as Language;

export function sellerOrderRoutes(orders: OrdersService): Router {
  const router = express.Router();
  router.use('/seller/orders', requireRole('seller'));

  router.get('/seller/orders', async (req, res) => {
    const { status } = sellerOrderFilterSchema.parse(req.query);
    const rows = await orders.listForSeller(req.user!, { status });
    res.render('orders/seller-orders', {
      title: translate(sellerLang(res), 'seller.orders.title'),
      orders: rows,
      tabs: [
        { href: '/seller/orders', label: translate(sellerLang(res), 'seller.all'), current: !status },
        ...SELLER_ORDER_STATUSES.map((s) => ({
          href: `/seller/orders?status=${s}`,
          label: translate(sellerLang(res), `seller.orderStatus.${s}`),
          current: s === status,
        })),
      ],
    });
  });

  const renderPart = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const { code } = parseOrderCode(req);
    const [order, history] = await Promise.all([orders.getForSeller(req.user!, code), orders.sellerPartHistory(req.user!, code)]);
    const part = order.parts[0];
    const choices = part.status === 'to_ship' ? await orders.shipmentChoices(part) : new Map();
    res.render('orders/seller-order', {
      title: translate(sellerLang(res), 'seller.order.title', { code: order.code }),
      order,
      part,
      history,
      canShip: part.status === 'to_ship',
      canDeliver: part.status === 'shipped',
      canCancel: part.status === 'to_ship',
      // The batch (lô) each item leaves from: a select per item whose product has batches, the default chosen.
      shipBatches: part.items
        .filter((i) => choices.has(i.itemId))
        .map((i) => ({ itemId: i.itemId, productName: i.productName, options: choices.get(i.itemId) })),
      notice: takeFlash(req),
      ...extra,
    });
  };

  router.get('/seller/orders/:code', (req, res) => renderPart(req, res));

  router.post('/seller/orders/:code/status', async (req, res) => {
    const { code } = parseOrderCode(req);
    try {
      const { rest, batches } = takeBatchPicks(formBody(req));
      await orders.updateSellerOrder(req.user!, code, { ...parseInput(sellerOrderStatusSchema, rest), batches });
      await setFlash(req, translate(sellerLang(res), 'seller.order.updated'));
      res.redirect(303, `/seller/orders/${code}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(422);
      await renderPart(req, res, { errors: err.fieldErrors, formError: Object.values(err.fieldErrors)[0], values: formValues(req) });
    }
  });

  return router;
}
