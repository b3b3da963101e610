export { PayoutsService, commissionFor, LEDGER_KIND_LABELS, type LedgerEntry } from './payouts.service';
export { payoutRoutes } from './payouts.routes';
