export * from './withholding-rules';
export { TaxService, type RatesOn } from './tax.service';
export { TaxReportsService, type Declaration, type SellerTaxYear } from './tax-reports.service';
export { taxRoutes } from './tax.routes';
