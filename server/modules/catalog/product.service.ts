import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { uniqueSlug } from '../../db/unique-slug';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import { msg } from '../../rendering/i18n';
import { PRODUCT_COLUMNS, type Product } from './product.entity';
import { OCOP_CLAIM_COLUMNS, PRODUCT_TRANSITIONS, canMoveProduct, ocopClaimWhere, productsMovableBy, restoredStatus } from './product-state';

/** What a cooperative writes about a product (its form); stock goes through inventory's ledger instead. */
export interface ProductDetails {
  name: string;
  categoryId: number;
  description: string;
  priceVnd: number;
  unit: string;
  lowStockThreshold: number;
  ocopStars?: number | null;
  ocopCertificateNo?: string | null;
  ocopDecisionDate?: string | null;
  /** The seller's own code, unique per seller in any case; null clears it, undefined (an edit) keeps it. */
  sku?: string | null;
  /** One unit's packed weight for the shipping fee; undefined keeps it (an edit, an import) or takes 500 g (a new row). */
  weightGrams?: number;
}

/** A SKU another product of the seller already has: refused before writing (the unique index backs it). */
export const DUPLICATE_SKU_MESSAGE = msg('catalog.error.duplicateSku');

/** The claim as the admin verified it, for the audit row. */
export interface VerifiedClaim {
  name: string;
  category: string;
  stars: number;
  certificateNo: string;
  decisionDate: string;
}

/**
 * The only writer of a product row (its stock excepted: inventory's ledger statement). Every method
 * runs in the caller's transaction: who may act (the seller's scope, an admin) and the audit row are
 * the caller's; the moves themselves follow product-state.ts.
 */
export class ProductService {
  /** A new listing is a draft with an unverified claim. */
  async createDraft(manager: EntityManager, sellerId: number, details: ProductDetails): Promise<Product> {
    await this.assertSkuFree(manager, sellerId, details.sku, null);
    const insert = (slug: string, onConflict: string) =>
      manager.query(
        `INSERT INTO products AS p (seller_id, category_id, name, slug, description, price_vnd, unit, low_stock_threshold, status,
           ocop_stars, ocop_certificate_no, ocop_decision_date, ocop_verified, sku, weight_grams)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $11, false, $12, coalesce($13::integer, 500))
         ${onConflict} RETURNING ${PRODUCT_COLUMNS}`,
        [
          sellerId,
          details.categoryId,
          details.name,
          slug,
          details.description,
          details.priceVnd,
          details.unit,
          details.lowStockThreshold,
          details.ocopStars ?? null,
          details.ocopCertificateNo ?? null,
          details.ocopDecisionDate ?? null,
          details.sku ?? null,
          details.weightGrams ?? null,
        ],
      ) as Promise<Product[]>;
    const slug = await uniqueSlug(manager, 'products', details.name);
    // CASE: two products with the same name created at the same instant. ON CONFLICT rather than
    // catching the unique violation, which would abort the caller's transaction.
    const [product] = await insert(slug, 'ON CONFLICT (slug) DO NOTHING');
    return product ?? (await insert(`${slug}-${crypto.randomBytes(2).toString('hex')}`, ''))[0];
  }

  /**
   * Saves the form only if nobody saved since it was opened (`version`); false when nothing was saved
   * (not this seller's product, or a newer version). A change of anything in OCOP_CLAIM_COLUMNS is the
   * claim's `claim` move: verification gone, claim version + 1. Price, description, unit leave it alone.
   */
  async saveDetails(manager: EntityManager, ref: { productId: number; sellerId: number; version: number }, details: ProductDetails): Promise<boolean> {
    await this.assertSkuFree(manager, ref.sellerId, details.sku, ref.productId);
    const posted: Record<(typeof OCOP_CLAIM_COLUMNS)[number], string> = {
      name: '$4',
      category_id: '$5',
      ocop_stars: '$10',
      ocop_certificate_no: '$11',
      ocop_decision_date: '$12::date',
    };
    // SET expressions read the row as it was, so this compares the stored claim with the posted one.
    const claimUnchanged = OCOP_CLAIM_COLUMNS.map((column) => `${column} IS NOT DISTINCT FROM ${posted[column]}`).join(' AND ');
    const [rows] = (await manager.query(
      `UPDATE products SET
         name = $4, category_id = $5, description = $6, price_vnd = $7, unit = $8, low_stock_threshold = $9,
         ocop_stars = $10, ocop_certificate_no = $11, ocop_decision_date = $12,
         ocop_verified = ocop_verified AND ${claimUnchanged},
         ocop_verified_at = CASE WHEN ${claimUnchanged} THEN ocop_verified_at END,
         ocop_verified_by = CASE WHEN ${claimUnchanged} THEN ocop_verified_by END,
         ocop_claim_version = ocop_claim_version + CASE WHEN ${claimUnchanged} THEN 0 ELSE 1 END,
         sku = CASE WHEN $13 THEN $14 ELSE sku END,
         weight_grams = coalesce($15::integer, weight_grams),
         version = version + 1, updated_at = now()
       WHERE id = $1 AND seller_id = $2 AND version = $3
       RETURNING id`,
      [
        ref.productId,
        ref.sellerId,
        ref.version,
        details.name,
        details.categoryId,
        details.description,
        details.priceVnd,
        details.unit,
        details.lowStockThreshold,
        details.ocopStars ?? null,
        details.ocopCertificateNo ?? null,
        details.ocopDecisionDate ?? null,
        details.sku !== undefined,
        details.sku ?? null,
        details.weightGrams ?? null,
      ],
    )) as [{ id: number }[], number];
    return rows.length === 1;
  }

  /** `product` is the caller's row, locked FOR UPDATE; publishing a listing already on sale changes nothing. */
  async publish(manager: EntityManager, product: Product): Promise<void> {
    if (product.status === PRODUCT_TRANSITIONS.publish.to) return;
    if (!canMoveProduct('publish', product.status)) {
      throw new ConflictError(
        product.hiddenReason ? msg('catalog.error.hiddenByAdminReason', { reason: product.hiddenReason }) : msg('catalog.error.hiddenByAdmin'),
      );
    }
    if (product.priceVnd <= 0) throw new ConflictError(msg('catalog.error.publishNoPrice'));
    const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM product_images WHERE product_id = $1`, [product.id])) as { n: number }[];
    if (n === 0) throw new ConflictError(msg('catalog.error.publishNoPhoto'));
    await manager.query(
      `UPDATE products SET status = $2, published_at = coalesce(published_at, now()), updated_at = now() WHERE id = $1 AND status = ANY($3)`,
      [product.id, PRODUCT_TRANSITIONS.publish.to, productsMovableBy('publish')],
    );
  }

  /** Withdrawn by its cooperative. CASE: withdrawing a listing that is not on sale changes nothing. */
  async unpublish(manager: EntityManager, ref: { productId: number; sellerId: number }): Promise<void> {
    await manager.query(`UPDATE products SET status = $3, updated_at = now() WHERE id = $1 AND seller_id = $2 AND status = ANY($4)`, [
      ref.productId,
      ref.sellerId,
      PRODUCT_TRANSITIONS.unpublish.to,
      productsMovableBy('unpublish'),
    ]);
  }

  /** Off the catalogue, search and API at once; the seller sees `reason`. Remembers the status to restore. */
  async hide(manager: EntityManager, productId: number, reason: string): Promise<void> {
    const [rows] = (await manager.query(
      `UPDATE products SET status_before_hidden = status, status = $3, hidden_reason = $2, updated_at = now()
       WHERE id = $1 AND status = ANY($4) RETURNING id`,
      [productId, reason, PRODUCT_TRANSITIONS.hide.to, productsMovableBy('hide')],
    )) as [unknown[], number];
    if (rows.length === 0) await this.explainMiss(manager, productId, msg('catalog.error.alreadyHidden'));
  }

  async restore(manager: EntityManager, productId: number): Promise<void> {
    const [rows] = (await manager.query(
      `UPDATE products SET status = coalesce(status_before_hidden, $2), status_before_hidden = NULL, hidden_reason = NULL, updated_at = now()
       WHERE id = $1 AND status = ANY($3) RETURNING id`,
      [productId, restoredStatus(null), productsMovableBy('restore')],
    )) as [unknown[], number];
    if (rows.length === 0) await this.explainMiss(manager, productId, msg('catalog.error.notHidden'));
  }

  /**
   * The claim's `verify` move, for the claim version the admin was shown and never a later one: a
   * cooperative that renamed or regrouped the product in between gets a 409 and nothing changes.
   */
  async verifyOcop(manager: EntityManager, productId: number, claimVersion: number, adminUserId: number): Promise<VerifiedClaim> {
    const [rows] = (await manager.query(
      `UPDATE products p SET ocop_verified = true, ocop_verified_at = now(), ocop_verified_by = $2, updated_at = now()
       FROM categories c
       WHERE p.id = $1 AND c.id = p.category_id AND p.ocop_claim_version = $3 AND ${ocopClaimWhere('verify')}
         AND p.ocop_certificate_no IS NOT NULL AND p.ocop_decision_date IS NOT NULL
       RETURNING p.name, c.code AS category, p.ocop_stars AS stars, p.ocop_certificate_no AS "certificateNo", p.ocop_decision_date AS "decisionDate"`,
      [productId, adminUserId, claimVersion],
    )) as [VerifiedClaim[], number];
    if (rows.length === 1) return rows[0];
    const [current] = (await manager.query(`SELECT ocop_verified, ocop_claim_version FROM products WHERE id = $1`, [productId])) as {
      ocop_verified: boolean;
      ocop_claim_version: number;
    }[];
    if (!current) throw new NotFoundError(msg('catalog.error.productNotFound'));
    if (current.ocop_claim_version !== claimVersion) {
      throw new ConflictError(msg('catalog.error.staleClaim'), 'stale_claim');
    }
    throw new ConflictError(msg(current.ocop_verified ? 'catalog.error.claimAlreadyVerified' : 'catalog.error.claimIncomplete'));
  }

  /**
   * CASE: a SKU the seller already uses on another product. Checked first so the caller's transaction
   * stays usable; two saves racing for one SKU still meet products_seller_sku_key.
   */
  private async assertSkuFree(manager: EntityManager, sellerId: number, sku: string | null | undefined, productId: number | null): Promise<void> {
    if (!sku) return;
    const [taken] = (await manager.query(`SELECT 1 FROM products WHERE seller_id = $1 AND lower(sku) = lower($2) AND id IS DISTINCT FROM $3`, [
      sellerId,
      sku,
      productId,
    ])) as unknown[];
    if (taken) throw new ValidationError({ sku: DUPLICATE_SKU_MESSAGE });
  }

  private async explainMiss(manager: EntityManager, productId: number, conflict: string): Promise<never> {
    const [exists] = (await manager.query(`SELECT 1 FROM products WHERE id = $1`, [productId])) as unknown[];
    if (!exists) throw new NotFoundError(msg('catalog.error.productNotFound'));
    throw new ConflictError(conflict);
  }
}
