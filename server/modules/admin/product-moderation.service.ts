import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import { todayInVietnam } from '../../lib/dates';
import { escapeLike, foldVietnamese } from '../../lib/text';
import { assertAdmin, type Actor } from '../accounts/actor';
import type { AuditService } from '../audit';

export interface ProductModerationFilter {
  sellerId?: number;
  status?: 'draft' | 'active' | 'hidden';
  ocop?: 'pending' | 'verified' | 'expired';
  q?: string;
}

export interface AdminProductRow {
  id: number;
  name: string;
  slug: string;
  status: string;
  priceVnd: number;
  stock: number;
  sellerId: number;
  sellerName: string;
  categoryCode: string;
  categoryName: string;
  ocopStars: number | null;
  ocopCertificateNo: string | null;
  ocopDecisionDate: string | null;
  ocopVerified: boolean;
  ocopValidUntil: string | null;
  ocopExpired: boolean;
  /** Carried by the verify form: the verification applies to this version of the claim only. */
  ocopClaimVersion: number;
  hiddenReason: string | null;
}

/** Admin decisions about listings; each one is audited in the same transaction. */
export class ProductModerationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Listings for moderation. `ocop=expired` lists verified certificates past their 36 months: the
   * badge is already gone (the catalogue checks the date), and they wait here for follow-up.
   */
  async list(actor: Actor, filter: ProductModerationFilter): Promise<AdminProductRow[]> {
    assertAdmin(actor);
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      clauses.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (filter.sellerId) add('p.seller_id = ?', filter.sellerId);
    if (filter.status) add('p.status = ?', filter.status);
    if (filter.q) add(`p.search_name LIKE '%' || ? || '%'`, escapeLike(foldVietnamese(filter.q)));
    if (filter.ocop === 'pending') clauses.push('p.ocop_stars IS NOT NULL AND NOT p.ocop_verified');
    if (filter.ocop === 'verified') add('p.ocop_verified AND p.ocop_valid_until >= ?::date', todayInVietnam(this.clock.now()));
    if (filter.ocop === 'expired') add('p.ocop_verified AND p.ocop_valid_until < ?::date', todayInVietnam(this.clock.now()));
    return this.dataSource.query(
      `SELECT p.id, p.name, p.slug, p.status, p.hidden_reason AS "hiddenReason", p.price_vnd AS "priceVnd", p.stock, p.seller_id AS "sellerId", s.name AS "sellerName",
              p.ocop_stars AS "ocopStars", p.ocop_certificate_no AS "ocopCertificateNo", p.ocop_decision_date AS "ocopDecisionDate",
              p.ocop_verified AS "ocopVerified", p.ocop_valid_until AS "ocopValidUntil",
              (p.ocop_verified AND p.ocop_valid_until < $${params.length + 1}::date) AS "ocopExpired",
              p.ocop_claim_version AS "ocopClaimVersion", c.code AS "categoryCode", c.name_vi AS "categoryName"
       FROM products p JOIN sellers s ON s.id = p.seller_id JOIN categories c ON c.id = p.category_id
       ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
       ORDER BY p.id DESC LIMIT 500`,
      [...params, todayInVietnam(this.clock.now())],
    );
  }

  /** Takes a listing down at once (catalogue, search, API); the seller sees the reason. */
  async hide(actor: Actor, productId: number, reason: string): Promise<void> {
    assertAdmin(actor);
    if (!reason.trim()) throw new ValidationError({ reason: 'Vui lòng ghi lý do để hợp tác xã biết cần sửa gì.' });
    await this.dataSource.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE products SET status_before_hidden = status, status = 'hidden', hidden_reason = $2, updated_at = now()
         WHERE id = $1 AND status IN ('draft', 'active') RETURNING id`,
        [productId, reason.trim()],
      )) as [unknown[], number];
      if (rows.length === 0) await this.explainMiss(manager, productId, 'Sản phẩm này đang bị ẩn.');
      await this.audit.record(manager, { actorUserId: actor.id, action: 'product.hide', targetType: 'product', targetId: productId, reason: reason.trim() });
    });
  }

  /** Back to what it was before hiding (a draft stays a draft: restoring never publishes). */
  async restore(actor: Actor, productId: number, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE products SET status = coalesce(status_before_hidden, 'draft'), status_before_hidden = NULL, hidden_reason = NULL, updated_at = now()
         WHERE id = $1 AND status = 'hidden' RETURNING id`,
        [productId],
      )) as [unknown[], number];
      if (rows.length === 0) await this.explainMiss(manager, productId, 'Sản phẩm này không bị ẩn.');
      await this.audit.record(manager, { actorUserId: actor.id, action: 'product.restore', targetType: 'product', targetId: productId, reason: reason.trim() || null });
    });
  }

  private async explainMiss(manager: EntityManager, productId: number, conflict: string): Promise<never> {
    const [exists] = (await manager.query(`SELECT 1 FROM products WHERE id = $1`, [productId])) as unknown[];
    if (!exists) throw new NotFoundError('Không tìm thấy sản phẩm này.');
    throw new ConflictError(conflict);
  }

  /**
   * The OCOP badge shows only after this: the admin has checked the certificate against its decision.
   * It verifies the claim version the admin was shown, never a later one: a cooperative that renamed
   * or regrouped the product in between gets a 409 and nothing changes.
   */
  async verifyOcop(actor: Actor, productId: number, claimVersion: number, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE products p SET ocop_verified = true, ocop_verified_at = now(), ocop_verified_by = $2, updated_at = now()
         FROM categories c
         WHERE p.id = $1 AND c.id = p.category_id AND p.ocop_claim_version = $3 AND NOT p.ocop_verified
           AND p.ocop_stars IS NOT NULL AND p.ocop_certificate_no IS NOT NULL AND p.ocop_decision_date IS NOT NULL
         RETURNING p.name, c.code AS category, p.ocop_stars, p.ocop_certificate_no, p.ocop_decision_date`,
        [productId, actor.id, claimVersion],
      )) as [{ name: string; category: string; ocop_stars: number; ocop_certificate_no: string; ocop_decision_date: string }[], number];
      if (rows.length === 0) {
        const [current] = (await manager.query(`SELECT ocop_verified, ocop_claim_version FROM products WHERE id = $1`, [productId])) as {
          ocop_verified: boolean;
          ocop_claim_version: number;
        }[];
        if (!current) throw new NotFoundError('Không tìm thấy sản phẩm này.');
        if (current.ocop_claim_version !== claimVersion) {
          throw new ConflictError(
            'Hợp tác xã vừa sửa thông tin chứng nhận OCOP của sản phẩm này (tên, nhóm, hạng sao, số giấy chứng nhận hoặc ngày quyết định) sau khi bạn mở trang. Chưa xác minh: hãy xem lại thông tin mới bên dưới rồi xác minh lại.',
            'stale_claim',
          );
        }
        throw new ConflictError(current.ocop_verified ? 'Chứng nhận OCOP này đã được xác minh.' : 'Sản phẩm chưa khai báo đủ chứng nhận OCOP để xác minh.');
      }
      const claim = rows[0];
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'product.verify-ocop',
        targetType: 'product',
        targetId: productId,
        reason: reason.trim() || null,
        details: {
          name: claim.name,
          category: claim.category,
          stars: claim.ocop_stars,
          certificateNo: claim.ocop_certificate_no,
          decisionDate: claim.ocop_decision_date,
          claimVersion,
        },
      });
    });
  }
}
