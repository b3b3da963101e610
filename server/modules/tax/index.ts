export * from './withholding-rules';
export { TaxService, type RatesOn } from './tax.service';
