import type { EntityManager } from 'typeorm';
import { formatVnd } from '../../lib/money';
import { localize, translate, type Language } from '../../rendering/i18n';
import { enqueueEmail } from '../notifications';

export type OrderEvent = 'placed' | 'paid' | 'shipped' | 'cancelled' | 'expired';

export interface OrderFacts {
  id: number;
  code: string;
  /** null for a stall sale: nobody signed in bought it. */
  buyerEmail: string | null;
  buyerName: string | null;
  /** The buyer's users.language (null without a buyer). */
  buyerLanguage: Language | null;
  channel: 'online' | 'stall';
  totalVnd: number;
  /** PUBLIC_URL, without a trailing slash: every link in a mail starts with it. */
  baseUrl: string;
}

/**
 * Queues the buyer's mail and, for placed/paid/cancelled, one to each cooperative of the order. A
 * stall sale queues none: it has no buyer, and its seller is watching the till's screen. `extra.reason`
 * (a message token, or someone's own words) is added to the buyer's mail in the buyer's language.
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
  // Each mail in its recipient's language (users.language, set by the language switch).
  const lang = order.buyerLanguage ?? 'vi';
  const t = (key: Parameters<typeof translate>[1], params: Record<string, unknown> = {}) => translate(lang, key, params);
  const link = `${order.baseUrl}/orders/${order.code}`;
  const tracking = extra.trackingNo ? `\n${t('email.trackingNo', { trackingNo: extra.trackingNo })}` : '';
  await enqueueEmail(manager, {
    dedupeKey: `order:${order.id}:${event}:buyer${extra.sellerOrderId ? `:${extra.sellerOrderId}` : ''}`,
    to: order.buyerEmail,
    subject: `[Chợ OCOP] ${t(`email.subject.${event}`)} ${order.code}`,
    text: `${t('email.greeting', { name: order.buyerName })}\n\n${t(`email.buyer.${event}`)}${extra.reason ? `\n${localize(lang, extra.reason)}` : ''}${tracking}\n\n${t('email.orderCode', { code: order.code })}\n${t('email.total', { total: formatVnd(order.totalVnd) })}\n${t('email.viewOrder', { link })}\n\nChợ OCOP`,
  });
  if (event === 'shipped') return;
  const parts = (await manager.query(
    `SELECT so.id, so.total_vnd, s.name, u.email, u.language FROM seller_orders so
     JOIN sellers s ON s.id = so.seller_id JOIN users u ON u.id = s.owner_user_id
     WHERE so.order_id = $1 ORDER BY so.id`,
    [order.id],
  )) as { id: number; total_vnd: number; name: string; email: string; language: Language }[];
  for (const part of parts) {
    const ts = (key: Parameters<typeof translate>[1], params: Record<string, unknown> = {}) => translate(part.language, key, params);
    await enqueueEmail(manager, {
      dedupeKey: `order:${order.id}:${event}:seller:${part.id}`,
      to: part.email,
      subject: `[Chợ OCOP] ${ts(`email.subject.${event}`)} ${order.code} — ${part.name}`,
      text: `${ts('email.greeting', { name: part.name })}\n\n${ts(`email.seller.${event}`)}\n\n${ts('email.orderCode', { code: order.code })}\n${ts('email.sellerPart', { total: formatVnd(part.total_vnd) })}\n${ts('email.viewSellerOrder', { link: `${order.baseUrl}/seller/orders/${order.code}` })}\n\nChợ OCOP`,
    });
  }
}
