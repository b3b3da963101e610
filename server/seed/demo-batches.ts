import type { DataSource } from 'typeorm';

/** The demo seller's cooperative (hoptacxa@cho-ocop.vn takes over its owner account). */
const DEMO_COOPERATIVE = 'HTX Ong mật xã Lương Thịnh';

/** Two harvests per product: the spring honey and the autumn one (trace pages /trace/DEMO-LT1-2604, …). */
const HARVESTS = [
  {
    suffix: '2604',
    producedOn: '2026-04-15',
    expiresOn: '2028-04-15',
    area: 'Vùng nuôi ong xã Lương Thịnh',
    quantity: 300,
    note: 'Mật ong hoa rừng vụ xuân, quay và lọc tại hợp tác xã (dữ liệu trình diễn).',
  },
  {
    suffix: '2609',
    producedOn: '2026-09-20',
    expiresOn: '2028-09-20',
    area: 'Vùng nuôi ong xã Lương Thịnh',
    quantity: 200,
    note: 'Mật ong vụ thu (dữ liệu trình diễn).',
  },
] as const;

/**
 * Batches with trace pages for the demo cooperative's products (at most three), so `/trace/DEMO-LT1-2604`
 * answers on a fresh start. Idempotent: fixed codes, and a second start adds nothing (ON CONFLICT). Not
 * added to stock: the demo catalogue's stock already counts them. Nothing happens without the cooperative.
 */
export async function seedDemoBatches(dataSource: DataSource): Promise<number> {
  const products = (await dataSource.query(
    `SELECT p.id, p.seller_id AS "sellerId" FROM products p JOIN sellers s ON s.id = p.seller_id
     WHERE s.name = $1 AND s.status = 'approved' ORDER BY p.id LIMIT 3`,
    [DEMO_COOPERATIVE],
  )) as { id: number; sellerId: number }[];
  let added = 0;
  for (const [index, product] of products.entries()) {
    for (const harvest of HARVESTS) {
      const code = `LT${index + 1}-${harvest.suffix}`;
      const rows = (await dataSource.query(
        `INSERT INTO product_batches (seller_id, product_id, code, trace_code, produced_on, expires_on, area, quantity, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
        [product.sellerId, product.id, code, `DEMO-${code}`, harvest.producedOn, harvest.expiresOn, harvest.area, harvest.quantity, harvest.note],
      )) as unknown[];
      added += rows.length;
    }
  }
  return added;
}
