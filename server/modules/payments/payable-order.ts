import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../lib/errors';
import type { Actor } from '../accounts';
import type { OrderStatus } from '../orders';

/** An order as the payment side reads it (the orders module writes it: OrderLifecycle). */
export interface PayableOrder {
  id: number;
  code: string;
  status: OrderStatus;
  buyer_user_id: number;
  payment_method: 'stripe' | 'vietqr';
  total_vnd: number;
  paid_amount_vnd: number;
  refunded_amount_vnd: number;
  reserved_until: Date;
  /** Set by the first card attempt: the end of the reservation checkout made. */
  first_reserved_until: Date | null;
  /** How many Stripe Checkout Sessions were asked for (each claimed attempt counts once). */
  payment_attempts: number;
  stripe_session_id: string | null;
  stripe_session_url: string | null;
  stripe_session_expires_at: Date | null;
}

/** The order with this code, locked for the caller's transaction when `lock` is set. */
export async function findPayableOrder(manager: EntityManager, code: string, lock = false): Promise<PayableOrder | null> {
  const [order] = (await manager.query(
    `SELECT id, code, status, buyer_user_id, payment_method, total_vnd, paid_amount_vnd, refunded_amount_vnd, reserved_until,
            first_reserved_until, payment_attempts, stripe_session_id, stripe_session_url, stripe_session_expires_at
     FROM orders WHERE code = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [code],
  )) as PayableOrder[];
  return order ?? null;
}

/** The buyer's own order: anyone else (admins included) learns nothing more than "not found". */
export async function buyersPayableOrder(manager: EntityManager, actor: Actor, code: string): Promise<PayableOrder> {
  const order = await findPayableOrder(manager, code);
  if (!order || order.buyer_user_id !== actor.id) throw new NotFoundError('order.error.notFound');
  return order;
}
