export { CatalogService } from './catalog.service';
export type { ProductCard, ProductDetail, ProductPage, CategoryNode } from './catalog.service';
export { catalogRoutes, catalogApiRoutes, type ProductExtras } from './catalog.routes';
export type { JsonLdReview } from './catalog.seo';
export { seoRoutes } from './seo.routes';
export { ProductService, DUPLICATE_SKU_MESSAGE } from './product.service';
export type { ProductDetails, VerifiedClaim } from './product.service';
export {
  PRODUCT_STATUSES,
  PRODUCT_STATUS_LABELS,
  PRODUCT_TRANSITIONS,
  OCOP_CLAIM_STATES,
  OCOP_CLAIM_TRANSITIONS,
  OCOP_CLAIM_WHERE,
  canMoveProduct,
  canMoveOcopClaim,
  ocopClaimState,
  type ProductStatus,
  type ProductMove,
  type OcopClaimState,
  type OcopClaimMove,
} from './product-state';
export { LISTED, COVER_JOIN } from './product-sql';
export { PRODUCT_COLUMNS, type Product } from './product.entity';
export type { ProductImage } from './product-image.entity';
export type { Category } from './category.entity';
export { IMAGE_WIDTHS, imageVariantName } from './product-images';
