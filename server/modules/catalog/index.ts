export { CatalogService } from './catalog.service';
export type { ProductCard, ProductDetail, ProductPage, CategoryNode } from './catalog.service';
export { catalogRoutes, catalogApiRoutes } from './catalog.routes';
export { seoRoutes } from './seo.routes';
export { Product } from './product.entity';
export { ProductImage } from './product-image.entity';
export { StockMovement } from './stock-movement.entity';
export { Category } from './category.entity';
export { IMAGE_WIDTHS, imageVariantName } from './product-images';
