export { adminRoutes } from './admin.routes';
export { ProductModerationService } from './product-moderation.service';
export { AdminOrdersService } from './admin-orders.service';
export { adminOrderRoutes, adminOrderFilterSchema } from './admin-orders.routes';
