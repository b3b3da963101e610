import type { DataSource } from 'typeorm';
import { todayInVietnam } from '../lib/dates';
import { slugify } from '../lib/slug';

/**
 * The demo's market day: in Sa Pa, today from 07:00 to 17:00 Vietnam time, or to 23:00 (an evening
 * market) when the demo starts after 16:00, so a demo opened late in the day still shows one running.
 */
export const DEMO_MARKET_DAY = {
  name: 'Phiên chợ 4.0 Sa Pa',
  commune: 'Phường Sa Pa',
  place: 'Quảng trường Sa Pa',
  description: 'Phiên chợ không dùng tiền mặt: các hợp tác xã bày sản phẩm OCOP, người mua quét mã VietQR để chuyển khoản đúng số tiền (dữ liệu trình diễn).',
} as const;

/** The demo seller's cooperative always has a stall; so do the Sa Pa producers with most products. */
const DEMO_COOPERATIVE = 'HTX Ong mật xã Lương Thịnh';
const MORE_STALLS = 2;

/**
 * Today's demo market day, so the demo shows one running: created on the first start and again on a
 * start on a later day. Idempotent: the slug carries the day; a second start the same day adds nothing
 * (it may only push today's end to 23:00). Nothing happens without the demo cooperative.
 */
export async function seedDemoMarketDay(dataSource: DataSource, now = new Date()): Promise<string | null> {
  const today = todayInVietnam(now);
  const slug = slugify(`${DEMO_MARKET_DAY.name} ${today.split('-').reverse().join('-')}`);
  const vietnamHour = (now.getUTCHours() + 7) % 24;
  const endsAt = vietnamHour >= 16 ? '23:00' : '17:00';
  return dataSource.transaction(async (manager) => {
    const [cooperative] = (await manager.query(`SELECT id FROM sellers WHERE name = $1 AND status = 'approved'`, [DEMO_COOPERATIVE])) as { id: number }[];
    if (!cooperative) return null;
    const [day] = (await manager.query(
      `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at, description)
       VALUES ($1, $2, $3, $4, ($5::date + time '07:00') AT TIME ZONE 'Asia/Ho_Chi_Minh', ($5::date + $7::time) AT TIME ZONE 'Asia/Ho_Chi_Minh', $6)
       ON CONFLICT (slug) DO UPDATE SET ends_at = greatest(market_days.ends_at, EXCLUDED.ends_at)
       RETURNING id`,
      [slug, DEMO_MARKET_DAY.name, DEMO_MARKET_DAY.commune, DEMO_MARKET_DAY.place, today, DEMO_MARKET_DAY.description, endsAt],
    )) as { id: number }[];
    if (!day) return null;
    const neighbours = (await manager.query(
      `SELECT s.id FROM sellers s
       WHERE s.status = 'approved' AND s.commune = $1 AND s.id <> $2
       ORDER BY (SELECT count(*) FROM products p WHERE p.seller_id = s.id AND p.status = 'active') DESC, s.id
       LIMIT ${MORE_STALLS}`,
      [DEMO_MARKET_DAY.commune, cooperative.id],
    )) as { id: number }[];
    for (const sellerId of [cooperative.id, ...neighbours.map((n) => n.id)]) {
      await manager.query(`INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [day.id, sellerId]);
    }
    return slug;
  });
}
