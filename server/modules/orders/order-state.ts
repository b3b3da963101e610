/** Order and seller-order states as data: anything not listed here is refused. */
export const ORDER_STATUSES = ['pending_payment', 'paid', 'completed', 'cancelled', 'expired', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
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

export const SELLER_ORDER_TRANSITIONS: Record<SellerOrderStatus, readonly SellerOrderStatus[]> = {
  awaiting_payment: ['to_ship', 'cancelled'],
  to_ship: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  // Only through a late payment that re-reserved the stock (see ORDER_TRANSITIONS).
  cancelled: ['to_ship'],
};

export function canMoveOrder(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function canMoveSellerOrder(from: SellerOrderStatus, to: SellerOrderStatus): boolean {
  return SELLER_ORDER_TRANSITIONS[from].includes(to);
}

/** The statuses an order may be in for a move to `to` (the WHERE of a conditional update). */
export function ordersMovableTo(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((s) => canMoveOrder(s, to));
}

export function sellerOrdersMovableTo(to: SellerOrderStatus): SellerOrderStatus[] {
  return SELLER_ORDER_STATUSES.filter((s) => canMoveSellerOrder(s, to));
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
