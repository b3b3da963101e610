import express, { type Request, type Response, type Router } from 'express';
import { formBody, formValues, renderFormError } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { parseInput } from '../../http/validate';
import { laoCaiCommunes } from '../../lib/admin-units';
import { NotFoundError } from '../../lib/errors';
import { translate, type Language } from '../../rendering/i18n';
import { requireRole } from '../accounts';
import { communeQuerySchema, idParamsSchema, marketDaySchema, slugParamsSchema, stallBodySchema, stallParamsSchema } from './market-days.schemas';
import type { MarketDaysService, MarketDayView } from './market-days.service';

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/** A path parameter that cannot name a market day is an unknown page (404), not a form error. */
function params<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, req: Request): T {
  const parsed = schema.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

/** What every list and page shows of a market day: the state's label key besides the data. */
const withState = (day: MarketDayView) => ({ ...day, stateKey: `market.state.${day.state}` });

/**
 * GET /market-days and /market-days/:slug: public, read-only, no session. Mounted in the anonymous
 * fast path (server/app.ts) like the catalogue, and again behind the session stack for signed-in readers.
 */
export function marketDayPublicRoutes(marketDays: MarketDaysService, publicUrl: string): Router {
  const router = express.Router();

  router.get('/market-days', async (req, res) => {
    const parsed = communeQuerySchema.safeParse(req.query);
    const commune = parsed.success && parsed.data.commune ? parsed.data.commune : '';
    const all = await marketDays.currentAndUpcoming();
    const communes = [...new Set(all.map((d) => d.commune))].sort((a, b) => a.localeCompare(b, 'vi'));
    const days = all.filter((d) => !commune || d.commune === commune).map(withState);
    // Grouped by commune, each group soonest first (the list already is).
    const groups = new Map<string, ReturnType<typeof withState>[]>();
    for (const day of days) groups.set(day.commune, [...(groups.get(day.commune) ?? []), day]);
    res.render('market/list', {
      title: translate(langOf(res), 'market.list.title'),
      canonical: `${publicUrl}/market-days`,
      noindex: !!commune,
      commune,
      communes: communes.map((name) => ({ name, selected: name === commune })),
      groups: [...groups].map(([name, items]) => ({ name, items })),
      empty: days.length === 0,
    });
  });

  router.get('/market-days/:slug', async (req, res) => {
    const { slug } = params(slugParamsSchema, req);
    const { day, stalls } = await marketDays.bySlug(slug);
    res.render('market/show', {
      title: day.name,
      canonical: `${publicUrl}/market-days/${day.slug}`,
      day: withState(day),
      stalls,
    });
  });

  return router;
}

/** The back office's market days: list, create, stalls. */
export function marketDayAdminRoutes(marketDays: MarketDaysService): Router {
  const router = express.Router();
  const adminOnly = requireRole('admin');
  const formLocals = (res: Response, values: Record<string, unknown>) => ({
    title: translate(langOf(res), 'market.admin.newTitle'),
    values,
    communes: laoCaiCommunes.map((name) => ({ name, selected: name === values.commune })),
  });

  router.get('/admin/market-days', adminOnly, async (req, res) => {
    const days = await marketDays.listForAdmin(req.user!);
    res.render('market/admin-list', { title: translate(langOf(res), 'market.admin.title'), days: days.map(withState), notice: takeFlash(req) });
  });

  router.get('/admin/market-days/new', adminOnly, (_req, res) => {
    res.render('market/admin-new', formLocals(res, {}));
  });

  router.post('/admin/market-days/new', adminOnly, async (req, res) => {
    try {
      const input = parseInput(marketDaySchema, formBody(req));
      const { id } = await marketDays.create(req.user!, input);
      await setFlash(req, translate(langOf(res), 'market.admin.created', { name: input.name }));
      res.redirect(303, `/admin/market-days/${id}`);
    } catch (err) {
      renderFormError(res, 'market/admin-new', err, formLocals(res, formValues(req)));
    }
  });

  router.get('/admin/market-days/:id', adminOnly, async (req, res) => {
    const { id } = params(idParamsSchema, req);
    const detail = await marketDays.getForAdmin(req.user!, id);
    res.render('market/admin-day', { title: detail.day.name, ...detail, day: withState(detail.day), notice: takeFlash(req) });
  });

  router.post('/admin/market-days/:id/stalls', adminOnly, async (req, res) => {
    const { id } = params(idParamsSchema, req);
    const { sellerId } = parseInput(stallBodySchema, formBody(req));
    await marketDays.addStall(req.user!, id, sellerId);
    await setFlash(req, translate(langOf(res), 'market.admin.stallAdded'));
    res.redirect(303, `/admin/market-days/${id}`);
  });

  router.post('/admin/market-days/:id/stalls/:sellerId/remove', adminOnly, async (req, res) => {
    const { id, sellerId } = params(stallParamsSchema, req);
    await marketDays.removeStall(req.user!, id, sellerId);
    await setFlash(req, translate(langOf(res), 'market.admin.stallRemoved'));
    res.redirect(303, `/admin/market-days/${id}`);
  });

  return router;
}

/** The seller area's market days: join and leave (approved cooperatives; suspension blocks every /seller write). */
export function marketDaySellerRoutes(marketDays: MarketDaysService): Router {
  const router = express.Router();
  const sellerOnly = requireRole('seller');

  router.get('/seller/market-days', sellerOnly, async (req, res) => {
    const { commune, days } = await marketDays.forSeller(req.user!);
    res.render('market/seller-list', {
      title: translate(langOf(res), 'market.seller.title'),
      commune,
      days: days.map(withState),
      empty: days.length === 0,
      notice: takeFlash(req),
    });
  });

  router.post('/seller/market-days/:id/join', sellerOnly, async (req, res) => {
    const { id } = params(idParamsSchema, req);
    await marketDays.join(req.user!, id);
    await setFlash(req, translate(langOf(res), 'market.seller.joined'));
    res.redirect(303, '/seller/market-days');
  });

  router.post('/seller/market-days/:id/leave', sellerOnly, async (req, res) => {
    const { id } = params(idParamsSchema, req);
    await marketDays.leave(req.user!, id);
    await setFlash(req, translate(langOf(res), 'market.seller.left'));
    res.redirect(303, '/seller/market-days');
  });

  return router;
}
