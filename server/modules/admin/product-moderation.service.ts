import type { DataSource } from 'typeorm';
import { SqlParams, whereAll } from '../../db/sql-params';
import { ValidationError } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import { todayInVietnam } from '../../lib/dates';
import { escapeLike, foldVietnamese } from '../../lib/text';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import { OCOP_CLAIM_WHERE, canMoveOcopClaim, canMoveProduct, ocopClaimState, type OcopClaimState, type ProductService, type ProductStatus } from '../catalog';
import { msg } from '../../rendering/i18n';

export interface ProductModerationFilter {
  sellerId?: number;
  status?: ProductStatus;
  ocop?: Exclude<OcopClaimState, 'none'>;
  q?: string;
}

export interface AdminProductRow {
  id: number;
  name: string;
  slug: string;
  status: ProductStatus;
  priceVnd: number;
  stock: number;
  sellerId: number;
  sellerName: string;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string;
  ocopStars: number | null;
  ocopCertificateNo: string | null;
  ocopDecisionDate: string | null;
  ocopVerified: boolean;
  ocopValidUntil: string | null;
  ocopExpired: boolean;
  /** Carried by the verify form: the verification applies to this version of the claim only. */
  ocopClaimVersion: number;
  hiddenReason: string | null;
  /** The moves the transition tables allow from this row's states (the page offers only these). */
  canHide: boolean;
  canRestore: boolean;
  canVerifyOcop: boolean;
}

/**
 * Admin decisions about listings: who may decide and the audit row (same transaction) are here; the
 * product rows change only through the products owner (catalog's ProductService).
 */
export class ProductModerationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly products: ProductService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Listings for moderation. `ocop=expired` lists verified certificates past their 36 months: the
   * badge is already gone (the catalogue checks the date), and they wait here for follow-up.
   */
  async list(actor: Actor, filter: ProductModerationFilter): Promise<AdminProductRow[]> {
    assertAdmin(actor);
    const params = new SqlParams();
    const today = params.add(todayInVietnam(this.clock.now()));
    const clauses: string[] = [];
    if (filter.sellerId) clauses.push(`p.seller_id = ${params.add(filter.sellerId)}`);
    if (filter.status) clauses.push(`p.status = ${params.add(filter.status)}`);
    if (filter.q) clauses.push(`p.search_name LIKE '%' || ${params.add(escapeLike(foldVietnamese(filter.q)))} || '%'`);
    if (filter.ocop === 'pending') clauses.push(OCOP_CLAIM_WHERE.pending());
    if (filter.ocop === 'verified' || filter.ocop === 'expired') clauses.push(OCOP_CLAIM_WHERE[filter.ocop](today));
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.name, p.slug, p.status, p.hidden_reason AS "hiddenReason", p.price_vnd AS "priceVnd", p.stock, p.seller_id AS "sellerId", s.name AS "sellerName",
              p.ocop_stars AS "ocopStars", p.ocop_certificate_no AS "ocopCertificateNo", p.ocop_decision_date AS "ocopDecisionDate",
              p.ocop_verified AS "ocopVerified", p.ocop_valid_until AS "ocopValidUntil",
              (${OCOP_CLAIM_WHERE.expired(today)}) AS "ocopExpired",
              p.ocop_claim_version AS "ocopClaimVersion", c.code AS "categoryCode", c.name_vi AS "categoryName", c.name_en AS "categoryNameEn"
       FROM products p JOIN sellers s ON s.id = p.seller_id JOIN categories c ON c.id = p.category_id
       ${whereAll(clauses)}
       ORDER BY p.id DESC LIMIT 500`,
      params.values,
    )) as Omit<AdminProductRow, 'canHide' | 'canRestore' | 'canVerifyOcop'>[];
    const now = this.clock.now();
    return rows.map((r) => ({
      ...r,
      canHide: canMoveProduct('hide', r.status),
      canRestore: canMoveProduct('restore', r.status),
      canVerifyOcop: canMoveOcopClaim('verify', ocopClaimState(r, now)),
    }));
  }

  /** Takes a listing down at once (catalogue, search, API); the seller sees the reason. */
  async hide(actor: Actor, productId: number, reason: string): Promise<void> {
    assertAdmin(actor);
    if (!reason.trim()) throw new ValidationError({ reason: msg('admin.error.hideReason') });
    await this.dataSource.transaction(async (manager) => {
      await this.products.hide(manager, productId, reason.trim());
      await this.audit.record(manager, { actorUserId: actor.id, action: 'product.hide', targetType: 'product', targetId: productId, reason: reason.trim() });
    });
  }

  /** Back to what it was before hiding (a draft stays a draft: restoring never publishes). */
  async restore(actor: Actor, productId: number, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.products.restore(manager, productId);
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'product.restore',
        targetType: 'product',
        targetId: productId,
        reason: reason.trim() || null,
      });
    });
  }

  /**
   * The OCOP badge shows only after this: the admin has checked the certificate against its decision.
   * It verifies the claim version the admin was shown, never a later one (ProductService.verifyOcop).
   */
  async verifyOcop(actor: Actor, productId: number, claimVersion: number, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const claim = await this.products.verifyOcop(manager, productId, claimVersion, actor.id);
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'product.verify-ocop',
        targetType: 'product',
        targetId: productId,
        reason: reason.trim() || null,
        details: { ...claim, claimVersion },
      });
    });
  }
}
