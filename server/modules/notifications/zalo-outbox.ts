import type { EntityManager } from 'typeorm';
import type { ZaloConfig, ZaloEvent } from '../../config';
import { formatDate } from '../../lib/dates';
import { formatVnd } from '../../lib/money';
import { translate, type Language } from '../../rendering/i18n';
import { normalisePhone } from '../accounts';

/** What an order move tells its people (the names OrderLifecycle uses for its mail). */
export type OrderNotice = 'placed' | 'paid' | 'shipped' | 'cancelled' | 'expired';

/** One ZNS message to queue. Values of template_data follow ZNS: text, or a number for amounts. */
export interface OutgoingZalo {
  dedupeKey: string;
  event: ZaloEvent;
  userId: number;
  orderId: number;
  /** 84xxxxxxxxx, as the ZNS API takes it. */
  phone: string;
  templateId: string;
  templateData: Record<string, string | number>;
  /** The email sent instead when Zalo cannot reach the person: the event's own mail key, so it is never a second mail. */
  fallback: { dedupeKey: string; subject: string; text: string };
}

/** 0912345678 (or any spelling normalisePhone reads) → 84912345678; null when no candidate is a mobile number. */
export function zaloPhone(...candidates: (string | null | undefined)[]): string | null {
  for (const candidate of candidates) {
    const local = candidate ? normalisePhone(candidate) : null;
    if (local) return `84${local.slice(1)}`;
  }
  return null;
}

/** Written in the caller's transaction, like enqueueEmail; the dedupe key makes a repeated event a no-op. */
export async function enqueueZalo(manager: EntityManager, message: OutgoingZalo): Promise<void> {
  await manager.query(
    `INSERT INTO outbox_zalo (dedupe_key, event, user_id, order_id, phone, template_id, template_data, fallback_dedupe_key, fallback_subject, fallback_text)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (dedupe_key) DO NOTHING`,
    [
      message.dedupeKey,
      message.event,
      message.userId,
      message.orderId,
      message.phone,
      message.templateId,
      JSON.stringify(message.templateData),
      message.fallback.dedupeKey,
      message.fallback.subject,
      message.fallback.text,
    ],
  );
}

interface Person {
  userId: number;
  notifyZalo: boolean;
  /** users.language: the template (`<event>.en` for English) and the fallback mail follow it. */
  language: Language;
  phone: string | null;
}

/** ZNS text parameters are short (30 characters for names in most templates): longer ones are cut, never refused. */
const short = (text: string, max = 30) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Queues the Zalo side of an order's news, called by OrderLifecycle in the same transaction as the
 * move and its mail: the buyer's order placed / paid / shipped, each cooperative's new paid order to
 * ship and its paid stall sale. Nothing is queued without ZALO_ZNS_ACCESS_TOKEN, for an event
 * without a template, for a person who turned Zalo off or has no mobile number.
 */
export class ZaloNotifier {
  constructor(
    private readonly zalo: ZaloConfig | null,
    /** PUBLIC_URL: the fallback mail's links are absolute. */
    private readonly publicUrl: string,
  ) {}

  async orderEvent(manager: EntityManager, orderId: number, notice: OrderNotice, extra: { sellerOrderId?: number; trackingNo?: string } = {}): Promise<void> {
    if (!this.zalo || !['placed', 'paid', 'shipped'].includes(notice)) return;
    const [order] = (await manager.query(
      `SELECT o.id, o.code, o.total_vnd AS "totalVnd", o.channel, o.created_at AS "createdAt",
              u.id AS "userId", u.full_name AS "fullName", u.notify_zalo AS "notifyZalo", u.language, u.login_phone AS "loginPhone", u.phone
       FROM orders o LEFT JOIN users u ON u.id = o.buyer_user_id WHERE o.id = $1`,
      [orderId],
    )) as {
      id: number;
      code: string;
      totalVnd: string | number;
      channel: 'online' | 'stall';
      createdAt: Date;
      userId: number | null;
      fullName: string | null;
      notifyZalo: boolean | null;
      language: Language | null;
      loginPhone: string | null;
      phone: string | null;
    }[];
    if (!order) return;
    const total = Number(order.totalVnd);
    const buyer: Person | null = order.userId
      ? { userId: order.userId, notifyZalo: !!order.notifyZalo, language: order.language ?? 'vi', phone: zaloPhone(order.loginPhone, order.phone) }
      : null;
    const orderLink = `${this.publicUrl}/orders/${order.code}`;
    const name = short(order.fullName ?? '');

    if (order.channel === 'online' && buyer && notice === 'placed') {
      await this.queue(manager, buyer, 'order_placed', order.id, `order:${order.id}:placed:buyer`, {
        data: { order_code: order.code, customer_name: name, amount: total, order_date: formatDate(order.createdAt) },
        mail: { code: order.code, name: order.fullName ?? '', amount: formatVnd(total), link: orderLink },
      });
    }
    if (order.channel === 'online' && buyer && notice === 'paid') {
      await this.queue(manager, buyer, 'order_paid', order.id, `order:${order.id}:paid:buyer`, {
        data: { order_code: order.code, customer_name: name, amount: total },
        mail: { code: order.code, name: order.fullName ?? '', amount: formatVnd(total), link: orderLink },
      });
    }
    if (order.channel === 'online' && buyer && notice === 'shipped' && extra.sellerOrderId) {
      const [part] = await this.parts(manager, order.id, extra.sellerOrderId);
      if (part) {
        const trackingNo = extra.trackingNo ?? part.trackingNo ?? '';
        await this.queue(manager, buyer, 'order_shipped', order.id, `order:${order.id}:shipped:buyer:${part.id}`, {
          data: { order_code: order.code, customer_name: name, shop_name: short(part.shopName), tracking_no: trackingNo },
          mail: { code: order.code, name: order.fullName ?? '', shop: part.shopName, trackingNo, link: orderLink },
        });
      }
    }
    if (notice === 'paid') {
      // The message that matters most: a cooperative in the mountains learns it has a paid order to send.
      const event: ZaloEvent = order.channel === 'stall' ? 'stall_sale_paid' : 'seller_new_order';
      for (const part of await this.parts(manager, order.id)) {
        const seller: Person = {
          userId: part.userId,
          notifyZalo: part.notifyZalo,
          language: part.language,
          phone: zaloPhone(part.sellerPhone, part.loginPhone, part.phone),
        };
        const data: Record<string, string | number> =
          event === 'stall_sale_paid'
            ? { order_code: order.code, shop_name: short(part.shopName), amount: Number(part.totalVnd) }
            : { order_code: order.code, shop_name: short(part.shopName), amount: Number(part.totalVnd), item_count: Number(part.itemCount) };
        const mailKey = event === 'stall_sale_paid' ? `order:${order.id}:stall_paid:seller:${part.id}` : `order:${order.id}:paid:seller:${part.id}`;
        await this.queue(manager, seller, event, order.id, mailKey, {
          data,
          mail: {
            code: order.code,
            name: part.shopName,
            amount: formatVnd(Number(part.totalVnd)),
            link: `${this.publicUrl}${event === 'stall_sale_paid' ? '/seller/pos/sales/' : '/seller/orders/'}${order.code}`,
          },
        });
      }
    }
  }

  private async parts(manager: EntityManager, orderId: number, sellerOrderId?: number) {
    return (await manager.query(
      `SELECT so.id, so.total_vnd AS "totalVnd", so.tracking_no AS "trackingNo", s.name AS "shopName", s.phone AS "sellerPhone",
              u.id AS "userId", u.notify_zalo AS "notifyZalo", u.language, u.login_phone AS "loginPhone", u.phone,
              (SELECT coalesce(sum(i.quantity), 0) FROM order_items i WHERE i.seller_order_id = so.id) AS "itemCount"
       FROM seller_orders so JOIN sellers s ON s.id = so.seller_id JOIN users u ON u.id = s.owner_user_id
       WHERE so.order_id = $1 AND ($2::int IS NULL OR so.id = $2) ORDER BY so.id`,
      [orderId, sellerOrderId ?? null],
    )) as {
      id: number;
      totalVnd: string | number;
      trackingNo: string | null;
      shopName: string;
      sellerPhone: string | null;
      userId: number;
      notifyZalo: boolean;
      language: Language;
      loginPhone: string | null;
      phone: string | null;
      itemCount: string | number;
    }[];
  }

  private async queue(
    manager: EntityManager,
    person: Person,
    event: ZaloEvent,
    orderId: number,
    mailKey: string,
    content: { data: Record<string, string | number>; mail: Record<string, string> },
  ): Promise<void> {
    // The reader's language is read here, at queue time, as the channel choice and the fallback mail's
    // words are: the row then holds one message in one language, so a retry, or a switch of language
    // before the worker runs, never sends a template whose fallback mail reads in the other language.
    // No template_data value is a word to translate (codes, names as written, amounts, dd/mm/yyyy dates).
    const templateId = (person.language === 'en' ? this.zalo?.englishTemplates[event] : undefined) ?? this.zalo?.templates[event];
    // CASE: no template approved for this event, Zalo turned off, or no mobile number: email only.
    if (!templateId || !person.notifyZalo || !person.phone) return;
    await enqueueZalo(manager, {
      dedupeKey: `zalo:${mailKey}`,
      event,
      userId: person.userId,
      orderId,
      phone: person.phone,
      templateId,
      templateData: content.data,
      fallback: {
        dedupeKey: mailKey,
        subject: translate(person.language, `zalo.fallback.${event}.subject`, content.mail),
        text: translate(person.language, `zalo.fallback.${event}.text`, content.mail),
      },
    });
  }
}
