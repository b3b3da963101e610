export { OrdersService, CheckoutBlockedError, type OrderView, type PartRefunds, type DeliveryLedger } from './orders.service';
export { OrderLifecycle, type Move, type MoveBy, type Moved, type PaidHook } from './order-lifecycle';
export { orderRoutes, sellerOrderRoutes } from './orders.routes';
export * from './order-state';
export { ORDER_CODE_PATTERN } from './order-code';
