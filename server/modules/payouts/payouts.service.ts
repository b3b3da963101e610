import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import type { SellersService } from '../sellers';
import { payoutsWaitForIdentification, type WithholdingSubject } from '../tax';
import { msg } from '../../rendering/i18n';

/** Where a sale was made: the online store, or a stall at a market day (the till). */
export type SalesChannel = 'online' | 'stall';

export type LedgerKind = 'sale' | 'commission' | 'refund' | 'commission_reversal' | 'payout' | 'tax_vat' | 'tax_pit' | 'tax_vat_reversal' | 'tax_pit_reversal';

export const LEDGER_KIND_LABELS: Record<LedgerKind, string> = {
  sale: 'Đơn đã giao',
  commission: 'Phí sàn',
  refund: 'Hoàn tiền cho người mua',
  commission_reversal: 'Trả lại phí sàn',
  payout: 'Đã chuyển tiền cho hợp tác xã',
  tax_vat: 'Thuế GTGT khấu trừ',
  tax_pit: 'Thuế TNCN khấu trừ',
  tax_vat_reversal: 'Hoàn thuế GTGT khấu trừ',
  tax_pit_reversal: 'Hoàn thuế TNCN khấu trừ',
};

/** Why payouts wait: a withheld seller (household) has given neither a tax code nor a citizen ID. */
export const PAYOUTS_WAIT_MESSAGE = msg('payout.error.waitForIdentification');

export interface LedgerEntry {
  id: number;
  kind: LedgerKind;
  kindLabel: string;
  amountVnd: number;
  orderCode: string | null;
  rateBp: number | null;
  note: string | null;
  createdAt: Date;
}

export interface SellerBalanceRow {
  sellerId: number;
  sellerName: string;
  commissionRateBp: number | null;
  balanceVnd: number;
  paidOutVnd: number;
  /** A withheld seller without a tax code or citizen ID: its payouts wait. */
  payoutsWait: boolean;
}

/** Commission on the goods of a delivered part, rounded to the đồng. */
export function commissionFor(itemsTotalVnd: number, rateBp: number): number {
  return Math.round((itemsTotalVnd * rateBp) / 10_000);
}

/**
 * What the platform owes each cooperative, kept as an append-only ledger: delivered sales (goods
 * and shipping) minus commission on the goods, minus refunds, minus payouts. The balance is the sum
 * of the ledger, never a separate number that could drift.
 */
export class PayoutsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    /** The writer of `sellers`: a cooperative's own rate is set through it. */
    private readonly sellers: SellersService,
  ) {}

  async platformRateBp(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row] = (await manager.query(`SELECT (value #>> '{}')::int AS bp FROM platform_settings WHERE key = 'commission_rate_bp'`)) as { bp: number }[];
    return row?.bp ?? 0;
  }

  /** The platform's stall commission (basis points): a stall sale has no delivery to arrange, so it may cost less. */
  async stallRateBp(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row] = (await manager.query(`SELECT (value #>> '{}')::int AS bp FROM platform_settings WHERE key = 'stall_commission_rate_bp'`)) as {
      bp: number;
    }[];
    return row?.bp ?? 0;
  }

  /**
   * The commission rate (basis points) a seller's sale on this channel pays. Online: the seller's own
   * rate, else the platform's. Stall: the stall rate, but never more than what the seller would pay
   * online (a cooperative given a lower own rate keeps it at its stall too).
   */
  async commissionRateFor(manager: EntityManager, sellerId: number, channel: SalesChannel): Promise<number> {
    const [seller] = (await manager.query(`SELECT commission_rate_bp FROM sellers WHERE id = $1`, [sellerId])) as { commission_rate_bp: number | null }[];
    const online = seller?.commission_rate_bp ?? (await this.platformRateBp(manager));
    if (channel === 'online') return online;
    return Math.min(online, await this.stallRateBp(manager));
  }

  /** Sets the stall commission: at most the online rate (a stall is the cheaper channel). */
  async setStallRate(actor: Actor, rateBp: number): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      // Serialises against a concurrent change of either rate, so the "not above online" rule holds.
      await manager.query(`SELECT key FROM platform_settings WHERE key IN ('commission_rate_bp', 'stall_commission_rate_bp') ORDER BY key FOR UPDATE`);
      const online = await this.platformRateBp(manager);
      if (rateBp > online) {
        throw new ValidationError({
          stallRate: msg('payout.error.stallAboveOnline', { rate: String(online / 100).replace('.', ',') }),
        });
      }
      await this.writeRate(manager, actor, 'stall_commission_rate_bp', 'settings.stall_commission', await this.stallRateBp(manager), rateBp);
    });
  }

  async setPlatformRate(actor: Actor, rateBp: number): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.writeRate(manager, actor, 'commission_rate_bp', 'settings.commission', await this.platformRateBp(manager), rateBp);
    });
  }

  /** Stores a platform rate and audits the change, in the caller's transaction. */
  private async writeRate(manager: EntityManager, actor: Actor, key: string, action: string, before: number, rateBp: number): Promise<void> {
    await manager.query(
      `INSERT INTO platform_settings (key, value) VALUES ($1, to_jsonb($2::int))
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, rateBp],
    );
    await this.audit.record(manager, { actorUserId: actor.id, action, targetType: 'user', targetId: 'platform', details: { before, after: rateBp } });
  }

  async setSellerRate(actor: Actor, sellerId: number, rateBp: number | null): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.sellers.setCommissionRate(manager, sellerId, rateBp);
      await this.audit.record(manager, { actorUserId: actor.id, action: 'seller.commission', targetType: 'seller', targetId: sellerId, details: { rateBp } });
    });
  }

  /** Hook from the order module, in the delivering transaction: credit the part, take the commission. */
  async recordDelivered(manager: EntityManager, sellerOrderId: number): Promise<void> {
    const [part] = (await manager.query(
      `SELECT so.seller_id, so.items_total_vnd, so.total_vnd, o.status AS order_status, o.channel
       FROM seller_orders so JOIN orders o ON o.id = so.order_id WHERE so.id = $1`,
      [sellerOrderId],
    )) as { seller_id: number; items_total_vnd: number; total_vnd: number; order_status: string; channel: SalesChannel }[];
    // CASE: an order refunded in full while this parcel was on the road owes the cooperative nothing.
    if (!part || part.order_status === 'refunded') return;
    const rate = await this.commissionRateFor(manager, part.seller_id, part.channel);
    await manager.query(`INSERT INTO seller_ledger (seller_id, kind, amount_vnd, seller_order_id) VALUES ($1, 'sale', $2, $3) ON CONFLICT DO NOTHING`, [
      part.seller_id,
      part.total_vnd,
      sellerOrderId,
    ]);
    const commission = commissionFor(part.items_total_vnd, rate);
    if (commission > 0) {
      await manager.query(
        `INSERT INTO seller_ledger (seller_id, kind, amount_vnd, seller_order_id, rate_bp) VALUES ($1, 'commission', $2, $3, $4) ON CONFLICT DO NOTHING`,
        [part.seller_id, -commission, sellerOrderId, rate],
      );
    }
  }

  /**
   * Hook from the tax module, in the paying (or refunding) transaction: the part's withheld VAT and
   * PIT as debit lines, or their reversal as credit lines (`vatVnd`/`pitVnd` are the tax rows' sums:
   * positive withheld, negative reversed). One line per part and kind, written once.
   */
  async recordTax(
    manager: EntityManager,
    line: { sellerId: number; sellerOrderId: number; entry: 'withheld' | 'reversal'; vatVnd: number; pitVnd: number },
  ): Promise<void> {
    const suffix = line.entry === 'reversal' ? '_reversal' : '';
    for (const [kind, amount] of [
      [`tax_vat${suffix}`, line.vatVnd],
      [`tax_pit${suffix}`, line.pitVnd],
    ] as const) {
      if (amount === 0) continue;
      await manager.query(`INSERT INTO seller_ledger (seller_id, kind, amount_vnd, seller_order_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        line.sellerId,
        kind,
        -amount,
        line.sellerOrderId,
      ]);
    }
  }

  /** A withheld seller without a tax code or citizen ID: sales go on, payouts wait (Decree 117/2025). */
  async payoutsWait(sellerId: number, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [seller] = (await manager.query(
      `SELECT type, tax_withholding AS "taxWithholding", tax_code AS "taxCode", citizen_id AS "citizenId" FROM sellers WHERE id = $1`,
      [sellerId],
    )) as WithholdingSubject[];
    return Boolean(seller) && payoutsWaitForIdentification(seller);
  }

  /** Hook from payments: money given back for a part the cooperative was already credited for. */
  async recordRefund(manager: EntityManager, sellerOrderId: number, amountVnd: number): Promise<void> {
    const credited = (await manager.query(
      `SELECT kind, amount_vnd, seller_id, rate_bp FROM seller_ledger WHERE seller_order_id = $1 AND kind IN ('sale', 'commission')`,
      [sellerOrderId],
    )) as { kind: LedgerKind; amount_vnd: number; seller_id: number; rate_bp: number | null }[];
    const sale = credited.find((c) => c.kind === 'sale');
    if (!sale) return;
    await manager.query(`INSERT INTO seller_ledger (seller_id, kind, amount_vnd, seller_order_id) VALUES ($1, 'refund', $2, $3) ON CONFLICT DO NOTHING`, [
      sale.seller_id,
      -Math.min(amountVnd, sale.amount_vnd),
      sellerOrderId,
    ]);
    const commission = credited.find((c) => c.kind === 'commission');
    if (commission) {
      await manager.query(
        `INSERT INTO seller_ledger (seller_id, kind, amount_vnd, seller_order_id, rate_bp) VALUES ($1, 'commission_reversal', $2, $3, $4) ON CONFLICT DO NOTHING`,
        [sale.seller_id, -commission.amount_vnd, sellerOrderId, commission.rate_bp],
      );
    }
  }

  async balance(sellerId: number, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [{ balance }] = (await manager.query(`SELECT coalesce(sum(amount_vnd), 0)::bigint AS balance FROM seller_ledger WHERE seller_id = $1`, [
      sellerId,
    ])) as {
      balance: number;
    }[];
    return balance;
  }

  async ledger(sellerId: number, limit = 500): Promise<LedgerEntry[]> {
    const rows = (await this.dataSource.query(
      `SELECT l.id, l.kind, l.amount_vnd AS "amountVnd", o.code AS "orderCode", l.rate_bp AS "rateBp",
              coalesce(l.note, p.bank_reference) AS note, l.created_at AS "createdAt"
       FROM seller_ledger l
       LEFT JOIN seller_orders so ON so.id = l.seller_order_id LEFT JOIN orders o ON o.id = so.order_id
       LEFT JOIN payouts p ON p.id = l.payout_id
       WHERE l.seller_id = $1 ORDER BY l.id DESC LIMIT $2`,
      [sellerId, limit],
    )) as Omit<LedgerEntry, 'kindLabel'>[];
    return rows.map((r) => ({ ...r, kindLabel: LEDGER_KIND_LABELS[r.kind] }));
  }

  /** The cooperative's own page: balance and ledger. */
  async ownStatement(actor: Actor): Promise<{ sellerId: number; balanceVnd: number; entries: LedgerEntry[]; rateBp: number; payoutsWait: boolean }> {
    if (actor.role !== 'seller') throw new ForbiddenError();
    const [seller] = (await this.dataSource.query(`SELECT id, commission_rate_bp FROM sellers WHERE owner_user_id = $1`, [actor.id])) as {
      id: number;
      commission_rate_bp: number | null;
    }[];
    if (!seller) throw new NotFoundError(msg('seller.error.noProfile'));
    return {
      sellerId: seller.id,
      balanceVnd: await this.balance(seller.id),
      entries: await this.ledger(seller.id),
      rateBp: seller.commission_rate_bp ?? (await this.platformRateBp()),
      payoutsWait: await this.payoutsWait(seller.id),
    };
  }

  async balances(actor: Actor): Promise<SellerBalanceRow[]> {
    assertAdmin(actor);
    const rows = (await this.dataSource.query(
      `SELECT s.id AS "sellerId", s.name AS "sellerName", s.commission_rate_bp AS "commissionRateBp",
              coalesce(sum(l.amount_vnd), 0)::bigint AS "balanceVnd",
              coalesce(-sum(l.amount_vnd) FILTER (WHERE l.kind = 'payout'), 0)::bigint AS "paidOutVnd",
              s.type, s.tax_withholding AS "taxWithholding", s.tax_code AS "taxCode", s.citizen_id AS "citizenId"
       FROM sellers s LEFT JOIN seller_ledger l ON l.seller_id = s.id
       WHERE s.status IN ('approved', 'suspended') OR l.id IS NOT NULL
       GROUP BY s.id ORDER BY "balanceVnd" DESC, s.name`,
    )) as (Omit<SellerBalanceRow, 'payoutsWait'> & WithholdingSubject)[];
    return rows.map(({ type, taxWithholding, taxCode, citizenId, ...row }) => ({
      ...row,
      payoutsWait: payoutsWaitForIdentification({ type, taxWithholding, taxCode, citizenId }),
    }));
  }

  async statementForAdmin(actor: Actor, sellerId: number) {
    assertAdmin(actor);
    const [seller] = (await this.dataSource.query(
      `SELECT id, name, commission_rate_bp AS "commissionRateBp", bank_bin AS "bankBin", bank_account_no AS "bankAccountNo", bank_account_name AS "bankAccountName"
       FROM sellers WHERE id = $1`,
      [sellerId],
    )) as { id: number; name: string; commissionRateBp: number | null; bankBin: string | null; bankAccountNo: string | null; bankAccountName: string | null }[];
    if (!seller) throw new NotFoundError(msg('admin.error.sellerNotFound'));
    return {
      seller,
      balanceVnd: await this.balance(sellerId),
      entries: await this.ledger(sellerId),
      platformRateBp: await this.platformRateBp(),
      payoutsWait: await this.payoutsWait(sellerId),
    };
  }

  /** An admin records money sent to the cooperative: never more than it is owed, never the same bank reference twice. */
  async recordPayout(actor: Actor, sellerId: number, input: { amountVnd: number; bankReference: string; paidOn: string; note?: string }): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const [seller] = (await manager.query(`SELECT id FROM sellers WHERE id = $1 FOR UPDATE`, [sellerId])) as unknown[];
      if (!seller) throw new NotFoundError(msg('admin.error.sellerNotFound'));
      if (await this.payoutsWait(sellerId, manager)) throw new ConflictError(PAYOUTS_WAIT_MESSAGE, 'payouts_wait_for_identification');
      const balance = await this.balance(sellerId, manager);
      if (input.amountVnd > balance) {
        throw new ValidationError({ amountVnd: msg('payout.error.aboveBalance', { balance: balance.toLocaleString('vi-VN') }) });
      }
      const [payout] = (await manager.query(
        `INSERT INTO payouts (seller_id, amount_vnd, bank_reference, paid_on, note, actor_user_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (seller_id, bank_reference) DO NOTHING RETURNING id`,
        [sellerId, input.amountVnd, input.bankReference, input.paidOn, input.note || null, actor.id],
      )) as { id: number }[];
      if (!payout) throw new ConflictError(msg('payout.error.duplicateReference'));
      await manager.query(`INSERT INTO seller_ledger (seller_id, kind, amount_vnd, payout_id, note) VALUES ($1, 'payout', $2, $3, $4)`, [
        sellerId,
        -input.amountVnd,
        payout.id,
        input.bankReference,
      ]);
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'seller.payout',
        targetType: 'seller',
        targetId: sellerId,
        reason: input.bankReference,
        details: { amountVnd: input.amountVnd, paidOn: input.paidOn },
      });
    });
  }
}
