export { OrdersService, CheckoutBlockedError, type OrderView } from './orders.service';
export { orderRoutes, sellerOrderRoutes } from './orders.routes';
export * from './order-state';
export { ORDER_CODE_PATTERN } from './order-code';
