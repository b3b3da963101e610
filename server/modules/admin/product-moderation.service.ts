import type { DataSource } from 'typeorm';
import { ConflictError, ForbiddenError, NotFoundError } from '../../http/errors';
import type { Actor } from '../accounts/actor';
import type { AuditService } from '../audit';

export interface AdminProductRow {
  id: number;
  name: string;
  slug: string;
  status: string;
  priceVnd: number;
  stock: number;
  sellerId: number;
  sellerName: string;
  ocopStars: number | null;
  ocopCertificateNo: string | null;
  ocopDecisionDate: string | null;
  ocopVerified: boolean;
  ocopValidUntil: string | null;
}

function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new ForbiddenError();
}

/** Admin decisions about listings; each one is audited in the same transaction. */
export class ProductModerationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, filter: { ocop?: 'pending' | 'verified' }): Promise<AdminProductRow[]> {
    assertAdmin(actor);
    const where =
      filter.ocop === 'pending' ? 'WHERE p.ocop_stars IS NOT NULL AND NOT p.ocop_verified' : filter.ocop === 'verified' ? 'WHERE p.ocop_verified' : '';
    return this.dataSource.query(
      `SELECT p.id, p.name, p.slug, p.status, p.price_vnd AS "priceVnd", p.stock, p.seller_id AS "sellerId", s.name AS "sellerName",
              p.ocop_stars AS "ocopStars", p.ocop_certificate_no AS "ocopCertificateNo", p.ocop_decision_date AS "ocopDecisionDate",
              p.ocop_verified AS "ocopVerified", p.ocop_valid_until AS "ocopValidUntil"
       FROM products p JOIN sellers s ON s.id = p.seller_id ${where}
       ORDER BY p.id DESC LIMIT 500`,
    );
  }

  /** The OCOP badge shows only after this: the admin has checked the certificate against its decision. */
  async verifyOcop(actor: Actor, productId: number, reason: string): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE products SET ocop_verified = true, ocop_verified_at = now(), ocop_verified_by = $2, updated_at = now()
         WHERE id = $1 AND NOT ocop_verified
           AND ocop_stars IS NOT NULL AND ocop_certificate_no IS NOT NULL AND ocop_decision_date IS NOT NULL
         RETURNING ocop_stars, ocop_certificate_no, ocop_decision_date`,
        [productId, actor.id],
      )) as [{ ocop_stars: number; ocop_certificate_no: string; ocop_decision_date: string }[], number];
      if (rows.length === 0) {
        const [exists] = (await manager.query(`SELECT ocop_verified, ocop_stars FROM products WHERE id = $1`, [productId])) as {
          ocop_verified: boolean;
          ocop_stars: number | null;
        }[];
        if (!exists) throw new NotFoundError('Không tìm thấy sản phẩm này.');
        throw new ConflictError(exists.ocop_verified ? 'Chứng nhận OCOP này đã được xác minh.' : 'Sản phẩm chưa khai báo đủ chứng nhận OCOP để xác minh.');
      }
      const claim = rows[0];
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'product.verify-ocop',
        targetType: 'product',
        targetId: productId,
        reason: reason.trim() || null,
        details: { stars: claim.ocop_stars, certificateNo: claim.ocop_certificate_no, decisionDate: claim.ocop_decision_date },
      });
    });
  }
}
