import express, { type Router } from 'express';
import { requireRole } from '../accounts';
import { NotFoundError } from '../../lib/errors';
import { csvFileName, dashboardCharts, reportTables, tableCsv, tableView } from './report-tables';
import { reportTableQuerySchema, resolvePeriod } from './reports.schemas';
import type { ReportsService } from './reports.service';
import { msg, translate, type Language } from '../../rendering/i18n';

const langOf = (res: express.Response) => (res.locals.lang ?? 'vi') as Language;

/**
 * The admin dashboard (GET /admin) and the province report. Mounted before the admin module's
 * router, so this is the handler that answers GET /admin.
 */
export function reportRoutes(reports: ReportsService): Router {
  const router = express.Router();
  const adminOnly = requireRole('admin');

  router.get('/admin', adminOnly, async (req, res) => {
    const dashboard = await reports.dashboard(req.user!);
    res.render('reports/dashboard', {
      title: translate(langOf(res), 'admin.crumb'),
      ...dashboard,
      charts: dashboardCharts(dashboard, langOf(res)),
      flaggedTotal: dashboard.flaggedOrders + dashboard.flaggedPayments,
    });
  });

  router.get('/admin/reports', adminOnly, async (req, res) => {
    const period = resolvePeriod(req.query, reports.today());
    const report = await reports.provinceReport(req.user!, period);
    res.render('reports/province', {
      title: translate(langOf(res), 'report.page.title'),
      period,
      asOf: report.asOf,
      totals: report.totals,
      tables: reportTables(report, langOf(res)).map((t) => tableView(t, period)),
    });
  });

  router.get('/admin/reports.csv', adminOnly, async (req, res) => {
    const parsed = reportTableQuerySchema.safeParse(req.query);
    if (!parsed.success) throw new NotFoundError(msg('report.error.noTable'));
    const period = resolvePeriod(req.query, reports.today());
    const report = await reports.provinceReport(req.user!, period);
    const table = reportTables(report).find((t) => t.key === parsed.data.table)!;
    res.attachment(csvFileName(table, period));
    res.type('text/csv; charset=utf-8');
    res.send(tableCsv(table));
  });

  return router;
}
