import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { uniqueSlug } from '../../db/unique-slug';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import type { Clock } from '../../lib/clock';
import { toCsv } from '../../lib/csv';
import { formatDateTime } from '../../lib/dates';
import { hasValidOcopBadge } from '../../lib/ocop';
import type { MediaStorage } from '../../storage/media-storage';
import type { Actor } from '../accounts/actor';
import { imageVariantName, type CatalogService } from '../catalog';
import type { ConcurrencyLimit } from '../../lib/concurrency-limit';
import { MAX_PHOTOS_PER_PRODUCT, processPhotos } from '../catalog/photo-processing';
import { Product } from '../catalog/product.entity';
import { ProductImage } from '../catalog/product-image.entity';
import type { AdjustmentReason, LedgerRow, StockService } from '../inventory';
import type { Seller } from './seller.entity';
import type { EditProductInput, NewProductInput } from './seller-products.schemas';
import type { SellersService } from './sellers.service';

export interface SellerProductRow {
  id: number;
  name: string;
  slug: string;
  status: Product['status'];
  priceVnd: number;
  unit: string;
  stock: number;
  lowStockThreshold: number;
  lowStock: boolean;
  ocopStars: number | null;
  ocopVerified: boolean;
  hiddenReason: string | null;
  coverUrl: string | null;
}

export interface SellerProductDetail {
  product: Product;
  images: { id: number; url: string; position: number }[];
  ledger: LedgerRow[];
  ocopState: 'none' | 'pending' | 'verified' | 'expired';
}

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Everything a cooperative does to its own listings. Every method resolves the seller from the
 * actor and loads products through that seller's scope: another seller's id is simply not found.
 */
export class SellerProductsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sellers: SellersService,
    private readonly stock: StockService,
    private readonly media: MediaStorage,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
    /** Bounds how many uploads decode photos at once (config.photoProcessing). */
    private readonly photoSlots: ConcurrencyLimit,
  ) {}

  /** The actor's cooperative, which must be approved to manage products (a suspended one reads the notice). */
  approvedSeller(actor: Actor): Promise<Seller> {
    return this.sellers.activeSeller(actor);
  }

  /**
   * Every change a cooperative makes to its listings runs here: approved when it starts, and its row
   * held (FOR SHARE) for the whole transaction, so a suspension never slips between check and change.
   * The seller row is taken before any product row, in the same order as a suspension.
   */
  private async write<T>(actor: Actor, work: (manager: EntityManager, seller: Seller) => Promise<T>): Promise<T> {
    const seller = await this.approvedSeller(actor);
    return this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, seller.id);
      return work(manager, seller);
    });
  }

  private async ownProduct(manager: EntityManager, sellerId: number, productId: number, lock = false): Promise<Product> {
    const qb = manager.getRepository(Product).createQueryBuilder('p').where('p.id = :productId AND p.seller_id = :sellerId', { productId, sellerId });
    if (lock) qb.setLock('pessimistic_write');
    const product = await qb.getOne();
    if (!product) throw new NotFoundError('Không tìm thấy sản phẩm này trong gian hàng của bạn.');
    return product;
  }

  private async assertCategory(categoryId: number): Promise<void> {
    const { byCode } = await this.catalog.categories();
    if (![...byCode.values()].some((c) => c.id === categoryId)) throw new ValidationError({ categoryId: 'Vui lòng chọn nhóm OCOP trong danh sách.' });
  }

  async dashboard(actor: Actor): Promise<{ counts: Record<Product['status'], number>; lowStock: SellerProductRow[] }> {
    const seller = await this.sellers.getOwnSeller(actor);
    const rows = (await this.dataSource.query(`SELECT status, count(*)::int AS n FROM products WHERE seller_id = $1 GROUP BY status`, [
      seller.id,
    ])) as { status: Product['status']; n: number }[];
    const counts = { active: 0, draft: 0, hidden: 0 };
    for (const r of rows) counts[r.status] = r.n;
    const lowStock = (await this.list(actor, seller)).filter((p) => p.lowStock && p.status !== 'hidden');
    return { counts, lowStock };
  }

  async list(actor: Actor, knownSeller?: Seller): Promise<SellerProductRow[]> {
    const seller = knownSeller ?? (await this.sellers.getOwnSeller(actor));
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.name, p.slug, p.status, p.price_vnd AS "priceVnd", p.unit, p.stock, p.low_stock_threshold AS "lowStockThreshold",
              p.ocop_stars AS "ocopStars", p.ocop_verified AS "ocopVerified", p.hidden_reason AS "hiddenReason",
              img.storage_key AS "coverKey", img.sizes AS "coverSizes"
       FROM products p
       LEFT JOIN LATERAL (SELECT storage_key, sizes FROM product_images WHERE product_id = p.id ORDER BY position, id LIMIT 1) img ON true
       WHERE p.seller_id = $1 ORDER BY p.id DESC`,
      [seller.id],
    )) as (Omit<SellerProductRow, 'lowStock' | 'coverUrl'> & { coverKey: string | null })[];
    return rows.map(({ coverKey, ...r }) => ({
      ...r,
      lowStock: r.stock <= r.lowStockThreshold,
      coverUrl: coverKey ? this.media.url(imageVariantName(coverKey, 400)) : null,
    }));
  }

  async get(actor: Actor, productId: number): Promise<SellerProductDetail> {
    const seller = await this.approvedSeller(actor);
    const product = await this.ownProduct(this.dataSource.manager, seller.id, productId);
    const images = await this.dataSource.getRepository(ProductImage).find({ where: { productId }, order: { position: 'ASC', id: 'ASC' } });
    const now = this.clock.now();
    const ocopState = product.ocopStars === null
      ? 'none'
      : !product.ocopVerified
        ? 'pending'
        : hasValidOcopBadge(product, now)
          ? 'verified'
          : 'expired';
    return {
      product,
      images: images.map((i) => ({ id: i.id, position: i.position, url: this.media.url(imageVariantName(i.storageKey, 400)) })),
      ledger: await this.stock.ledger(productId, 100),
      ocopState,
    };
  }

  async create(actor: Actor, input: NewProductInput): Promise<Product> {
    return this.write(actor, async (manager, seller) => {
      await this.assertCategory(input.categoryId);
      const product = manager.create(Product, {
        sellerId: seller.id,
        categoryId: input.categoryId,
        name: input.name,
        slug: await uniqueSlug(manager, 'products', input.name),
        description: input.description,
        priceVnd: input.priceVnd,
        unit: input.unit,
        lowStockThreshold: input.lowStockThreshold,
        status: 'draft',
        ocopStars: input.ocopStars ?? null,
        ocopCertificateNo: input.ocopCertificateNo ?? null,
        ocopDecisionDate: input.ocopDecisionDate ?? null,
        ocopVerified: false,
      });
      try {
        await manager.save(product);
      } catch (err) {
        // CASE: two products with the same name created at the same instant.
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
        product.slug = `${product.slug}-${crypto.randomBytes(2).toString('hex')}`;
        await manager.save(product);
      }
      if (input.stock > 0) {
        product.stock = await this.stock.applyChange(manager, { productId: product.id, delta: input.stock, reason: 'initial', actorUserId: actor.id });
      }
      return product;
    });
  }

  /**
   * Saves the form only if nobody saved since it was opened (the version it carries). The OCOP claim
   * is what an admin verified: the product's name and group with its stars, certificate and decision
   * date. Changing any of them moves the claim version and sends the claim back to "chờ xác minh";
   * price, description, unit and stock leave it alone.
   */
  async update(actor: Actor, productId: number, input: EditProductInput): Promise<void> {
    return this.write(actor, (manager, seller) => this.saveForm(manager, seller, productId, input));
  }

  private async saveForm(manager: EntityManager, seller: Seller, productId: number, input: EditProductInput): Promise<void> {
    await this.assertCategory(input.categoryId);
    // SET expressions read the row as it was, so this compares the stored claim with the posted one.
    const claimUnchanged = `name = $4 AND category_id = $5 AND ocop_stars IS NOT DISTINCT FROM $10
      AND ocop_certificate_no IS NOT DISTINCT FROM $11 AND ocop_decision_date IS NOT DISTINCT FROM $12::date`;
    const [rows] = (await manager.query(
      `UPDATE products SET
         name = $4, category_id = $5, description = $6, price_vnd = $7, unit = $8, low_stock_threshold = $9,
         ocop_stars = $10, ocop_certificate_no = $11, ocop_decision_date = $12,
         ocop_verified = ocop_verified AND ${claimUnchanged},
         ocop_verified_at = CASE WHEN ${claimUnchanged} THEN ocop_verified_at END,
         ocop_verified_by = CASE WHEN ${claimUnchanged} THEN ocop_verified_by END,
         ocop_claim_version = ocop_claim_version + CASE WHEN ${claimUnchanged} THEN 0 ELSE 1 END,
         version = version + 1, updated_at = now()
       WHERE id = $1 AND seller_id = $2 AND version = $3
       RETURNING id`,
      [productId, seller.id, input.version, input.name, input.categoryId, input.description, input.priceVnd, input.unit,
        input.lowStockThreshold, input.ocopStars ?? null, input.ocopCertificateNo ?? null, input.ocopDecisionDate ?? null],
    )) as [{ id: number }[], number];
    if (rows.length === 1) return;
    await this.ownProduct(manager, seller.id, productId); // 404 when not ours
    throw new ConflictError(
      'Sản phẩm vừa được lưu ở một nơi khác (có thể ở tab khác). Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem bản mới nhất rồi sửa lại.',
      'stale_edit',
    );
  }

  async publish(actor: Actor, productId: number): Promise<void> {
    await this.write(actor, async (manager, seller) => {
      const product = await this.ownProduct(manager, seller.id, productId, true);
      if (product.status === 'active') return;
      if (product.status === 'hidden') throw new ConflictError(`Sản phẩm đang bị quản trị viên ẩn${product.hiddenReason ? `: ${product.hiddenReason}` : ''}.`);
      if (product.priceVnd <= 0) throw new ConflictError('Chưa thể đăng bán: sản phẩm chưa có giá.');
      const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM product_images WHERE product_id = $1`, [productId])) as { n: number }[];
      if (n === 0) throw new ConflictError('Chưa thể đăng bán: hãy thêm ít nhất một ảnh sản phẩm.');
      await manager.query(`UPDATE products SET status = 'active', published_at = coalesce(published_at, now()), updated_at = now() WHERE id = $1`, [productId]);
    });
  }

  async unpublish(actor: Actor, productId: number): Promise<void> {
    await this.write(actor, async (manager, seller) => {
      await this.ownProduct(manager, seller.id, productId);
      await manager.query(`UPDATE products SET status = 'draft', updated_at = now() WHERE id = $1 AND seller_id = $2 AND status = 'active'`, [productId, seller.id]);
    });
  }

  async adjustStock(actor: Actor, productId: number, input: { delta: number; reason: AdjustmentReason; note?: string }): Promise<number> {
    return this.write(actor, async (manager, seller) => {
      await this.ownProduct(manager, seller.id, productId);
      return this.stock
        .applyChange(manager, { productId, delta: input.delta, reason: input.reason, note: input.note || null, actorUserId: actor.id })
        .catch((err) => {
          if ((err as { code?: string }).code === 'insufficient_stock') {
            throw new ValidationError({ delta: 'Không thể giảm quá số lượng đang có trong kho.' });
          }
          throw err;
        });
    });
  }

  async ledgerCsv(actor: Actor, productId: number): Promise<{ fileName: string; csv: string }> {
    const seller = await this.approvedSeller(actor);
    const product = await this.ownProduct(this.dataSource.manager, seller.id, productId);
    const rows = await this.stock.ledger(productId, 100_000);
    const csv = toCsv(
      ['Thời gian', 'Thay đổi', 'Lý do', 'Tồn sau thay đổi', 'Ghi chú', 'Người thực hiện', 'Đơn hàng'],
      rows.map((r) => [formatDateTime(r.createdAt), r.delta, r.reasonLabel, r.balanceAfter, r.note, r.actorName, r.orderId]),
    );
    return { fileName: `so-kho-${product.slug}.csv`, csv };
  }

  /**
   * All files are checked and encoded before anything is stored; files are written before the rows,
   * and removed again if the rows cannot be written. A refused upload leaves nothing behind.
   */
  async uploadPhotos(actor: Actor, productId: number, files: UploadedFile[]): Promise<number> {
    const seller = await this.approvedSeller(actor);
    await this.ownProduct(this.dataSource.manager, seller.id, productId);
    if (files.length === 0) throw new ValidationError({ images: 'Vui lòng chọn ít nhất một ảnh.' });
    const processed = await processPhotos(files.map((f) => ({ buffer: f.buffer, name: f.originalname.slice(0, 80) })), this.photoSlots);

    const written: string[] = [];
    const keys = processed.map(() => `products/${productId}/${crypto.randomBytes(10).toString('hex')}`);
    try {
      for (const [i, photo] of processed.entries()) {
        for (const variant of photo.variants) {
          const name = imageVariantName(keys[i], variant.width);
          await this.media.put(name, variant.data);
          written.push(name);
        }
      }
      await this.dataSource.transaction(async (manager) => {
        await this.sellers.lockActiveSeller(manager, seller.id);
        await this.ownProduct(manager, seller.id, productId, true); // serialises concurrent uploads
        const [{ n, last }] = (await manager.query(
          `SELECT count(*)::int AS n, coalesce(max(position), -1)::int AS last FROM product_images WHERE product_id = $1`,
          [productId],
        )) as { n: number; last: number }[];
        if (n + processed.length > MAX_PHOTOS_PER_PRODUCT) {
          throw new ValidationError({ images: `Mỗi sản phẩm có tối đa ${MAX_PHOTOS_PER_PRODUCT} ảnh (đang có ${n}).` });
        }
        for (const [i, photo] of processed.entries()) {
          await manager.query(
            `INSERT INTO product_images (product_id, storage_key, sizes, width, height, position) VALUES ($1, $2, $3, $4, $5, $6)`,
            [productId, keys[i], photo.variants.map((v) => v.width), photo.width, photo.height, last + 1 + i],
          );
        }
      });
    } catch (err) {
      await Promise.all(written.map((name) => this.media.remove(name).catch(() => undefined)));
      throw err;
    }
    return processed.length;
  }

  async deletePhoto(actor: Actor, productId: number, imageId: number): Promise<void> {
    const removed = await this.write(actor, async (manager, seller) => {
      const product = await this.ownProduct(manager, seller.id, productId, true);
      const image = await manager.getRepository(ProductImage).findOneBy({ id: imageId, productId });
      if (!image) throw new NotFoundError('Không tìm thấy ảnh này.');
      const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM product_images WHERE product_id = $1`, [productId])) as { n: number }[];
      if (product.status === 'active' && n === 1) {
        throw new ConflictError('Sản phẩm đang bán cần ít nhất một ảnh: hãy thêm ảnh khác trước, hoặc ngừng bán.');
      }
      await manager.delete(ProductImage, { id: imageId });
      return image;
    });
    // Files go after the row, so a crash in between leaves an unused file, never a broken image.
    await Promise.all(removed.sizes.map((w) => this.media.remove(imageVariantName(removed.storageKey, w)).catch(() => undefined)));
  }

  /** Moves a photo to the front (cover) or one step up/down; positions are renumbered 0…n-1. */
  async reorderPhoto(actor: Actor, productId: number, imageId: number, move: 'cover' | 'up' | 'down'): Promise<void> {
    await this.write(actor, async (manager, seller) => {
      await this.ownProduct(manager, seller.id, productId, true);
      const images = await manager.getRepository(ProductImage).find({ where: { productId }, order: { position: 'ASC', id: 'ASC' } });
      const index = images.findIndex((i) => i.id === imageId);
      if (index < 0) throw new NotFoundError('Không tìm thấy ảnh này.');
      const [image] = images.splice(index, 1);
      const target = move === 'cover' ? 0 : move === 'up' ? Math.max(0, index - 1) : Math.min(images.length, index + 1);
      images.splice(target, 0, image);
      for (const [position, img] of images.entries()) {
        if (img.position !== position) await manager.update(ProductImage, { id: img.id }, { position });
      }
    });
  }
}
