import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { isLaoCaiCommune } from '../lib/admin-units';
import { todayInVietnam } from '../lib/dates';
import { seedDataDir } from '../lib/paths';
import { slugify } from '../lib/slug';
import { imageVariantName } from '../modules/catalog';
import type { SellerType } from '../modules/sellers/seller.entity';
import type { MediaStorage } from '../storage/media-storage';
import { renderCover } from './cover-image';
import { DEMO_HOUSEHOLD } from './demo-tax';

/** One record of server/seed/data/laocai-ocop-products.json (77 real Lào Cai OCOP products). */
interface DemoProduct {
  id: number;
  name_vi: string;
  cooperative: string;
  commune_2025: string;
  ocop_group_code: string;
  ocop_stars: number | null;
  star_recognized_year: number | null;
  verification: string;
  typical_price_vnd: number;
  unit: string;
  description_vi: string;
}

const COVER_WIDTHS = [400, 800] as const;

export function loadDemoProducts(): DemoProduct[] {
  return JSON.parse(fs.readFileSync(path.join(seedDataDir, 'laocai-ocop-products.json'), 'utf8')) as DemoProduct[];
}

/** "Xã Bắc Hà (ước tính)" → "Xã Bắc Hà"; "Xã Trấn Yên / Phường Âu Lâu (…)" → "Xã Trấn Yên". */
export function cleanCommune(raw: string): string {
  const first = raw
    .split('/')[0]
    .replace(/\(.*?\)/g, '')
    .trim();
  return first || 'Phường Lào Cai';
}

function cleanProducer(record: DemoProduct): { name: string; unverified: boolean } {
  const unverified = record.cooperative.startsWith('(') || /chưa xác minh|suy luận/.test(record.cooperative);
  const name = record.cooperative
    .replace(/\(.*?\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { name: name || `Cơ sở sản xuất ${record.name_vi}`, unverified };
}

function sellerTypeOf(name: string): SellerType {
  if (/^(HTX|Hợp tác xã)/i.test(name)) return 'htx';
  if (/^Tổ hợp tác/i.test(name)) return 'to_hop_tac';
  if (/^(Công ty|Doanh nghiệp)/i.test(name)) return 'doanh_nghiep';
  return 'ho_san_xuat';
}

/**
 * Demo certificates: decision on 1 December of the recognition year. OCOP results are re-evaluated
 * every 36 months, so an older recognition is shown as renewed in the latest cycle (demo data only).
 */
function demoDecisionDate(year: number | null, today: string): string | null {
  if (!year) return null;
  let y = year;
  const expired = (yy: number) => `${yy + 3}-12-01` <= today;
  while (expired(y)) y += 3;
  const date = `${y}-12-01`;
  return date <= today ? date : `${y - 3}-12-01`;
}

function uniqueSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  taken.add(slug);
  return slug;
}

/** Loads the demo catalogue when the database has no products yet. Returns how many products were added. */
export async function seedDemoCatalogue(dataSource: DataSource, media: MediaStorage, now = new Date()): Promise<number> {
  const [{ n }] = (await dataSource.query('SELECT count(*)::int AS n FROM products')) as { n: number }[];
  if (n > 0) return 0;
  const records = loadDemoProducts();
  const today = todayInVietnam(now);
  const categories = new Map<string, number>(
    ((await dataSource.query('SELECT id, code FROM categories')) as { id: number; code: string }[]).map((c) => [c.code, c.id]),
  );

  // Covers first (pure CPU, outside the transaction); names are random so a re-run never collides.
  const covers = new Map<number, string>();
  await Promise.all(
    records.map(async (r) => {
      const key = `demo/${slugify(r.name_vi, 40)}-${crypto.randomBytes(4).toString('hex')}`;
      const images = await renderCover({ name: r.name_vi, producer: cleanProducer(r).name, groupCode: r.ocop_group_code, stars: r.ocop_stars }, COVER_WIDTHS);
      for (const [width, data] of images) await media.put(imageVariantName(key, width), data);
      covers.set(r.id, key);
    }),
  );

  await dataSource.transaction(async (manager) => {
    const sellerSlugs = new Set<string>();
    const productSlugs = new Set<string>();
    const sellerIds = new Map<string, number>();
    for (const r of records) {
      const producer = cleanProducer(r);
      // Producers not yet confirmed get one seller per product rather than being lumped together.
      const producerKey = producer.unverified && r.cooperative.startsWith('(') ? `${producer.name}#${r.id}` : producer.name;
      let sellerId = sellerIds.get(producerKey);
      if (!sellerId) {
        const sellerName = producer.unverified && r.cooperative.startsWith('(') ? `Cơ sở sản xuất ${r.name_vi}` : producer.name;
        const slug = uniqueSlug(slugify(sellerName, 60), sellerSlugs);
        const commune = cleanCommune(r.commune_2025);
        const [user] = (await manager.query(`INSERT INTO users (email, full_name, role) VALUES ($1, $2, 'seller') RETURNING id`, [
          `${slug}@demo.cho-ocop.vn`,
          sellerName,
        ])) as { id: number }[];
        const [seller] = (await manager.query(
          `INSERT INTO sellers (owner_user_id, name, slug, type, commune, address, description, status, citizen_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'approved', $8) RETURNING id`,
          [
            user.id,
            sellerName,
            slug,
            sellerTypeOf(sellerName),
            commune,
            `${commune}${isLaoCaiCommune(commune) ? '' : ' (địa bàn cũ)'}, tỉnh Lào Cai`,
            producer.unverified
              ? 'Thông tin chủ thể đang được xác minh (dữ liệu trình diễn).'
              : `${sellerName} — chủ thể sản phẩm OCOP tại ${commune}, tỉnh Lào Cai.`,
            // The demo household of /admin/tax has a citizen ID; the other households have none yet (listed there).
            sellerName === DEMO_HOUSEHOLD.name ? DEMO_HOUSEHOLD.citizenId : null,
          ],
        )) as { id: number }[];
        sellerId = seller.id;
        sellerIds.set(producerKey, sellerId);
      }

      const categoryId = categories.get(r.ocop_group_code) ?? categories.get(r.ocop_group_code.split('.').slice(0, 2).join('.'));
      if (!categoryId) throw new Error(`Unknown OCOP group ${r.ocop_group_code} for ${r.name_vi}`);
      const stock = r.id % 19 === 0 ? 0 : ((r.id * 37) % 60) + 5;
      const decisionDate = r.ocop_stars ? demoDecisionDate(r.star_recognized_year, today) : null;
      const [product] = (await manager.query(
        `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status,
           ocop_stars, ocop_certificate_no, ocop_decision_date, ocop_issuer, ocop_verified, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11, $12, $13, now()) RETURNING id`,
        [
          sellerId,
          categoryId,
          r.name_vi,
          uniqueSlug(slugify(r.name_vi), productSlugs),
          r.description_vi,
          r.typical_price_vnd,
          r.unit,
          stock,
          r.ocop_stars,
          decisionDate ? `DEMO-LC-${decisionDate.slice(0, 4)}-${String(r.id).padStart(3, '0')}` : null,
          decisionDate,
          r.ocop_stars === 5 ? 'Bộ Nông nghiệp và Môi trường' : r.ocop_stars ? 'UBND tỉnh Lào Cai' : null,
          r.verification === 'verified' && decisionDate !== null,
        ],
      )) as { id: number }[];
      if (stock > 0) {
        await manager.query(`INSERT INTO stock_movements (product_id, delta, reason, balance_after, note) VALUES ($1, $2, 'initial', $2, $3)`, [
          product.id,
          stock,
          'Tồn kho ban đầu (dữ liệu trình diễn)',
        ]);
      }
      await manager.query(`INSERT INTO product_images (product_id, storage_key, sizes, width, height, position, alt) VALUES ($1, $2, $3, 800, 800, 0, $4)`, [
        product.id,
        covers.get(r.id),
        [...COVER_WIDTHS],
        r.name_vi,
      ]);
    }
  });
  return records.length;
}
