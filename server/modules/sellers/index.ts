export { SellersService } from './sellers.service';
export { sellerApplicationRoutes, sellerAreaRoutes } from './sellers.routes';
export { sellerProductRoutes } from './seller-products.routes';
export { SellerProductsService } from './seller-products.service';
export { SELLER_STATUSES, SELLER_TYPES, type Seller, type SellerStatus, type SellerType } from './seller.entity';
export { SELLER_STATUS_LABELS, SELLER_TYPE_LABELS, allowedDecisions, type SellerDecision } from './seller-state';
export { sellerProfileShape, bankDetailsComplete } from './sellers.schemas';
export type { HouseholdApplication } from './sellers.service';
export { decisionParamsSchema, decisionBodySchema, statusFilterSchema, taxWithholdingBodySchema } from './sellers.schemas';
