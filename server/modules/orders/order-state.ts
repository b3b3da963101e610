import { canMove, statesMovableTo, type TransitionTable } from '../../lib/transition-table';

/**
 * Order and seller-order states as data: anything not listed here is refused. Each table also
 * gives the WHERE of the conditional update that makes the move (OrderLifecycle.transition, the
 * only statement that changes an order's or a seller order's status).
 */
export const ORDER_STATUSES = ['pending_payment', 'paid', 'completed', 'cancelled', 'expired', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: TransitionTable<OrderStatus> = {
  pending_payment: ['paid', 'cancelled', 'expired'],
  paid: ['completed', 'refunded'],
  completed: ['refunded'],
  // CASE: a payment that arrives after the reservation ended revives the order if its stock is still there.
  cancelled: ['paid'],
  expired: ['paid'],
  refunded: [],
};

export const SELLER_ORDER_STATUSES = ['awaiting_payment', 'to_ship', 'shipped', 'delivered', 'cancelled'] as const;
export type SellerOrderStatus = (typeof SELLER_ORDER_STATUSES)[number];

export const SELLER_ORDER_TRANSITIONS: TransitionTable<SellerOrderStatus> = {
  awaiting_payment: ['to_ship', 'cancelled'],
  to_ship: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  // Only through a late payment that re-reserved the stock (see ORDER_TRANSITIONS).
  cancelled: ['to_ship'],
};

export function canMoveOrder(from: OrderStatus, to: OrderStatus): boolean {
  return canMove(ORDER_TRANSITIONS, from, to);
}

export function canMoveSellerOrder(from: SellerOrderStatus, to: SellerOrderStatus): boolean {
  return canMove(SELLER_ORDER_TRANSITIONS, from, to);
}

/** The statuses an order may be in for a move to `to` (the WHERE of a conditional update), narrowed to `only` if given. */
export function ordersMovableTo(to: OrderStatus, only?: readonly OrderStatus[]): OrderStatus[] {
  return statesMovableTo(ORDER_TRANSITIONS, to, only);
}

export function sellerOrdersMovableTo(to: SellerOrderStatus, only?: readonly SellerOrderStatus[]): SellerOrderStatus[] {
  return statesMovableTo(SELLER_ORDER_TRANSITIONS, to, only);
}

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: 'Chờ thanh toán',
  paid: 'Đã thanh toán',
  completed: 'Hoàn tất',
  cancelled: 'Đã huỷ',
  expired: 'Hết hạn thanh toán',
  refunded: 'Đã hoàn tiền',
};

export const SELLER_ORDER_STATUS_LABELS: Record<SellerOrderStatus, string> = {
  awaiting_payment: 'Chờ thanh toán',
  to_ship: 'Chờ gửi hàng',
  shipped: 'Đang giao',
  delivered: 'Đã giao',
  cancelled: 'Đã huỷ',
};
