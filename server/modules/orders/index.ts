export {
  OrdersService,
  CheckoutBlockedError,
  type OrderView,
  type PartRefunds,
  type DeliveryLedger,
  type StallSaleLine,
  type StallSaleView,
  type ShipmentBatches,
  type ShipmentItem,
} from './orders.service';
export { OrderLifecycle, type Move, type MoveBy, type Moved, type PaidHook } from './order-lifecycle';
export { orderRoutes, sellerOrderRoutes, buyerOrderPage, type OrderItemExtras } from './orders.routes';
export * from './order-state';
export { ORDER_CODE_PATTERN, STALL_SALE_CODE_PATTERN } from './order-code';
export { latestDeliveryProvince } from './delivery-province';
