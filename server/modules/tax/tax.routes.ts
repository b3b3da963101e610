import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { formBody } from '../../http/forms';
import { setFlash, takeFlash } from '../../http/session';
import { toCsv } from '../../lib/csv';
import { formatDate } from '../../lib/dates';
import { ValidationError } from '../../lib/errors';
import { translate, type Language } from '../../rendering/i18n';
import { requireRole } from '../accounts';
import type { Declaration, TaxFigures, TaxReportsService } from './tax-reports.service';
import { nextMonth, previousMonth } from './tax-reports.service';

/**
 * The tax withheld, as admins declare it (GET /admin/tax, /admin/tax.csv, POST /admin/tax/declare)
 * and as a seller reads it (GET /seller/tax). Labels come from the locale files.
 */

const monthQuery = z.object({ month: z.string().optional() }).strict();
const yearQuery = z.object({ year: z.string().optional() }).strict();
const declareBody = z.object({ month: z.string() }).strict();

const langOf = (res: Response) => (res.locals.lang ?? 'vi') as Language;

/** Query and body validation: anything unusable is a 422 with the message in the reader's language. */
function parse<S extends z.ZodType>(schema: S, input: unknown, message: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError({ _form: message }, message);
  return parsed.data;
}

/** 2026-11 → 11/2026 */
const monthLabel = (month: string) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

/** A seller's identification as admins and the seller see it (unmasked): the tax code, else the citizen ID. */
function identification(lang: Language, row: { taxCode: string | null; citizenId: string | null }): string {
  if (row.taxCode) return `${translate(lang, 'taxReport.id.taxCode')} ${row.taxCode}`;
  if (row.citizenId) return `${translate(lang, 'taxReport.id.citizenId')} ${row.citizenId}`;
  return '';
}

const net = (f: TaxFigures) => ({ vatNetVnd: f.vatVnd + f.vatAdjustmentVnd, pitNetVnd: f.pitVnd + f.pitAdjustmentVnd });

function declarationCsv(lang: Language, d: Declaration): string {
  const t = (key: string) => translate(lang, key);
  const header = [
    t('taxReport.col.seller'),
    t('taxReport.col.type'),
    t('taxReport.csv.taxCode'),
    t('taxReport.csv.citizenId'),
    t('taxReport.col.commune'),
    t('taxReport.csv.goods'),
    t('taxReport.csv.transport'),
    t('taxReport.csv.service'),
    t('taxReport.csv.vat'),
    t('taxReport.csv.pit'),
    t('taxReport.csv.vatAdjustment'),
    t('taxReport.csv.pitAdjustment'),
  ];
  const figures = (f: TaxFigures) => [f.goodsVnd, f.transportVnd, f.serviceVnd, f.vatVnd, f.pitVnd, f.vatAdjustmentVnd, f.pitAdjustmentVnd];
  return toCsv(header, [
    ...d.rows.map((r) => [r.name, t(`seller.type.${r.type}`), r.taxCode, r.citizenId, r.commune, ...figures(r)]),
    [t('taxReport.total'), '', '', '', '', ...figures(d.totals)],
  ]);
}

export function taxRoutes(taxReports: TaxReportsService): Router {
  const router = express.Router();
  const adminOnly = requireRole('admin');

  const monthFrom = async (req: Request, res: Response): Promise<string> => {
    const lang = langOf(res);
    const message = translate(lang, 'taxReport.error.month');
    const { month } = parse(monthQuery, req.query, message);
    return month === undefined || month === '' ? taxReports.defaultMonth() : taxReports.parseMonth(month, message);
  };

  router.get('/admin/tax', adminOnly, async (req, res) => {
    const lang = langOf(res);
    const month = await monthFrom(req, res);
    const d = await taxReports.declaration(req.user!, month);
    res.render('tax/admin-declaration', {
      title: translate(lang, 'taxReport.admin.title', { month: monthLabel(month) }),
      ...d,
      monthLabel: monthLabel(month),
      previous: previousMonth(month),
      next: nextMonth(month),
      rows: d.rows.map((r) => ({ ...r, typeKey: `seller.type.${r.type}`, identification: identification(lang, r) })),
      lackingIdentification: d.lackingIdentification.map((s) => ({ ...s, typeKey: `seller.type.${s.type}` })),
      net: net(d.totals),
      hasService: d.totals.serviceVnd !== 0,
      declaredOn: d.declaredAt ? formatDate(d.declaredAt) : null,
      csvHref: `/admin/tax.csv?month=${month}`,
      notice: takeFlash(req),
    });
  });

  router.get('/admin/tax.csv', adminOnly, async (req, res) => {
    const lang = langOf(res);
    const month = await monthFrom(req, res);
    const d = await taxReports.declaration(req.user!, month);
    res.attachment(`khau-tru-thue_${month}.csv`);
    res.type('text/csv; charset=utf-8');
    res.send(declarationCsv(lang, d));
  });

  router.post('/admin/tax/declare', adminOnly, async (req, res) => {
    const lang = langOf(res);
    const message = translate(lang, 'taxReport.error.month');
    const month = taxReports.parseMonth(parse(declareBody, formBody(req), message).month, message);
    const result = await taxReports.declare(req.user!, month, { notPast: translate(lang, 'taxReport.error.notPast') });
    const key = result.declared ? 'taxReport.declare.done' : 'taxReport.declare.already';
    await setFlash(req, translate(lang, key, { month: monthLabel(month), date: formatDate(result.declaredAt) }));
    res.redirect(303, `/admin/tax?month=${month}`);
  });

  router.get('/seller/tax', requireRole('seller'), async (req, res) => {
    const lang = langOf(res);
    const message = translate(lang, 'taxReport.error.year');
    const { year: given } = parse(yearQuery, req.query, message);
    const currentYear = Number(taxReports.currentMonth().slice(0, 4));
    let year = currentYear;
    if (given !== undefined && given !== '') {
      if (!/^\d{4}$/.test(given) || Number(given) < 2000 || Number(given) > 2100) throw new ValidationError({ year: message }, message);
      year = Number(given);
    }
    const y = await taxReports.sellerYear(req.user!, year);
    res.render('tax/seller-tax', {
      title: translate(lang, 'taxReport.seller.title', { year }),
      ...y,
      months: y.months.map((m) => ({ ...m, label: monthLabel(m.month), ...net(m) })),
      net: net(y.totals),
      typeKey: `seller.type.${y.seller.type}`,
      identification: identification(lang, y.seller),
      statements: y.statements.map((s) => ({
        ...s,
        titleKey: `taxReport.statement.${s.tax}`,
        lines: s.lines.map((l) => ({ ...l, kindKey: `taxReport.kind.${l.kind}`, rate: String(l.rateBp / 100).replace('.', lang === 'vi' ? ',' : '.') })),
      })),
      empty: y.months.length === 0,
      previousYear: year - 1,
      nextYear: year < currentYear ? year + 1 : null,
      platform: { name: translate(lang, 'site.name'), url: taxReports.publicUrl },
      printedOn: formatDate(taxReports.today()),
      hasService: y.totals.serviceVnd !== 0,
    });
  });

  return router;
}
