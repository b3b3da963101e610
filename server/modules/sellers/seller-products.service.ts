import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../db/errors';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import { msg } from '../../rendering/i18n';
import type { Clock } from '../../lib/clock';
import { toCsv } from '../../lib/csv';
import { formatDateTime } from '../../lib/dates';
import type { MediaStorage } from '../../storage/media-storage';
import type { Actor } from '../accounts';
import {
  COVER_JOIN,
  DUPLICATE_SKU_MESSAGE,
  PRODUCT_COLUMNS,
  PRODUCT_STATUSES,
  imageVariantName,
  ocopClaimState,
  type CatalogService,
  type OcopClaimState,
  type Product,
  type ProductImage,
  type ProductService,
  type ProductStatus,
} from '../catalog';
import type { ConcurrencyLimit } from '../../lib/concurrency-limit';
import type { AdjustmentReason, LedgerRow, StockService } from '../inventory';
import { MAX_PHOTOS_PER_PRODUCT, processPhotos } from './photo-processing';
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
  /** The seller's own code, shown so a spreadsheet can be filled in (CSV import). */
  sku: string | null;
}

export interface SellerProductDetail {
  product: Product;
  images: { id: number; url: string; position: number }[];
  ledger: LedgerRow[];
  ocopState: OcopClaimState;
}

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

/** CASE: two saves raced for one SKU; the loser's transaction is gone, and the form says why. */
function skuTaken(err: unknown): never {
  if (isUniqueViolation(err, 'products_seller_sku_key')) throw new ValidationError({ sku: DUPLICATE_SKU_MESSAGE });
  throw err;
}

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
    /** Every change of a product row (lifecycle, OCOP claim, the form) goes through it. */
    private readonly products: ProductService,
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
  private async write<T>(actor: Actor, what: string, work: (manager: EntityManager, seller: Seller) => Promise<T>, productId?: number): Promise<T> {
    const seller = await this.approvedSeller(actor);
    return this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, seller.id);
      const result = await work(manager, seller);
      // A team member acting for the household: audited, naming both (the product created has its id only now).
      const id = productId ?? (result as { id?: number } | undefined)?.id;
      await this.sellers.recordActedFor(manager, actor, seller.id, what, id === undefined ? {} : { productId: id });
      return result;
    });
  }

  private async ownProduct(manager: EntityManager, sellerId: number, productId: number, lock = false): Promise<Product> {
    const [product] = (await manager.query(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = $1 AND p.seller_id = $2${lock ? ' FOR UPDATE' : ''}`, [
      productId,
      sellerId,
    ])) as Product[];
    if (!product) throw new NotFoundError(msg('seller.error.productNotFound'));
    return product;
  }

  /** The product's photos in display order (the cover first). */
  private async photos(manager: EntityManager, productId: number): Promise<Pick<ProductImage, 'id' | 'storageKey' | 'position'>[]> {
    return manager.query(`SELECT id, storage_key AS "storageKey", position FROM product_images WHERE product_id = $1 ORDER BY position, id`, [productId]);
  }

  private async assertCategory(categoryId: number): Promise<void> {
    const { byCode } = await this.catalog.categories();
    if (![...byCode.values()].some((c) => c.id === categoryId)) throw new ValidationError({ categoryId: msg('seller.error.categoryNotInList') });
  }

  async dashboard(actor: Actor): Promise<{ counts: Record<ProductStatus, number>; lowStock: SellerProductRow[] }> {
    const seller = await this.sellers.getOwnSeller(actor);
    const rows = (await this.dataSource.query(`SELECT status, count(*)::int AS n FROM products WHERE seller_id = $1 GROUP BY status`, [seller.id])) as {
      status: ProductStatus;
      n: number;
    }[];
    const counts = Object.fromEntries(PRODUCT_STATUSES.map((status) => [status, 0])) as Record<ProductStatus, number>;
    for (const r of rows) counts[r.status] = r.n;
    const lowStock = (await this.list(actor, seller)).filter((p) => p.lowStock && p.status !== 'hidden');
    return { counts, lowStock };
  }

  async list(actor: Actor, knownSeller?: Seller): Promise<SellerProductRow[]> {
    const seller = knownSeller ?? (await this.sellers.getOwnSeller(actor));
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.name, p.slug, p.status, p.price_vnd AS "priceVnd", p.unit, p.stock, p.low_stock_threshold AS "lowStockThreshold",
              p.ocop_stars AS "ocopStars", p.ocop_verified AS "ocopVerified", p.hidden_reason AS "hiddenReason", p.sku,
              img.storage_key AS "coverKey", img.sizes AS "coverSizes"
       FROM products p ${COVER_JOIN}
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
    const images = await this.photos(this.dataSource.manager, productId);
    return {
      product,
      images: images.map((i) => ({ id: i.id, position: i.position, url: this.media.url(imageVariantName(i.storageKey, 400)) })),
      ledger: await this.stock.ledger(productId, 100),
      ocopState: ocopClaimState(product, this.clock.now()),
    };
  }

  async create(actor: Actor, input: NewProductInput): Promise<Product> {
    return this.write(actor, 'product.create', async (manager, seller) => {
      await this.assertCategory(input.categoryId);
      const product = await this.products.createDraft(manager, seller.id, { ...input, sku: input.sku ?? null });
      if (input.stock > 0) {
        product.stock = await this.stock.applyChange(manager, { productId: product.id, delta: input.stock, reason: 'initial', actorUserId: actor.id });
      }
      return product;
    }).catch(skuTaken);
  }

  /**
   * Saves the form only if nobody saved since it was opened (the version it carries). Changing the
   * product's name, group, stars, certificate or decision date sends its OCOP claim back to "chờ xác
   * minh" (ProductService.saveDetails); price, description, unit and stock leave it alone.
   */
  async update(actor: Actor, productId: number, input: EditProductInput): Promise<void> {
    return this.write(actor, 'product.edit', (manager, seller) => this.saveForm(manager, seller, productId, input), productId).catch(skuTaken);
  }

  private async saveForm(manager: EntityManager, seller: Seller, productId: number, input: EditProductInput): Promise<void> {
    await this.assertCategory(input.categoryId);
    const { version, ...details } = input;
    if (await this.products.saveDetails(manager, { productId, sellerId: seller.id, version }, { ...details, sku: details.sku ?? null })) return;
    await this.ownProduct(manager, seller.id, productId); // 404 when not ours
    throw new ConflictError(msg('seller.error.staleEdit'), 'stale_edit');
  }

  async publish(actor: Actor, productId: number): Promise<void> {
    await this.write(
      actor,
      'product.publish',
      async (manager, seller) => {
        await this.products.publish(manager, await this.ownProduct(manager, seller.id, productId, true));
      },
      productId,
    );
  }

  async unpublish(actor: Actor, productId: number): Promise<void> {
    await this.write(
      actor,
      'product.unpublish',
      async (manager, seller) => {
        await this.ownProduct(manager, seller.id, productId);
        await this.products.unpublish(manager, { productId, sellerId: seller.id });
      },
      productId,
    );
  }

  async adjustStock(actor: Actor, productId: number, input: { delta: number; reason: AdjustmentReason; note?: string }): Promise<number> {
    return this.write(
      actor,
      'product.stock',
      async (manager, seller) => {
        await this.ownProduct(manager, seller.id, productId);
        return this.stock
          .applyChange(manager, { productId, delta: input.delta, reason: input.reason, note: input.note || null, actorUserId: actor.id })
          .catch((err) => {
            if ((err as { code?: string }).code === 'insufficient_stock') {
              throw new ValidationError({ delta: msg('seller.error.stockBelowZero') });
            }
            throw err;
          });
      },
      productId,
    );
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
    if (files.length === 0) throw new ValidationError({ images: msg('seller.error.choosePhoto') });
    const processed = await processPhotos(
      files.map((f) => ({ buffer: f.buffer, name: f.originalname.slice(0, 80) })),
      this.photoSlots,
    );

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
        await this.sellers.recordActedFor(manager, actor, seller.id, 'product.photo_upload', { productId });
        await this.ownProduct(manager, seller.id, productId, true); // serialises concurrent uploads
        const [{ n, last }] = (await manager.query(
          `SELECT count(*)::int AS n, coalesce(max(position), -1)::int AS last FROM product_images WHERE product_id = $1`,
          [productId],
        )) as { n: number; last: number }[];
        if (n + processed.length > MAX_PHOTOS_PER_PRODUCT) {
          throw new ValidationError({ images: msg('seller.error.tooManyPhotos', { max: MAX_PHOTOS_PER_PRODUCT, n }) });
        }
        for (const [i, photo] of processed.entries()) {
          await manager.query(`INSERT INTO product_images (product_id, storage_key, sizes, width, height, position) VALUES ($1, $2, $3, $4, $5, $6)`, [
            productId,
            keys[i],
            photo.variants.map((v) => v.width),
            photo.width,
            photo.height,
            last + 1 + i,
          ]);
        }
      });
    } catch (err) {
      await Promise.all(written.map((name) => this.media.remove(name).catch(() => undefined)));
      throw err;
    }
    return processed.length;
  }

  async deletePhoto(actor: Actor, productId: number, imageId: number): Promise<void> {
    const removed = await this.write(
      actor,
      'product.photo_delete',
      async (manager, seller) => {
        const product = await this.ownProduct(manager, seller.id, productId, true);
        const [image] = (await manager.query(`SELECT storage_key AS "storageKey", sizes FROM product_images WHERE id = $1 AND product_id = $2`, [
          imageId,
          productId,
        ])) as Pick<ProductImage, 'storageKey' | 'sizes'>[];
        if (!image) throw new NotFoundError(msg('seller.error.photoNotFound'));
        const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM product_images WHERE product_id = $1`, [productId])) as { n: number }[];
        if (product.status === 'active' && n === 1) {
          throw new ConflictError(msg('seller.error.lastPhoto'));
        }
        await manager.query(`DELETE FROM product_images WHERE id = $1`, [imageId]);
        return image;
      },
      productId,
    );
    // Files go after the row, so a crash in between leaves an unused file, never a broken image.
    await Promise.all(removed.sizes.map((w) => this.media.remove(imageVariantName(removed.storageKey, w)).catch(() => undefined)));
  }

  /** Moves a photo to the front (cover) or one step up/down; positions are renumbered 0…n-1. */
  async reorderPhoto(actor: Actor, productId: number, imageId: number, move: 'cover' | 'up' | 'down'): Promise<void> {
    await this.write(
      actor,
      `product.photo_${move}`,
      async (manager, seller) => {
        await this.ownProduct(manager, seller.id, productId, true);
        const images = await this.photos(manager, productId);
        const index = images.findIndex((i) => i.id === imageId);
        if (index < 0) throw new NotFoundError(msg('seller.error.photoNotFound'));
        const [image] = images.splice(index, 1);
        const target = move === 'cover' ? 0 : move === 'up' ? Math.max(0, index - 1) : Math.min(images.length, index + 1);
        images.splice(target, 0, image);
        for (const [position, img] of images.entries()) {
          if (img.position !== position) await manager.query(`UPDATE product_images SET position = $2 WHERE id = $1`, [img.id, position]);
        }
      },
      productId,
    );
  }
}
