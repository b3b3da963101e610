import type { DataSource } from 'typeorm';

/** Realistic Vietnamese names: product kinds × places × packaging, cooperatives by type and commune. */
const KINDS = [
  'Mật ong hoa rừng',
  'Trà Shan tuyết cổ thụ',
  'Gạo Séng Cù',
  'Gạo nếp Tú Lệ',
  'Cao actiso',
  'Trà actiso túi lọc',
  'Quế điếu',
  'Tinh dầu quế',
  'Tinh dầu sả',
  'Miến dong',
  'Miến đao',
  'Thịt trâu sấy',
  'Lạp sườn hun khói',
  'Khâu nhục',
  'Ruốc cá hồi',
  'Cá hồi hun khói',
  'Mận tam hoa sấy dẻo',
  'Rượu ngô men lá',
  'Rượu thóc',
  'Chè xanh',
  'Chè Bát tiên',
  'Chè Ô long',
  'Bánh chưng đen',
  'Cốm',
  'Măng khô',
  'Nấm hương rừng',
  'Thảo quả khô',
  'Hạt dổi',
  'Mắc khén',
  'Túi thổ cẩm',
  'Khăn thổ cẩm',
  'Tranh thổ cẩm',
  'Đông trùng hạ thảo',
  'Tương ớt',
  'Táo mèo ngâm',
  'Bưởi',
  'Lê',
  'Hồng không hạt',
  'Chuối ngự',
  'Thanh long ruột đỏ',
];
const PLACES = [
  'Sa Pa',
  'Bắc Hà',
  'Mường Khương',
  'Si Ma Cai',
  'Bảo Yên',
  'Bảo Thắng',
  'Văn Bàn',
  'Bát Xát',
  'Mù Cang Chải',
  'Trạm Tấu',
  'Văn Chấn',
  'Suối Giàng',
  'Nghĩa Lộ',
  'Tú Lệ',
  'Lục Yên',
  'Yên Bình',
  'Trấn Yên',
  'Văn Yên',
  'Thác Bà',
  'Mường Lò',
];
const PACKS = ['hộp 200g', 'hộp 500g', 'chai 500ml', 'túi 5kg', 'gói 250g', 'hũ 100g', 'lọ 50ml', 'kg', 'chiếc', 'bộ'];
const COOP_TYPES = ['HTX Nông nghiệp', 'HTX Dịch vụ', 'Tổ hợp tác', 'Hộ sản xuất', 'Công ty TNHH'];

/**
 * Loads `products` active products across `sellers` approved cooperatives in a few set-based
 * statements (seconds, not minutes), with stock, OCOP claims and a cover image row each.
 */
export async function generateCatalogue(ds: DataSource, products: number, sellers = 200): Promise<void> {
  const communes = PLACES.map((p) => `Xã ${p}`);
  const categoryIds = ((await ds.query(`SELECT id FROM categories WHERE level >= 2 ORDER BY id`)) as { id: number }[]).map((c) => c.id);
  await ds.query(
    `INSERT INTO users (email, full_name, role)
     SELECT 'htx' || g || '@bench.cho-ocop.vn', 'Đại diện HTX ' || g, 'seller' FROM generate_series(1, $1) g`,
    [sellers],
  );
  await ds.query(
    `INSERT INTO sellers (owner_user_id, name, slug, type, commune, address, description, status)
     SELECT u.id,
            ($2::text[])[1 + g % array_length($2::text[], 1)] || ' ' || ($3::text[])[1 + g % array_length($3::text[], 1)] || ' ' || g,
            'htx-bench-' || g, 'htx', ($4::text[])[1 + g % array_length($4::text[], 1)], 'Thôn ' || g, 'Hợp tác xã sản xuất đặc sản vùng cao',
            'approved'
     FROM generate_series(1, $1) g JOIN users u ON u.email = 'htx' || g || '@bench.cho-ocop.vn'`,
    [sellers, COOP_TYPES, PLACES, communes],
  );
  await ds.query(
    `INSERT INTO products (seller_id, category_id, name, slug, description, price_vnd, unit, stock, status,
                           ocop_stars, ocop_verified, ocop_certificate_no, ocop_decision_date, published_at, created_at)
     SELECT s.id,
            ($6::int[])[1 + g % array_length($6::int[], 1)],
            ($2::text[])[1 + g % array_length($2::text[], 1)] || ' ' || ($3::text[])[1 + (g / 7) % array_length($3::text[], 1)] || ' ' || ($4::text[])[1 + g % array_length($4::text[], 1)] || ' lô ' || g,
            'bench-' || g,
            'Đặc sản ' || ($3::text[])[1 + (g / 7) % array_length($3::text[], 1)] || ', sản phẩm OCOP của hợp tác xã địa phương, lô hàng số ' || g,
            1000 * (20 + (g::bigint * 7919) % 980)::int, ($4::text[])[1 + g % array_length($4::text[], 1)], 10 + g % 200, 'active',
            CASE WHEN g % 3 = 0 THEN 3 + g % 3 END, g % 3 = 0, CASE WHEN g % 3 = 0 THEN 'QĐ-' || g END,
            CASE WHEN g % 3 = 0 THEN DATE '2024-01-01' + (g % 600) END,
            now(), now() - make_interval(mins => $5 - g)
     FROM generate_series(1, $5) g
     JOIN sellers s ON s.slug = 'htx-bench-' || (1 + g % $1)`,
    [sellers, KINDS, PLACES, PACKS, products, categoryIds],
  );
  await ds.query(
    `INSERT INTO stock_movements (product_id, delta, reason, balance_after) SELECT id, stock, 'initial', stock FROM products WHERE slug LIKE 'bench-%'`,
  );
  await ds.query(
    `INSERT INTO product_images (product_id, storage_key, sizes, width, height, position)
     SELECT id, 'products/bench/' || id, '{400,800,1600}', 1600, 1600, 0 FROM products WHERE slug LIKE 'bench-%'`,
  );
  await ds.query('VACUUM ANALYZE');
}

export const SEARCH_CLASSES: { name: string; queries: string[] }[] = [
  { name: 'no match', queries: ['xyzzy khong co', 'qqqq wwww', 'zzzz'] },
  { name: '1–2 characters', queries: ['m', 'tr', 'ga', 'ch'] },
  { name: 'one word, accents', queries: ['mật', 'quế', 'gạo', 'miến'] },
  { name: 'one word, no accents', queries: ['mat', 'que', 'gao', 'mien'] },
  { name: '8 words', queries: ['tra shan tuyet co thu suoi giang hop 200g', 'mat ong hoa rung bac ha chai 500ml lo'] },
  { name: 'typo', queries: ['mat ongg', 'tra shan tuyett', 'gao seng cuu'] },
];
