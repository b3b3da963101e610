export { PayoutsService, commissionFor, LEDGER_KIND_LABELS, type LedgerEntry, type SalesChannel } from './payouts.service';
export { payoutRoutes } from './payouts.routes';
