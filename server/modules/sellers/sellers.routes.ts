import express, { type Router } from 'express';
import { requireRole, signUpHandler } from '../accounts';
import type { Csrf } from '../../http/csrf';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { parseInput } from '../../http/validate';
import { bankName } from '../../lib/banks';
import { translate, type Language } from '../../rendering/i18n';
import { isWithheld, payoutsWaitForIdentification } from '../tax';
import { SELLER_STATUS_LABELS, SELLER_TYPE_LABELS } from './seller-state';
import type { Seller } from './seller.entity';
import { sellerFormOptions } from './sellers.presenter';
import { sellerApplicationSchema, sellerProfileSchema, taxIdentificationSchema } from './sellers.schemas';
import type { SellerProductsService } from './seller-products.service';
import type { SellersService } from './sellers.service';

const langOf = (res: express.Response) => (res.locals.lang ?? 'vi') as Language;

function profileValues(seller: Seller): Record<string, unknown> {
  return {
    cooperativeName: seller.name,
    type: seller.type,
    commune: seller.commune,
    address: seller.address,
    description: seller.description,
    taxCode: seller.taxCode ?? '',
    citizenId: seller.citizenId ?? '',
    bankBin: seller.bankBin ?? '',
    bankAccountNo: seller.bankAccountNo ?? '',
    bankAccountName: seller.bankAccountName ?? '',
  };
}

/** GET|POST /sellers/apply: a cooperative opens a seller account (pending review). */
export function sellerApplicationRoutes(sellers: SellersService, csrf: Csrf): Router {
  const router = express.Router();
  const render = (values: Record<string, unknown>, res?: express.Response) => ({
    title: translate(res ? langOf(res) : 'vi', 'seller.apply.title'),
    values,
    ...sellerFormOptions(values),
  });

  router.get('/sellers/apply', (req, res) => {
    res.render('sellers/apply', { ...render({}, res), signedIn: !!req.user });
  });

  router.post(
    '/sellers/apply',
    signUpHandler(csrf, (body) => sellers.apply(parseInput(sellerApplicationSchema, body)), '/seller', { view: 'sellers/apply', locals: render }),
  );

  return router;
}

/** The seller area's front door: status, rejection reason, resubmission. Product management builds on it. */
export function sellerAreaRoutes(
  sellers: SellersService,
  sellerProducts: SellerProductsService,
  recentOrders: (sellerId: number) => Promise<unknown[]>,
  /** Today's paid stall sales (Vietnam time): the till's takings, read by the reports module. */
  stallTakings: (sellerId: number) => Promise<{ sales: number; totalVnd: number }> = async () => ({ sales: 0, totalVnd: 0 }),
): Router {
  const router = express.Router();
  router.use('/seller', requireRole('seller'));
  // Suspension leaves the seller area read-only: every write under /seller (products, photos, stock,
  // orders, shipping, profile) is refused here, before a body or an upload is read. The services check again.
  router.use('/seller', async (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') await sellers.assertNotSuspended(req.user!);
    next();
  });

  router.get('/seller', async (req, res) => {
    const seller = await sellers.getOwnSeller(req.user!);
    res.render('sellers/dashboard', {
      title: translate(langOf(res), 'seller.area'),
      seller,
      ...(await sellerProducts.dashboard(req.user!)),
      recentOrders: seller.status === 'approved' ? await recentOrders(seller.id) : [],
      stallTakings: seller.status === 'approved' ? await stallTakings(seller.id) : null,
      statusLabel: SELLER_STATUS_LABELS[seller.status],
      typeLabel: SELLER_TYPE_LABELS[seller.type],
      bank: bankName(seller.bankBin),
      isApproved: seller.status === 'approved',
      isPending: seller.status === 'pending',
      isRejected: seller.status === 'rejected',
      isSuspended: seller.status === 'suspended',
      // Decree 117/2025: whether the platform withholds this seller's tax, and whether payouts wait for identification.
      taxWithheld: isWithheld(seller),
      waitsForIdentification: payoutsWaitForIdentification(seller),
    });
  });

  // The seller's tax code / citizen ID on its own, at any status but suspended (no resubmission needed).
  const renderTaxIdentification = (res: express.Response, seller: Seller, extra: Record<string, unknown>) => ({
    title: translate(res.locals.lang as Language, 'taxId.title'),
    seller,
    waitsForIdentification: payoutsWaitForIdentification(seller),
    ...extra,
  });

  router.get('/seller/tax-identification', async (req, res) => {
    await sellers.assertNotSuspended(req.user!);
    const seller = await sellers.getOwnSeller(req.user!);
    res.render(
      'sellers/tax-identification',
      renderTaxIdentification(res, seller, {
        saved: req.query.ok === '1',
        values: { taxCode: seller.taxCode ?? '', citizenId: seller.citizenId ?? '' },
      }),
    );
  });

  router.post('/seller/tax-identification', async (req, res) => {
    try {
      await sellers.updateTaxIdentification(req.user!, parseInput(taxIdentificationSchema, formBody(req)));
      res.redirect(303, '/seller/tax-identification?ok=1');
    } catch (err) {
      renderFormError(res, 'sellers/tax-identification', err, renderTaxIdentification(res, await sellers.getOwnSeller(req.user!), { values: formValues(req) }));
    }
  });

  router.get('/seller/application', async (req, res) => {
    const seller = await sellers.getOwnSeller(req.user!);
    const values = profileValues(seller);
    res.render('sellers/application', {
      title: translate(langOf(res), 'seller.app.title'),
      seller,
      statusLabel: SELLER_STATUS_LABELS[seller.status],
      canResubmit: seller.status === 'rejected',
      values,
      ...sellerFormOptions(values),
    });
  });

  router.post('/seller/application', async (req, res) => {
    const seller = await sellers.getOwnSeller(req.user!);
    try {
      await sellers.resubmit(req.user!, parseInput(sellerProfileSchema, formBody(req)));
      res.redirect(303, '/seller');
    } catch (err) {
      const values = formValues(req);
      renderFormError(res, 'sellers/application', err, {
        title: translate(langOf(res), 'seller.app.title'),
        seller,
        statusLabel: SELLER_STATUS_LABELS[seller.status],
        canResubmit: true,
        values,
        ...sellerFormOptions(values),
      });
    }
  });

  return router;
}
