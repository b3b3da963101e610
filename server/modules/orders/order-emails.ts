import type { EntityManager } from 'typeorm';
import { formatVnd } from '../../lib/money';
import { enqueueEmail } from '../notifications';

export type OrderEvent = 'placed' | 'paid' | 'shipped' | 'cancelled' | 'expired';

interface OrderFacts {
  id: number;
  code: string;
  /** null for a stall sale: nobody signed in bought it. */
  buyerEmail: string | null;
  buyerName: string | null;
  channel: 'online' | 'stall';
  totalVnd: number;
  /** PUBLIC_URL, without a trailing slash: every link in a mail starts with it. */
  baseUrl: string;
}

const BUYER_SUBJECTS: Record<OrderEvent, string> = {
  placed: 'Đã nhận đơn hàng',
  paid: 'Đã nhận thanh toán',
  shipped: 'Đơn hàng đang được giao',
  cancelled: 'Đơn hàng đã huỷ',
  expired: 'Đơn hàng hết hạn thanh toán',
};

const BUYER_TEXTS: Record<OrderEvent, string> = {
  placed: 'Chợ OCOP đã nhận đơn hàng của bạn. Hàng được giữ trong thời gian chờ thanh toán.',
  paid: 'Chúng tôi đã nhận được thanh toán. Các hợp tác xã sẽ sớm gửi hàng cho bạn.',
  shipped: 'Một kiện hàng của bạn đã được gửi đi.',
  cancelled: 'Đơn hàng đã được huỷ. Hàng đã được trả lại kho.',
  expired: 'Đơn hàng đã hết thời gian giữ hàng mà chưa được thanh toán, nên đã được huỷ.',
};

/**
 * Queues the buyer's mail and, for placed/paid/cancelled, one to each cooperative of the order. A
 * stall sale queues none: it has no buyer, and its seller is watching the till's screen.
 */
export async function queueOrderEmails(
  manager: EntityManager,
  order: OrderFacts,
  event: OrderEvent,
  extra: { sellerOrderId?: number; trackingNo?: string; reason?: string } = {},
): Promise<void> {
  // CASE: a stall sale has no buyer account, and a household that signs in with its phone has no
  // email: neither gets the mail (the order page shows the same news).
  if (order.channel === 'stall' || !order.buyerEmail) return;
  const link = `${order.baseUrl}/orders/${order.code}`;
  const tracking = extra.trackingNo ? `\nMã vận đơn: ${extra.trackingNo}` : '';
  await enqueueEmail(manager, {
    dedupeKey: `order:${order.id}:${event}:buyer${extra.sellerOrderId ? `:${extra.sellerOrderId}` : ''}`,
    to: order.buyerEmail,
    subject: `[Chợ OCOP] ${BUYER_SUBJECTS[event]} ${order.code}`,
    text: `Xin chào ${order.buyerName},\n\n${BUYER_TEXTS[event]}${extra.reason ? `\n${extra.reason}` : ''}${tracking}\n\nMã đơn: ${order.code}\nTổng tiền: ${formatVnd(order.totalVnd)}\nXem đơn hàng: ${link}\n\nChợ OCOP`,
  });
  if (event === 'shipped') return;
  const parts = (await manager.query(
    `SELECT so.id, so.total_vnd, s.name, u.email FROM seller_orders so
     JOIN sellers s ON s.id = so.seller_id JOIN users u ON u.id = s.owner_user_id
     WHERE so.order_id = $1 ORDER BY so.id`,
    [order.id],
  )) as { id: number; total_vnd: number; name: string; email: string }[];
  const sellerText: Record<Exclude<OrderEvent, 'shipped'>, string> = {
    placed: 'Có đơn hàng mới đang chờ người mua thanh toán.',
    paid: 'Người mua đã thanh toán: vui lòng chuẩn bị và gửi hàng.',
    cancelled: 'Đơn hàng đã bị huỷ; hàng đã được trả lại kho.',
    expired: 'Đơn hàng hết hạn thanh toán; hàng đã được trả lại kho.',
  };
  for (const part of parts) {
    await enqueueEmail(manager, {
      dedupeKey: `order:${order.id}:${event}:seller:${part.id}`,
      to: part.email,
      subject: `[Chợ OCOP] ${BUYER_SUBJECTS[event]} ${order.code} — ${part.name}`,
      text: `Xin chào ${part.name},\n\n${sellerText[event]}\n\nMã đơn: ${order.code}\nPhần của bạn: ${formatVnd(part.total_vnd)}\nXem đơn: ${order.baseUrl}/seller/orders/${order.code}\n\nChợ OCOP`,
    });
  }
}
