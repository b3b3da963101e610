import {
  ORDER_STATUSES,
  SELLER_ORDER_STATUSES,
  canMoveOrder,
  canMoveSellerOrder,
  ordersMovableTo,
  sellerOrdersMovableTo,
  type OrderStatus,
  type SellerOrderStatus,
} from '../../server/modules/orders/order-state';
import { pinTransitions } from '../helpers/transition-rules';

/** The rules as a reader states them; the tables must say exactly this. */
const ORDER_RULES: Record<OrderStatus, OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled', 'expired'],
  paid: ['completed', 'refunded'],
  completed: ['refunded'],
  // A payment that arrives after the reservation ended revives the order.
  cancelled: ['paid'],
  expired: ['paid'],
  refunded: [],
};

const SELLER_ORDER_RULES: Record<SellerOrderStatus, SellerOrderStatus[]> = {
  awaiting_payment: ['to_ship', 'cancelled'],
  to_ship: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  // Back to the shelf only through a late payment that re-reserved the stock.
  cancelled: ['to_ship'],
};

describe('an order moves only as ORDER_TRANSITIONS says', () => {
  pinTransitions({ states: ORDER_STATUSES, canMove: canMoveOrder, movableTo: ordersMovableTo }, ORDER_RULES);

  it('a caller can narrow the WHERE to the move it means, never widen it', () => {
    expect(ordersMovableTo('paid', ['pending_payment'])).toEqual(['pending_payment']);
    expect(ordersMovableTo('paid', ['expired', 'cancelled']).sort()).toEqual(['cancelled', 'expired']);
    expect(ordersMovableTo('paid', ['paid', 'refunded'])).toEqual([]);
    expect(ordersMovableTo('cancelled', ['paid'])).toEqual([]);
  });
});

describe('a seller order (a cooperative’s part) moves only as SELLER_ORDER_TRANSITIONS says', () => {
  pinTransitions({ states: SELLER_ORDER_STATUSES, canMove: canMoveSellerOrder, movableTo: sellerOrdersMovableTo }, SELLER_ORDER_RULES);

  it('a caller can narrow the WHERE to the move it means, never widen it', () => {
    expect(sellerOrdersMovableTo('cancelled', ['to_ship'])).toEqual(['to_ship']);
    expect(sellerOrdersMovableTo('to_ship', ['cancelled'])).toEqual(['cancelled']);
    expect(sellerOrdersMovableTo('delivered', ['to_ship'])).toEqual([]);
  });
});
