export { adminRoutes } from './admin.routes';
export { ProductModerationService } from './product-moderation.service';
