import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { safeLocalPath } from '../../http/safe-redirect';
import { parseInput } from '../../http/validate';
import { requireRole } from '../accounts';
import { provinceList } from '../../lib/admin-units';
import { translate, type Language } from '../../rendering/i18n';
import type { SellerShipping } from './shipping-fee';
import { RATE_STEPS, quoteQuerySchema, rateField, shippingTableSchema } from './shipping.schemas';
import type { ShippingService } from './shipping.service';
import { NORTHERN_PROVINCE_CODES, ZONES, findProvince, type Province } from './zones';

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/** The cookie that keeps the province a visitor chose on a product page (its 2025 code): not a session. */
export const SHIP_TO_COOKIE = 'ship_to';

declare module 'express-serve-static-core' {
  interface Request {
    /** A signed-in visitor's province on record (see accountShipTo): read only when asked, at most once. */
    accountProvince?: () => Promise<Province | null>;
  }
}

/** The form's values from what is stored: the table when there is one, else the flat fee in every zone as a start. */
function storedValues(shipping: SellerShipping): Record<string, string> {
  const values: Record<string, string> = {
    mode: shipping.rates ? 'zones' : 'flat',
    shippingFeeVnd: String(shipping.flatFeeVnd),
    freeShippingThresholdVnd: shipping.freeShippingThresholdVnd ? String(shipping.freeShippingThresholdVnd) : '',
  };
  for (const zone of ZONES) {
    for (const [step, key] of RATE_STEPS) {
      values[rateField(zone, step)] = String(shipping.rates ? shipping.rates[zone][key] : step === 'extraKg' ? 0 : shipping.flatFeeVnd);
    }
  }
  return values;
}

function pageLocals(res: Response, values: Record<string, unknown>) {
  const lang = langOf(res);
  return {
    title: translate(lang, 'shipping.seller.title'),
    values,
    flat: values.mode !== 'zones',
    zoneRows: ZONES.map((zone) => ({
      label: translate(lang, `shipping.zone.${zone}`),
      cells: RATE_STEPS.map(([step]) => {
        const name = rateField(zone, step);
        return { name, value: values[name] ?? '', label: `${translate(lang, `shipping.zone.${zone}`)}: ${translate(lang, `shipping.step.${step}`)}` };
      }),
    })),
    northernProvinces: provinceList
      .filter((p) => NORTHERN_PROVINCE_CODES.has(p.code) && p.code !== '15')
      .map((p) => p.name)
      .join(', '),
  };
}

/** GET|POST /seller/shipping: the cooperative's fee table (4 zones × 3 weight steps) or one fee everywhere. */
export function sellerShippingRoutes(shipping: ShippingService): Router {
  const router = express.Router();
  router.use('/seller/shipping', requireRole('seller'));

  router.get('/seller/shipping', async (req, res) => {
    // The form only for a cooperative that may change it: a suspended one gets its notice (403).
    const table = await shipping.ownTable(req.user!);
    res.render('sellers/shipping', { ...pageLocals(res, storedValues(table)), saved: req.query.ok === '1' });
  });

  router.post('/seller/shipping', async (req, res) => {
    // A suspended cooperative is refused (403) before its form is even read.
    await shipping.ownTable(req.user!);
    try {
      await shipping.saveTable(req.user!, parseInput(shippingTableSchema, formBody(req)));
      res.redirect(303, '/seller/shipping?ok=1');
    } catch (err) {
      renderFormError(res, 'sellers/shipping', err, pageLocals(res, formValues(req)));
    }
  });

  return router;
}

/**
 * Public and sessionless: the quote API (JSON) and the product page's "ship to" choice, kept in a
 * cookie. Neither reads or writes a session.
 */
export function shippingPublicRoutes(shipping: ShippingService, secureCookies: boolean): Router {
  const router = express.Router();

  router.get('/api/v1/shipping-quote', async (req, res) => {
    const parsed = quoteQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue.code === 'unrecognized_keys' ? `Unknown parameter: ${issue.keys.join(', ')}.` : issue.message;
      res.status(400).json({ error: { code: 'bad_request', message } });
      return;
    }
    const { productId, quantity, commune } = parsed.data;
    const province = findProvince(parsed.data.province);
    if (!province) {
      res.status(400).json({ error: { code: 'bad_request', message: 'Unknown province: use a 2025 province name such as "Cà Mau", or its code.' } });
      return;
    }
    const quote = await shipping.quoteProduct(productId, quantity, { province, commune });
    res.json(quote);
  });

  // GET /ship-to?province=96&next=/products/… → keeps the choice in a cookie and returns to the page.
  router.get('/ship-to', (req, res) => {
    const province = typeof req.query.province === 'string' ? findProvince(req.query.province) : null;
    if (province) res.cookie(SHIP_TO_COOKIE, province.code, { maxAge: 365 * 24 * 3600 * 1000, httpOnly: true, sameSite: 'lax', secure: secureCookies });
    res.redirect(303, safeLocalPath(req.query.next));
  });

  return router;
}

/**
 * For a signed-in visitor, how to find the account's province (`lookup` by user id: the orders module
 * knows it). Nothing is read here: only a page that shows a fee asks, once per request.
 */
export function accountShipTo(lookup: (userId: number) => Promise<string | null>): RequestHandler {
  return (req, _res, next) => {
    const userId = req.user?.id;
    if (userId !== undefined) {
      let found: Promise<Province | null> | undefined;
      req.accountProvince = () => (found ??= lookup(userId).then((name) => (name ? findProvince(name) : null)));
    }
    next();
  };
}

/**
 * The province fees are shown to: the one the visitor chose on a product page (the ship_to cookie),
 * else a signed-in buyer's on record; a visitor without a session reads nothing.
 */
export async function shipToProvince(req: Request): Promise<Province | null> {
  const cookie: unknown = req.cookies?.[SHIP_TO_COOKIE];
  const chosen = typeof cookie === 'string' ? findProvince(cookie) : null;
  return chosen ?? (req.accountProvince ? await req.accountProvince() : null);
}

/**
 * The product page's shipping line (catalog's ProductExtras): "Phí giao đến Cà Mau: 35.000 ₫" once the
 * visitor's province is known (the ship_to cookie, or a signed-in buyer's on record); a small GET form
 * to choose one. The seller's table is read only when a province is known, so a first visit without a
 * session costs no extra statement.
 */
export function productShipping(shipping: ShippingService) {
  return async (product: { id: number; slug: string }, _query: unknown, req?: Request): Promise<{ locals: Record<string, unknown>; jsonLdReviews: [] }> => {
    const province = req ? await shipToProvince(req) : null;
    const quote = province ? await shipping.quoteProduct(product.id, 1, { province }) : null;
    return {
      locals: {
        shipTo: {
          quote,
          next: `/products/${product.slug}`,
          options: provinceList.map((p) => ({ code: p.code, name: p.name, selected: p.code === province?.code })),
        },
      },
      jsonLdReviews: [],
    };
  };
}
