export { ReportsService, STAR_BUCKETS, STAR_BUCKET_LABELS, type Dashboard, type ProvinceReport, type StallTakings } from './reports.service';
export { reportRoutes } from './reports.routes';
export { REPORT_TABLES, MAX_PERIOD_DAYS, addIsoDays, resolvePeriod, type ReportPeriod, type ReportTableKey } from './reports.schemas';
