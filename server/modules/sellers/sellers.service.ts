import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors';
import { msg } from '../../rendering/i18n';
import { uniqueSlug } from '../../db/unique-slug';
import { ACTING_LIMIT_MESSAGE, assertAdmin, type AccountsService, type Actor, type SessionUser } from '../accounts';
import type { AuditEntry, AuditService } from '../audit';
import type { TaxWithholdingMode } from '../tax';
import { SELLER_TRANSITIONS, type SellerDecision } from './seller-state';
import { SELLER_COLUMNS, SELLER_STATUSES, type Seller, type SellerStatus } from './seller.entity';
import type { SellerApplicationInput, SellerProfileInput, TaxIdentificationInput } from './sellers.schemas';

/** Paths under /sellers/ that a storefront slug must never take. */
const RESERVED_SLUGS = new Set(['apply', 'new', 'edit', 'admin', 'seller', 'api']);

/** What a suspended cooperative reads wherever it tries to change something (a message token). */
export const SUSPENDED_NOTICE = msg('seller.error.suspended');

/** Why a cooperative in this status may not sell or change anything. */
function notSelling(status: SellerStatus | undefined): ForbiddenError {
  return new ForbiddenError(status === 'suspended' ? SUSPENDED_NOTICE : msg('seller.error.notApproved'));
}

/** What the orders module does, in the suspending transaction, with a suspended cooperative's orders. */
export type SuspensionHandler = (
  manager: EntityManager,
  seller: { id: number; name: string },
  actorUserId: number,
  reason: string,
) => Promise<{ cancelled: string[]; flagged: string[] }>;

/** A seller application whose email is optional (a household onboarded by a digital team signs in with its phone). */
export type HouseholdApplication = Omit<SellerApplicationInput, 'email'> & { email?: string };

export interface SellerOwnerView {
  seller: Seller;
  owner: { id: number; fullName: string; email: string; phone: string | null };
  /** The digital team that helped the household apply, if one did. */
  onboardedByTeam: string | null;
}

export class SellersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    /** The orders module's settlement of a suspended cooperative's orders (OrderLifecycle.settleForSuspendedSeller). */
    private readonly settleSuspended: SuspensionHandler,
  ) {}

  private profileColumns(input: SellerProfileInput) {
    return {
      name: input.cooperativeName,
      type: input.type,
      commune: input.commune,
      address: input.address,
      description: input.description,
      taxCode: input.taxCode ?? null,
      citizenId: input.citizenId ?? null,
      bankBin: input.bankBin ?? null,
      bankAccountNo: input.bankAccountNo ?? null,
      bankAccountName: input.bankAccountName ?? null,
    };
  }

  /** A new seller account and its cooperative profile, pending review. Role and status are ours to set. */
  async apply(input: SellerApplicationInput): Promise<SessionUser> {
    return this.dataSource.transaction(async (manager) => {
      const { user, sellerId } = await this.createApplication(manager, input, null);
      await this.audit.record(manager, { actorUserId: user.id, action: 'seller.applied', targetType: 'seller', targetId: sellerId });
      return { id: user.id, email: user.email, fullName: user.fullName, phone: user.phone, role: user.role };
    });
  }

  /**
   * In the digital team's transaction (TeamsService.onboardHousehold): a household's seller account, which signs in
   * with its phone (email optional), and its profile pending the normal review, marked as onboarded by the team.
   */
  async applyForHousehold(manager: EntityManager, input: HouseholdApplication, teamId: number): Promise<{ userId: number; sellerId: number }> {
    const { user, sellerId } = await this.createApplication(manager, input, teamId);
    return { userId: user.id, sellerId };
  }

  private async createApplication(manager: EntityManager, input: HouseholdApplication, onboardedByTeamId: number | null) {
    const user = await this.accounts.createUser(manager, input, 'seller', { phoneSignIn: onboardedByTeamId !== null });
    const cols = this.profileColumns(input);
    const slug = await uniqueSlug(manager, 'sellers', input.cooperativeName, RESERVED_SLUGS);
    const [seller] = (await manager.query(
      `INSERT INTO sellers (owner_user_id, name, slug, type, commune, address, description, phone, tax_code,
         bank_bin, bank_account_no, bank_account_name, citizen_id, status, onboarded_by_team_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14) RETURNING id`,
      [
        user.id,
        cols.name,
        slug,
        cols.type,
        cols.commune,
        cols.address,
        cols.description,
        input.phone,
        cols.taxCode,
        cols.bankBin,
        cols.bankAccountNo,
        cols.bankAccountName,
        cols.citizenId,
        onboardedByTeamId,
      ],
    )) as { id: number }[];
    return { user, sellerId: seller.id };
  }

  /** The actor's own cooperative, or the household a team member is acting for. */
  async findOwnSeller(actor: Actor): Promise<Seller | null> {
    const [seller] = (
      actor.actingForSellerId !== undefined
        ? await this.dataSource.query(`SELECT ${SELLER_COLUMNS} FROM sellers WHERE id = $1`, [actor.actingForSellerId])
        : await this.dataSource.query(`SELECT ${SELLER_COLUMNS} FROM sellers WHERE owner_user_id = $1`, [actor.id])
    ) as Seller[];
    return seller ?? null;
  }

  async getOwnSeller(actor: Actor): Promise<Seller> {
    const seller = await this.findOwnSeller(actor);
    if (!seller) throw new NotFoundError(msg('seller.error.noProfile'));
    return seller;
  }

  /** The actor's cooperative, which must be approved to sell or change anything (products, orders, settings). */
  async activeSeller(actor: Actor): Promise<Seller> {
    if (actor.role !== 'seller' && actor.actingForSellerId === undefined) throw new ForbiddenError();
    const seller = await this.getOwnSeller(actor);
    if (seller.status !== 'approved') throw notSelling(seller.status);
    return seller;
  }

  /** Every write in the seller area passes here first: a suspended cooperative changes nothing. */
  async assertNotSuspended(actor: Actor): Promise<void> {
    const seller = await this.findOwnSeller(actor);
    if (seller?.status === 'suspended') throw notSelling(seller.status);
  }

  /**
   * In a write's transaction, before anything else: holds the cooperative's row (FOR SHARE), so a
   * suspension at the same instant either waits for the write or is seen by it, never slips between.
   */
  async lockActiveSeller(manager: EntityManager, sellerId: number): Promise<void> {
    const [row] = (await manager.query(`SELECT status FROM sellers WHERE id = $1 FOR SHARE`, [sellerId])) as { status: SellerStatus }[];
    if (row?.status !== 'approved') throw notSelling(row?.status);
  }

  /**
   * A write in the seller area by a digital-team member acting for the household (issue 19): one audit row in the
   * write's transaction naming both, the member as actor and the household as target ("thay mặt"). Nothing otherwise.
   */
  async recordActedFor(manager: EntityManager, actor: Actor, sellerId: number, what: string, details: Record<string, unknown> = {}): Promise<void> {
    if (actor.actingForSellerId === undefined) return;
    await this.audit.record(manager, {
      actorUserId: actor.id,
      action: 'team.acted_for',
      targetType: 'seller',
      targetId: sellerId,
      details: { what, ...details, onBehalfOfSellerId: sellerId },
    });
  }

  /** A rejected cooperative corrects its profile and goes back to the review queue. */
  async resubmit(actor: Actor, input: SellerProfileInput): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [seller] = (await manager.query(`SELECT id, status FROM sellers WHERE owner_user_id = $1`, [actor.id])) as Pick<Seller, 'id' | 'status'>[];
      if (!seller) throw new NotFoundError(msg('seller.error.noProfile'));
      if (seller.status === 'suspended') throw notSelling(seller.status);
      const rule = SELLER_TRANSITIONS.resubmit;
      const cols = this.profileColumns(input);
      const result = await manager.query(
        `UPDATE sellers SET name = $2, type = $3, commune = $4, address = $5, description = $6, tax_code = $7,
           bank_bin = $8, bank_account_no = $9, bank_account_name = $10, status = $11, status_reason = NULL,
           citizen_id = $13, submitted_at = now(), updated_at = now()
         WHERE id = $1 AND status = ANY($12)`,
        [
          seller.id,
          cols.name,
          cols.type,
          cols.commune,
          cols.address,
          cols.description,
          cols.taxCode,
          cols.bankBin,
          cols.bankAccountNo,
          cols.bankAccountName,
          rule.to,
          rule.from,
          cols.citizenId,
        ],
      );
      if (result[1] !== 1) throw new ConflictError(msg('seller.error.onlyRejected'));
      await this.audit.record(manager, { actorUserId: actor.id, action: 'seller.resubmitted', targetType: 'seller', targetId: seller.id });
    });
  }

  /**
   * The cooperative's own delivery terms: a flat fee per order, free from an optional amount. The
   * shipping module calls it in the transaction that also writes the cooperative's zone table (`manager`).
   */
  async updateShipping(
    actor: Actor,
    input: { shippingFeeVnd: number; freeShippingThresholdVnd?: number },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const seller = await this.activeSeller(actor);
    // Conditional on the status: a suspension committed since the check above wins.
    const [, changed] = (await manager.query(
      `UPDATE sellers SET shipping_fee_vnd = $2, free_shipping_threshold_vnd = $3, updated_at = now() WHERE id = $1 AND status = 'approved'`,
      [seller.id, input.shippingFeeVnd, input.freeShippingThresholdVnd ?? null],
    )) as [unknown, number];
    if (changed !== 1) throw notSelling('suspended');
  }

  /**
   * The seller's own tax code and/or citizen ID (Decree 117/2025), without resubmitting the profile:
   * a withheld seller's payouts wait until one is given. Refused while suspended, like every write.
   */
  async updateTaxIdentification(actor: Actor, input: TaxIdentificationInput): Promise<void> {
    if (actor.actingForSellerId !== undefined) throw new ForbiddenError(ACTING_LIMIT_MESSAGE);
    if (actor.role !== 'seller') throw new ForbiddenError();
    const seller = await this.getOwnSeller(actor);
    // Conditional on the status: a suspension committed since the middleware's check wins.
    const [, changed] = (await this.dataSource.query(
      `UPDATE sellers SET tax_code = $2, citizen_id = $3, updated_at = now() WHERE id = $1 AND status <> 'suspended'`,
      [seller.id, input.taxCode ?? null, input.citizenId ?? null],
    )) as [unknown, number];
    if (changed !== 1) throw notSelling('suspended');
  }

  /**
   * An admin's override of who is withheld (e.g. a household registered as an enterprise): 'withhold'
   * or 'exempt' with a reason, or back to 'by_type'. Applies to payments from now on; the audit row
   * (with the previous mode) is written in the same transaction.
   */
  async setTaxWithholding(actor: Actor, id: number, mode: TaxWithholdingMode, reason: string): Promise<void> {
    assertAdmin(actor);
    const why = reason.trim();
    if (mode !== 'by_type' && !why) {
      throw new ValidationError({ reason: msg('admin.error.taxReason') });
    }
    await this.dataSource.transaction(async (manager) => {
      const [current] = (await manager.query(`SELECT tax_withholding AS "taxWithholding" FROM sellers WHERE id = $1 FOR UPDATE`, [id])) as Pick<
        Seller,
        'taxWithholding'
      >[];
      if (!current) throw new NotFoundError(msg('admin.error.sellerNotFound'));
      await manager.query(`UPDATE sellers SET tax_withholding = $2, tax_withholding_reason = $3, updated_at = now() WHERE id = $1`, [
        id,
        mode,
        mode === 'by_type' ? null : why,
      ]);
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'seller.tax-withholding',
        targetType: 'seller',
        targetId: id,
        reason: why || null,
        details: { from: current.taxWithholding, to: mode },
      });
    });
  }

  /**
   * The platform's commission on this cooperative's sales (null: the platform-wide rate), in the
   * caller's transaction: payouts decides it and writes the audit row.
   */
  async setCommissionRate(manager: EntityManager, sellerId: number, rateBp: number | null): Promise<void> {
    const [rows] = (await manager.query(`UPDATE sellers SET commission_rate_bp = $2, updated_at = now() WHERE id = $1 RETURNING id`, [sellerId, rateBp])) as [
      unknown[],
      number,
    ];
    if (rows.length === 0) throw new NotFoundError(msg('admin.error.sellerNotFound'));
  }

  async countsByStatus(actor: Actor): Promise<Record<SellerStatus, number>> {
    assertAdmin(actor);
    const rows = (await this.dataSource.query(`SELECT status, count(*)::int AS n FROM sellers GROUP BY status`)) as { status: SellerStatus; n: number }[];
    const counts = Object.fromEntries(SELLER_STATUSES.map((s) => [s, 0])) as Record<SellerStatus, number>;
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  async listForAdmin(actor: Actor, status?: SellerStatus): Promise<(Seller & { productCount: number; onboardedByTeam: string | null })[]> {
    assertAdmin(actor);
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.name, s.slug, s.type, s.commune, s.status, s.status_reason AS "statusReason", s.submitted_at AS "submittedAt",
              (SELECT count(*)::int FROM products p WHERE p.seller_id = s.id) AS "productCount",
              (SELECT t.name FROM digital_teams t WHERE t.id = s.onboarded_by_team_id) AS "onboardedByTeam"
       FROM sellers s ${status ? 'WHERE s.status = $1' : ''}
       ORDER BY s.status = 'pending' DESC, s.submitted_at ASC, s.id ASC LIMIT 500`,
      status ? [status] : [],
    )) as (Seller & { productCount: number; onboardedByTeam: string | null })[];
    return rows;
  }

  async getForAdmin(actor: Actor, id: number): Promise<SellerOwnerView & { history: AuditEntry[] }> {
    assertAdmin(actor);
    const [seller] = (await this.dataSource.query(`SELECT ${SELLER_COLUMNS} FROM sellers WHERE id = $1`, [id])) as Seller[];
    if (!seller) throw new NotFoundError(msg('admin.error.sellerNotFound'));
    const [owner] = (await this.dataSource.query(`SELECT id, full_name AS "fullName", email, phone FROM users WHERE id = $1`, [
      seller.ownerUserId,
    ])) as SellerOwnerView['owner'][];
    const [team] = (await this.dataSource.query(`SELECT t.name FROM sellers s JOIN digital_teams t ON t.id = s.onboarded_by_team_id WHERE s.id = $1`, [
      id,
    ])) as { name: string }[];
    return { seller, owner, onboardedByTeam: team?.name ?? null, history: await this.audit.forTarget('seller', id) };
  }

  /**
   * approve | reject | suspend | reinstate. A conditional update moves the status only from the
   * states the transition table allows, and the audit row is written in the same transaction.
   */
  async decide(actor: Actor, id: number, decision: SellerDecision, reason: string): Promise<void> {
    assertAdmin(actor);
    const rule = SELLER_TRANSITIONS[decision];
    if (rule.reasonRequired && !reason.trim()) {
      throw new ValidationError({ reason: msg('admin.error.reasonRequired') });
    }
    await this.dataSource.transaction(async (manager) => {
      const result = (await manager.query(
        `UPDATE sellers SET status = $2, status_reason = $3, reviewed_at = now(), updated_at = now()
         WHERE id = $1 AND status = ANY($4) RETURNING name`,
        [id, rule.to, reason.trim() || null, rule.from],
      )) as [{ name: string }[], number];
      if (result[1] !== 1) {
        const [exists] = (await manager.query(`SELECT 1 FROM sellers WHERE id = $1`, [id])) as unknown[];
        if (!exists) throw new NotFoundError(msg('admin.error.sellerNotFound'));
        throw new ConflictError(msg('admin.error.notNow'));
      }
      // A suspended cooperative can neither ship nor be paid: its open orders are settled in this
      // same transaction, which holds its row, so no seller write slips in between.
      const settled = decision === 'suspend' ? await this.settleSuspended(manager, { id, name: result[0][0].name }, actor.id, reason.trim()) : undefined;
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: `seller.${decision}`,
        targetType: 'seller',
        targetId: id,
        reason: reason.trim() || null,
        details: settled ? { cancelledOrders: settled.cancelled, flaggedOrders: settled.flagged } : undefined,
      });
    });
  }
}
