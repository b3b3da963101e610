import QRCode from 'qrcode';
import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors';
import type { Clock } from '../../lib/clock';
import { todayInVietnam } from '../../lib/dates';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { hasValidOcopBadge } from '../../lib/ocop';
import type { Actor } from '../accounts';
import { LISTED, ocopClaimState, type OcopClaimState } from '../catalog';
import type { StockService } from '../inventory';
import type { SellersService } from '../sellers';
import { LABEL_LAYOUTS, type LabelLayout } from './label-sheet';
import { newTraceCode } from './trace-code';
import type { LabelSize, NewBatchInput } from './traceability.schemas';
import { msg } from '../../rendering/i18n';

/** A batch (lô) as the seller's list, the trace page and the order page read it. */
export interface BatchView {
  id: number;
  productId: number;
  code: string;
  traceCode: string;
  /** YYYY-MM-DD (a calendar day, shown 26/11/2026). */
  producedOn: string;
  expiresOn: string | null;
  area: string;
  quantity: number;
  note: string;
  /** Shipped from this batch on seller orders not cancelled. */
  sold: number;
  /** quantity − sold, never below 0 (a seller may ship more than the batch recorded). */
  left: number;
  expired: boolean;
}

export interface TraceView {
  batch: BatchView;
  product: { name: string; slug: string; unit: string; listed: boolean };
  producer: { name: string; slug: string; commune: string; province: string; listed: boolean };
  /** The same shape and rules as the catalogue's OCOP view: the badge only for a verified certificate in its 36 months. */
  ocop: {
    stars: number | null;
    badge: boolean;
    expired: boolean;
    national: boolean;
    state: OcopClaimState;
    certificateNo: string | null;
    decisionDate: string | null;
    validUntil: string | null;
    issuer: string | null;
  };
  url: string;
}

export interface LabelSheet {
  product: { id: number; name: string };
  batch: BatchView;
  layout: LabelLayout;
  url: string;
  /** The QR of `url` as an SVG element (generated, no user text in it). */
  qrSvg: string;
}

/** What the seller may pick for an item being shipped: the product's batches, oldest first. */
export interface BatchChoice {
  id: number;
  code: string;
  producedOn: string;
  left: number;
  isDefault: boolean;
}

export interface ShipmentItem {
  id: number;
  productId: number;
  quantity: number;
}

const BATCH_COLUMNS = `b.id, b.product_id AS "productId", b.code, b.trace_code AS "traceCode", b.produced_on AS "producedOn",
  b.expires_on AS "expiresOn", b.area, b.quantity, b.note`;

/** What left a batch: items shipped from it, on parts and orders not cancelled (an unshipped item has no batch yet). */
const SOLD = `coalesce((SELECT sum(i.quantity) FROM order_items i JOIN seller_orders so ON so.id = i.seller_order_id JOIN orders o ON o.id = i.order_id
  WHERE i.batch_id = b.id AND so.status <> 'cancelled' AND o.status NOT IN ('cancelled', 'expired')), 0)::int AS sold`;

type BatchRow = Omit<BatchView, 'left' | 'expired'>;

/**
 * Batches (lô) of a cooperative's products and their public trace pages: the one writer of
 * `product_batches`. Every seller method resolves the seller from the actor and reads products and
 * batches through that seller's scope, so another seller's id is simply not found (404).
 */
export class TraceabilityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sellers: SellersService,
    /** A batch's quantity goes into stock through the ledger (reason `batch`) when the seller asks. */
    private readonly stock: StockService,
    private readonly clock: Clock,
    /** PUBLIC_URL: a printed QR must carry an absolute address. */
    private readonly publicUrl: string,
  ) {}

  /** Today in Vietnam (YYYY-MM-DD): the add form's default production date. */
  today(): string {
    return todayInVietnam(this.clock.now());
  }

  traceUrl(traceCode: string): string {
    return `${this.publicUrl}/trace/${traceCode}`;
  }

  private view(row: BatchRow): BatchView {
    const today = todayInVietnam(this.clock.now());
    return { ...row, left: Math.max(0, row.quantity - row.sold), expired: row.expiresOn !== null && row.expiresOn < today };
  }

  private async ownProduct(manager: EntityManager, sellerId: number, productId: number) {
    const [product] = (await manager.query(`SELECT id, name, slug, unit, stock FROM products WHERE id = $1 AND seller_id = $2`, [productId, sellerId])) as {
      id: number;
      name: string;
      slug: string;
      unit: string;
      stock: number;
    }[];
    if (!product) throw new NotFoundError(msg('seller.error.productNotFound'));
    return product;
  }

  /** The seller's page of one product's batches, newest first. */
  async productBatches(actor: Actor, productId: number) {
    const seller = await this.sellers.activeSeller(actor);
    const product = await this.ownProduct(this.dataSource.manager, seller.id, productId);
    const rows = (await this.dataSource.query(
      `SELECT ${BATCH_COLUMNS}, ${SOLD} FROM product_batches b WHERE b.product_id = $1 AND b.seller_id = $2 ORDER BY b.produced_on DESC, b.id DESC LIMIT 500`,
      [productId, seller.id],
    )) as BatchRow[];
    return { product, batches: rows.map((r) => this.view(r)) };
  }

  /**
   * Records a batch of the seller's own product, with a fresh trace code; with `addToStock` its
   * quantity goes into stock in the same transaction (one ledger row, reason `batch`, the code in
   * the note). A code the seller already used (any case) is refused with nothing written.
   */
  async createBatch(actor: Actor, productId: number, input: NewBatchInput): Promise<{ id: number; traceCode: string }> {
    const seller = await this.sellers.activeSeller(actor);
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.sellers.lockActiveSeller(manager, seller.id);
        await this.ownProduct(manager, seller.id, productId);
        const batch = await this.insertBatch(manager, seller.id, productId, input, actor.id);
        if (input.addToStock) {
          await this.stock.applyChange(manager, { productId, delta: input.quantity, reason: 'batch', note: `Lô ${input.code}`, actorUserId: actor.id });
        }
        await this.sellers.recordActedFor(manager, actor, seller.id, 'batch.create', { productId, batchId: batch.id });
        return batch;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'product_batches_seller_code_key')) {
        throw new ValidationError({ code: msg('trace.error.duplicateCode', { code: input.code }) });
      }
      throw err;
    }
  }

  /** The insert, drawing another trace code on the (astronomically rare) clash with an existing one. */
  private async insertBatch(manager: EntityManager, sellerId: number, productId: number, input: NewBatchInput, actorId: number) {
    for (let attempt = 1; ; attempt++) {
      const [row] = (await manager.query(
        `INSERT INTO product_batches (seller_id, product_id, code, trace_code, produced_on, expires_on, area, quantity, note, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (trace_code) DO NOTHING
         RETURNING id, trace_code AS "traceCode"`,
        [sellerId, productId, input.code, newTraceCode(), input.producedOn, input.expiresOn ?? null, input.area, input.quantity, input.note, actorId],
      )) as { id: number; traceCode: string }[];
      if (row) return row;
      if (attempt >= 5) throw new Error('no free trace code after 5 attempts');
    }
  }

  /** The public trace page of a batch, by its printed code in any case. */
  async trace(code: string): Promise<TraceView> {
    const [row] = (await this.dataSource.query(
      `SELECT ${BATCH_COLUMNS}, ${SOLD},
              p.name AS "productName", p.slug AS "productSlug", p.unit, (${LISTED}) AS "productListed",
              p.ocop_stars AS "ocopStars", p.ocop_verified AS "ocopVerified", p.ocop_valid_until AS "ocopValidUntil",
              p.ocop_certificate_no AS "certificateNo", p.ocop_decision_date AS "decisionDate", p.ocop_issuer AS "issuer",
              s.name AS "sellerName", s.slug AS "sellerSlug", s.commune, s.province, s.status = 'approved' AS "sellerListed"
       FROM product_batches b JOIN products p ON p.id = b.product_id JOIN sellers s ON s.id = b.seller_id
       WHERE b.trace_code = upper($1)`,
      [code],
    )) as (BatchRow & {
      productName: string;
      productSlug: string;
      unit: string;
      productListed: boolean;
      ocopStars: number | null;
      ocopVerified: boolean;
      ocopValidUntil: string | null;
      certificateNo: string | null;
      decisionDate: string | null;
      issuer: string | null;
      sellerName: string;
      sellerSlug: string;
      commune: string;
      province: string;
      sellerListed: boolean;
    })[];
    if (!row) throw new NotFoundError('public.error.traceNotFound');
    const now = this.clock.now();
    const claim = { ocopStars: row.ocopStars, ocopVerified: row.ocopVerified, ocopValidUntil: row.ocopValidUntil };
    const badge = hasValidOcopBadge(claim, now);
    return {
      batch: this.view(row),
      product: { name: row.productName, slug: row.productSlug, unit: row.unit, listed: row.productListed },
      producer: { name: row.sellerName, slug: row.sellerSlug, commune: row.commune, province: row.province, listed: row.sellerListed },
      ocop: {
        stars: row.ocopStars,
        badge,
        expired: row.ocopVerified && !!row.ocopValidUntil && row.ocopValidUntil < todayInVietnam(now),
        national: badge && row.ocopStars === 5,
        state: ocopClaimState(claim, now),
        certificateNo: row.certificateNo,
        decisionDate: row.decisionDate,
        validUntil: row.ocopValidUntil,
        issuer: row.issuer,
      },
      url: this.traceUrl(row.traceCode),
    };
  }

  /** A printable sheet of one batch's labels: only the owning seller's (another's → 404). */
  async labelSheet(actor: Actor, productId: number, batchId: number, size: LabelSize): Promise<LabelSheet> {
    const seller = await this.sellers.activeSeller(actor);
    const product = await this.ownProduct(this.dataSource.manager, seller.id, productId);
    const [row] = (await this.dataSource.query(
      `SELECT ${BATCH_COLUMNS}, ${SOLD} FROM product_batches b WHERE b.id = $1 AND b.product_id = $2 AND b.seller_id = $3`,
      [batchId, productId, seller.id],
    )) as BatchRow[];
    if (!row) throw new NotFoundError(msg('trace.error.batchNotFound'));
    const url = this.traceUrl(row.traceCode);
    // margin 0: the label's own white padding is the quiet zone.
    const qrSvg = await QRCode.toString(url, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
    return { product: { id: product.id, name: product.name }, batch: this.view(row), layout: LABEL_LAYOUTS[size], url, qrSvg };
  }

  // ---- shipping (the orders module's ShipmentBatches port) ----

  private async candidates(manager: EntityManager, sellerId: number, productIds: number[], lock: boolean) {
    if (productIds.length === 0) return [];
    // Locked in one order (product, then oldest) so two shipments of the same product queue instead of both taking the last units.
    const rows = (await manager.query(
      `SELECT ${BATCH_COLUMNS}, ${lock ? '0 AS sold' : SOLD} FROM product_batches b
       WHERE b.seller_id = $1 AND b.product_id = ANY($2::int[]) ORDER BY b.product_id, b.produced_on, b.id${lock ? ' FOR UPDATE' : ''}`,
      [sellerId, productIds],
    )) as BatchRow[];
    if (!lock || rows.length === 0) return rows.map((r) => this.view(r));
    // The sums are read after the locks are held: a concurrent shipment of these batches has committed by now.
    const sold = (await manager.query(`SELECT b.id, ${SOLD} FROM product_batches b WHERE b.id = ANY($1::int[])`, [rows.map((r) => r.id)])) as {
      id: number;
      sold: number;
    }[];
    const soldById = new Map(sold.map((s) => [s.id, s.sold]));
    return rows.map((r) => this.view({ ...r, sold: soldById.get(r.id) ?? 0 }));
  }

  /** The default batch of an item: first in, first out — the oldest (production date, then id) unexpired one with quantity left. */
  private defaultBatch(batches: BatchView[], item: ShipmentItem): BatchView | undefined {
    return batches.find((b) => b.productId === item.productId && !b.expired && b.left > 0);
  }

  /** For the seller's order page: each item's unexpired batches with units left (oldest first) and the default one. */
  async choicesFor(sellerId: number, items: ShipmentItem[]): Promise<Map<number, BatchChoice[]>> {
    const batches = await this.candidates(this.dataSource.manager, sellerId, [...new Set(items.map((i) => i.productId))], false);
    const choices = new Map<number, BatchChoice[]>();
    for (const item of items) {
      const fallback = this.defaultBatch(batches, item);
      const own = batches.filter((b) => b.productId === item.productId && !b.expired && b.left > 0);
      if (own.length === 0) continue;
      choices.set(
        item.id,
        own.map((b) => ({ id: b.id, code: b.code, producedOn: b.producedOn, left: b.left, isDefault: b.id === fallback?.id })),
      );
    }
    return choices;
  }

  /**
   * In the shipping transaction: the batch each item leaves from. A pick (`picked`, by item id) must be
   * a batch of the item's product and of this seller (else 422, and the caller's transaction rolls
   * back); `null` means "no batch" on purpose; an item without a pick gets the default. An item whose
   * product has no batch stays without one.
   */
  async chooseForShipment(
    manager: EntityManager,
    sellerId: number,
    items: ShipmentItem[],
    picked: ReadonlyMap<number, number | null>,
  ): Promise<Map<number, number | null>> {
    const itemIds = new Set(items.map((i) => i.id));
    if ([...picked.keys()].some((id) => !itemIds.has(id))) throw new ValidationError({ _form: msg('trace.error.batchNotInOrder') });
    const batches = await this.candidates(manager, sellerId, [...new Set(items.map((i) => i.productId))], true);
    const chosen = new Map<number, number | null>();
    for (const item of items) {
      const pick = picked.get(item.id);
      if (pick === undefined) {
        chosen.set(item.id, this.defaultBatch(batches, item)?.id ?? null);
      } else if (pick === null) {
        chosen.set(item.id, null);
      } else {
        if (!batches.some((b) => b.id === pick && b.productId === item.productId)) {
          throw new ValidationError({ [`batch_${item.id}`]: msg('trace.error.batchNotOfProduct') });
        }
        chosen.set(item.id, pick);
      }
    }
    return chosen;
  }
}
