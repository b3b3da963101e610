import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../server/lib/clock';
import { slugify } from '../../server/lib/slug';
import type { SellerStatus, SellerType } from '../../server/modules/sellers/seller.entity';

let sequence = 0;
const unique = () => `${++sequence}${crypto.randomBytes(2).toString('hex')}`;

export interface UserRow {
  id: number;
  email: string;
  fullName: string;
  role: string;
}
export interface SellerRow {
  id: number;
  slug: string;
  name: string;
  ownerUserId: number;
  commune: string;
  status: SellerStatus;
}
export interface ProductRow {
  id: number;
  slug: string;
  name: string;
  sellerId: number;
  priceVnd: number;
  stock: number;
}

export interface ProductInput {
  sellerId?: number;
  name?: string;
  description?: string;
  categoryCode?: string;
  priceVnd?: number;
  unit?: string;
  stock?: number;
  status?: 'draft' | 'active' | 'hidden';
  ocopStars?: number | null;
  ocopVerified?: boolean;
  /** YYYY-MM-DD; defaults to one year before the clock's today when stars are set. */
  ocopDecisionDate?: string | null;
  ocopCertificateNo?: string | null;
  withImage?: boolean;
}

export function makeFactories(ds: DataSource, clock: Clock) {
  async function createUser(input: { email?: string; fullName?: string; role?: 'buyer' | 'seller' | 'admin' } = {}): Promise<UserRow> {
    const email = input.email ?? `user${unique()}@example.vn`;
    const [row] = await ds.query(`INSERT INTO users (email, full_name, role) VALUES ($1, $2, $3) RETURNING id, email, full_name AS "fullName", role`, [
      email,
      input.fullName ?? 'Nguyễn Văn A',
      input.role ?? 'buyer',
    ]);
    return row;
  }

  async function createSeller(input: { name?: string; commune?: string; status?: SellerStatus; type?: SellerType } = {}): Promise<SellerRow> {
    const user = await createUser({ role: 'seller' });
    const name = input.name ?? `HTX Thử nghiệm ${unique()}`;
    const [row] = await ds.query(
      `INSERT INTO sellers (owner_user_id, name, slug, type, commune, address, description, status)
       VALUES ($1, $2, $3, $4, $5, 'Thôn 1', 'Hợp tác xã thử nghiệm', $6)
       RETURNING id, slug, name, owner_user_id AS "ownerUserId", commune, status`,
      [user.id, name, `${slugify(name)}-${unique()}`, input.type ?? 'htx', input.commune ?? 'Phường Sa Pa', input.status ?? 'approved'],
    );
    return row;
  }

  async function createProduct(input: ProductInput = {}): Promise<ProductRow> {
    const sellerId = input.sellerId ?? (await createSeller()).id;
    const name = input.name ?? `Sản phẩm ${unique()}`;
    const [category] = await ds.query(`SELECT id FROM categories WHERE code = $1`, [input.categoryCode ?? 'I.2.b']);
    if (!category) throw new Error(`unknown category ${input.categoryCode}`);
    const stars = input.ocopStars === undefined ? null : input.ocopStars;
    const oneYearAgo = new Date(clock.now().getTime() - 365 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const decisionDate = input.ocopDecisionDate !== undefined ? input.ocopDecisionDate : stars ? oneYearAgo : null;
    const stock = input.stock ?? 10;
    const [row] = await ds.query(
      `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status,
         ocop_stars, ocop_verified, ocop_decision_date, ocop_certificate_no, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
       RETURNING id, slug, name, seller_id AS "sellerId", price_vnd AS "priceVnd", stock`,
      [
        sellerId,
        category.id,
        name,
        `${slugify(name)}-${unique()}`,
        input.description ?? '',
        input.priceVnd ?? 100000,
        input.unit ?? 'hộp',
        stock,
        input.status ?? 'active',
        stars,
        input.ocopVerified ?? stars !== null,
        decisionDate,
        input.ocopCertificateNo ?? (stars ? `CN-${unique()}` : null),
      ],
    );
    if (stock > 0) {
      await ds.query(`INSERT INTO stock_movements (product_id, delta, reason, balance_after) VALUES ($1, $2, 'initial', $2)`, [row.id, stock]);
    }
    if (input.withImage) {
      await ds.query(`INSERT INTO product_images (product_id, storage_key, sizes, width, height, position) VALUES ($1, $2, '{400,800,1600}', 1600, 1600, 0)`, [
        row.id,
        `products/test-${unique()}`,
      ]);
    }
    return row;
  }

  return { createUser, createSeller, createProduct };
}

export type Factories = ReturnType<typeof makeFactories>;
