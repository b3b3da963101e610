import type { DataSource } from 'typeorm';
import { SqlParams, whereAll } from '../../db/sql-params';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { toCsv } from '../../lib/csv';
import { formatDateTime } from '../../lib/dates';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import { ORDER_STATUS_LABELS, type OrderLifecycle, type OrderStatus, type OrdersService, type OrderView } from '../orders';
import { msg } from '../../rendering/i18n';

export interface AdminOrderFilter {
  status?: OrderStatus;
  method?: 'stripe' | 'vietqr';
  flagged?: boolean;
  from?: string;
  to?: string;
  sellerId?: number;
  code?: string;
}

export interface AdminOrderRow {
  id: number;
  code: string;
  status: OrderStatus;
  statusLabel: string;
  paymentMethod: string;
  totalVnd: number;
  paidAmountVnd: number;
  refundedAmountVnd: number;
  needsReview: boolean;
  reviewReason: string | null;
  buyerName: string;
  /** 'stall': a sale at a market-day stall (no buyer account); the page names it in the reader's language. */
  channel: 'online' | 'stall';
  /** Null for a buyer who signs in with a phone. */
  buyerEmail: string | null;
  createdAt: Date;
  sellers: string;
}

/** What admins see of orders: every order, its money trail and the flags to follow up. */
export class AdminOrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly lifecycle: OrderLifecycle,
    private readonly audit: AuditService,
  ) {}

  /** An unpaid order ended by an admin (the buyer asked by phone, a fraud suspicion…): stock back, reason audited. */
  async cancel(actor: Actor, code: string, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const [order] = (await manager.query(`SELECT id FROM orders WHERE code = $1`, [code])) as { id: number }[];
      if (!order) throw new NotFoundError(msg('admin.order.notFound'));
      if (!(await this.lifecycle.cancelUnpaid(manager, order.id, actor.id, reason))) {
        throw new ConflictError(msg('admin.order.cancelUnpaidOnly'));
      }
      await this.audit.record(manager, { actorUserId: actor.id, action: 'order.cancel', targetType: 'order', targetId: code, reason });
    });
  }

  private where(filter: AdminOrderFilter, params: SqlParams): string {
    const clauses: string[] = [];
    if (filter.status) clauses.push(`o.status = ${params.add(filter.status)}`);
    if (filter.method) clauses.push(`o.payment_method = ${params.add(filter.method)}`);
    if (filter.flagged) clauses.push('o.needs_review');
    if (filter.from) clauses.push(`o.created_at >= (${params.add(filter.from)}::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`);
    if (filter.to) clauses.push(`o.created_at < ((${params.add(filter.to)}::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')`);
    if (filter.sellerId) clauses.push(`EXISTS (SELECT 1 FROM seller_orders so WHERE so.order_id = o.id AND so.seller_id = ${params.add(filter.sellerId)})`);
    if (filter.code) clauses.push(`o.code = ${params.add(filter.code)}`);
    return whereAll(clauses);
  }

  async list(actor: Actor, filter: AdminOrderFilter, limit = 200): Promise<AdminOrderRow[]> {
    assertAdmin(actor);
    const params = new SqlParams();
    const where = this.where(filter, params);
    const rows = (await this.dataSource.query(
      `SELECT o.id, o.code, o.status, o.payment_method AS "paymentMethod", o.total_vnd AS "totalVnd", o.paid_amount_vnd AS "paidAmountVnd",
              o.refunded_amount_vnd AS "refundedAmountVnd", o.needs_review AS "needsReview", o.review_reason AS "reviewReason",
              CASE WHEN o.channel = 'stall' THEN 'Bán tại quầy (phiên chợ)' ELSE u.full_name END AS "buyerName", o.channel, u.email AS "buyerEmail", o.created_at AS "createdAt",
              (SELECT string_agg(s.name, ', ' ORDER BY s.name) FROM seller_orders so JOIN sellers s ON s.id = so.seller_id WHERE so.order_id = o.id) AS sellers
       FROM orders o LEFT JOIN users u ON u.id = o.buyer_user_id ${where}
       ORDER BY o.id DESC LIMIT ${Number(limit)}`,
      params.values,
    )) as Omit<AdminOrderRow, 'statusLabel'>[];
    return rows.map((r) => ({ ...r, statusLabel: ORDER_STATUS_LABELS[r.status] }));
  }

  async detail(actor: Actor, code: string) {
    assertAdmin(actor);
    const [row] = (await this.dataSource.query(
      `SELECT o.id, o.paid_amount_vnd AS "paidAmountVnd", o.refunded_amount_vnd AS "refundedAmountVnd", o.needs_review AS "needsReview",
              o.review_reason AS "reviewReason", CASE WHEN o.channel = 'stall' THEN 'Bán tại quầy (phiên chợ)' ELSE u.full_name END AS "buyerName",
              u.email AS "buyerEmail"
       FROM orders o LEFT JOIN users u ON u.id = o.buyer_user_id WHERE o.code = $1`,
      [code],
    )) as Pick<AdminOrderRow, 'id' | 'paidAmountVnd' | 'refundedAmountVnd' | 'needsReview' | 'reviewReason' | 'buyerName' | 'buyerEmail'>[];
    if (!row) throw new NotFoundError(msg('admin.order.notFound'));
    const [order, payments, events, refunds, history] = await Promise.all([
      this.orders.loadView(row.id),
      this.dataSource.query(
        `SELECT provider, provider_ref AS "providerRef", amount_vnd AS "amountVnd", currency, outcome, flag_reason AS "flagReason", received_at AS "receivedAt"
         FROM payments WHERE order_id = $1 ORDER BY id`,
        [row.id],
      ),
      this.dataSource.query(
        `SELECT provider, event_id AS "eventId", type, outcome, received_at AS "receivedAt" FROM webhook_events WHERE order_id = $1 ORDER BY received_at`,
        [row.id],
      ),
      this.dataSource.query(
        `SELECT amount_vnd AS "amountVnd", provider, status, reason, provider_ref AS "providerRef", created_at AS "createdAt" FROM refunds WHERE order_id = $1 ORDER BY id`,
        [row.id],
      ),
      this.dataSource.query(
        `SELECT e.from_status AS "from", e.to_status AS "to", e.note, e.created_at AS "createdAt", u.full_name AS "actorName"
         FROM order_events e LEFT JOIN users u ON u.id = e.actor_user_id WHERE e.order_id = $1 ORDER BY e.id`,
        [row.id],
      ),
    ]);
    return { order: order as OrderView, ...row, payments, events, refunds, history };
  }

  async sellerOptions(actor: Actor): Promise<{ id: number; name: string }[]> {
    assertAdmin(actor);
    return this.dataSource.query(`SELECT id, name FROM sellers WHERE status IN ('approved', 'suspended') ORDER BY name`);
  }

  /** The filtered list as CSV for a spreadsheet (UTF-8 with BOM, formulas neutralised). */
  async csv(actor: Actor, filter: AdminOrderFilter): Promise<string> {
    const rows = await this.list(actor, filter, 100_000);
    return toCsv(
      ['Mã đơn', 'Ngày đặt', 'Trạng thái', 'Thanh toán', 'Người mua', 'Email', 'Hợp tác xã', 'Tổng tiền (đ)', 'Đã trả (đ)', 'Đã hoàn (đ)', 'Cần xem xét'],
      rows.map((r) => [
        r.code,
        formatDateTime(r.createdAt),
        r.statusLabel,
        r.paymentMethod,
        r.buyerName,
        r.buyerEmail,
        r.sellers,
        r.totalVnd,
        r.paidAmountVnd,
        r.refundedAmountVnd,
        r.needsReview ? (r.reviewReason ?? 'có') : '',
      ]),
    );
  }

  /** Transfers that matched no order: money an admin must place or return. */
  async unmatchedPayments(actor: Actor) {
    assertAdmin(actor);
    return this.dataSource.query(
      `SELECT provider, provider_ref AS "providerRef", amount_vnd AS "amountVnd", flag_reason AS "flagReason", received_at AS "receivedAt"
       FROM payments WHERE order_id IS NULL ORDER BY id DESC LIMIT 100`,
    );
  }
}
