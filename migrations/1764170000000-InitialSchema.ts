import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation: extensions, search functions, users, sellers, the OCOP group tree (148/QĐ-TTg,
 * reference data inserted here so every database has it), products, images and the stock ledger.
 */
export class InitialSchema1764170000000 implements MigrationInterface {
  name = 'InitialSchema1764170000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS citext`);

    // unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes an
    // IMMUTABLE wrapper that generated columns and indexes may use.
    await q.query(`
      CREATE FUNCTION chocop_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);
    // Folded form used for search: no accents (đ → d), lower case, single spaces.
    await q.query(`
      CREATE FUNCTION chocop_fold(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT btrim(regexp_replace(lower(chocop_unaccent($1)), '\\s+', ' ', 'g')) $$`);

    await q.query(`
      CREATE TABLE users (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        email citext NOT NULL UNIQUE,
        password_hash text,
        full_name text NOT NULL,
        phone text,
        role text NOT NULL DEFAULT 'buyer' CHECK (role IN ('buyer', 'seller', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE sellers (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner_user_id integer NOT NULL UNIQUE REFERENCES users(id),
        name text NOT NULL,
        slug text NOT NULL UNIQUE,
        type text NOT NULL CHECK (type IN ('htx', 'to_hop_tac', 'doanh_nghiep', 'ho_san_xuat')),
        province text NOT NULL DEFAULT 'Lào Cai',
        commune text NOT NULL,
        address text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        phone text,
        tax_code text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
        status_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sellers_status_idx ON sellers (status)`);

    await q.query(`
      CREATE TABLE categories (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code text NOT NULL UNIQUE,
        parent_code text REFERENCES categories(code),
        level smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
        position smallint NOT NULL,
        name_vi text NOT NULL,
        name_en text NOT NULL
      )`);
    await q.query(`INSERT INTO categories (code, parent_code, level, position, name_vi, name_en) VALUES
  ('I', NULL, 1, 1, 'Thực phẩm', 'Food'),
  ('I.1', 'I', 2, 1, 'Thực phẩm tươi sống', 'Fresh food'),
  ('I.1.a', 'I.1', 3, 1, 'Rau, củ, quả, hạt tươi', 'Fresh vegetables, tubers, fruit, nuts'),
  ('I.1.b', 'I.1', 3, 2, 'Thịt, thủy sản, trứng, sữa tươi', 'Fresh meat, seafood, eggs, milk'),
  ('I.2', 'I', 2, 2, 'Thực phẩm thô, sơ chế', 'Raw / minimally processed food'),
  ('I.2.a', 'I.2', 3, 1, 'Gạo, ngũ cốc, hạt sơ chế khác', 'Rice, cereals, other semi-processed grains'),
  ('I.2.b', 'I.2', 3, 2, 'Mật ong, mật khác và nông sản thực phẩm khác', 'Honey, other syrups and other farm foods'),
  ('I.3', 'I', 2, 3, 'Thực phẩm chế biến', 'Processed food'),
  ('I.3.a', 'I.3', 3, 1, 'Đồ ăn nhanh', 'Fast / ready-to-eat food'),
  ('I.3.b', 'I.3', 3, 2, 'Chế biến từ gạo, ngũ cốc', 'Processed from rice & cereals'),
  ('I.3.c', 'I.3', 3, 3, 'Chế biến từ rau, củ, quả, hạt', 'Processed from vegetables, fruit, nuts'),
  ('I.3.d', 'I.3', 3, 4, 'Chế biến từ thịt, trứng, sữa, thủy sản, các sản phẩm từ mật ong, mật khác và nông sản thực phẩm khác', 'Processed from meat, eggs, dairy, seafood, honey and other farm foods'),
  ('I.4', 'I', 2, 4, 'Gia vị', 'Condiments & spices'),
  ('I.4.a', 'I.4', 3, 1, 'Tương, nước mắm, gia vị dạng lỏng khác', 'Sauces, fish sauce, other liquid condiments'),
  ('I.4.b', 'I.4', 3, 2, 'Gia vị khác', 'Other spices (salt, garlic, pepper…)'),
  ('I.5', 'I', 2, 5, 'Chè', 'Tea'),
  ('I.5.a', 'I.5', 3, 1, 'Chè tươi, chè chế biến', 'Fresh and processed tea (Camellia)'),
  ('I.5.b', 'I.5', 3, 2, 'Sản phẩm chè từ thực vật khác', 'Herbal/other-plant ''teas'''),
  ('I.6', 'I', 2, 6, 'Cà phê, ca cao', 'Coffee, cocoa'),
  ('II', NULL, 1, 2, 'Đồ uống', 'Beverages'),
  ('II.1', 'II', 2, 1, 'Đồ uống có cồn', 'Alcoholic beverages'),
  ('II.1.a', 'II.1', 3, 1, 'Rượu trắng', 'White spirits (rice/corn liquor)'),
  ('II.1.b', 'II.1', 3, 2, 'Đồ uống có cồn khác', 'Other alcoholic drinks (fruit wines…)'),
  ('II.2', 'II', 2, 2, 'Đồ uống không cồn', 'Non-alcoholic beverages'),
  ('II.2.a', 'II.2', 3, 1, 'Nước khoáng thiên nhiên, nước uống đóng chai', 'Natural mineral / bottled water'),
  ('II.2.b', 'II.2', 3, 2, 'Đồ uống không cồn', 'Other non-alcoholic drinks'),
  ('III', NULL, 1, 3, 'Dược liệu và sản phẩm từ dược liệu', 'Medicinal herbs and herbal products'),
  ('III.1', 'III', 2, 1, 'Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền', 'Functional foods, herbal & traditional medicines'),
  ('III.2', 'III', 2, 2, 'Mỹ phẩm có thành phần từ dược liệu', 'Cosmetics with herbal ingredients'),
  ('III.3', 'III', 2, 3, 'Tinh dầu và dược liệu khác', 'Essential oils and other herbal materials'),
  ('IV', NULL, 1, 4, 'Hàng thủ công mỹ nghệ', 'Handicrafts'),
  ('IV.1', 'IV', 2, 1, 'Thủ công mỹ nghệ gia dụng, trang trí', 'Household & decorative handicrafts'),
  ('IV.2', 'IV', 2, 2, 'Vải, may mặc', 'Textiles & garments (incl. brocade)'),
  ('V', NULL, 1, 5, 'Sinh vật cảnh', 'Ornamental plants & animals'),
  ('V.1', 'V', 2, 1, 'Hoa', 'Flowers'),
  ('V.2', 'V', 2, 2, 'Cây cảnh', 'Ornamental trees / bonsai'),
  ('V.3', 'V', 2, 3, 'Động vật cảnh', 'Ornamental animals'),
  ('VI', NULL, 1, 6, 'Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch', 'Community-based tourism, eco-tourism services and tourist sites'),
  ('VI.1', 'VI', 2, 1, 'Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch', 'Community/eco-tourism services and attractions')`);

    await q.query(`
      CREATE TABLE products (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seller_id integer NOT NULL REFERENCES sellers(id),
        category_id integer NOT NULL REFERENCES categories(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        slug text NOT NULL UNIQUE,
        description text NOT NULL DEFAULT '',
        price_vnd integer NOT NULL CHECK (price_vnd >= 0),
        unit text NOT NULL DEFAULT '',
        stock integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
        low_stock_threshold integer NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'hidden')),
        hidden_reason text,
        ocop_stars smallint CHECK (ocop_stars BETWEEN 3 AND 5),
        ocop_certificate_no text,
        ocop_decision_date date,
        ocop_issuer text,
        ocop_verified boolean NOT NULL DEFAULT false,
        -- A certificate is valid 36 months from its decision date.
        ocop_valid_until date GENERATED ALWAYS AS ((ocop_decision_date + interval '36 months')::date) STORED,
        search_name text GENERATED ALWAYS AS (chocop_fold(name)) STORED,
        search_compact text GENERATED ALWAYS AS (replace(chocop_fold(name), ' ', '')) STORED,
        search_doc text GENERATED ALWAYS AS (chocop_fold(name || ' ' || unit || ' ' || description)) STORED,
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE INDEX products_seller_idx ON products (seller_id, id)`);
    await q.query(`CREATE INDEX products_category_idx ON products (category_id)`);
    await q.query(`CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_price_idx ON products (price_vnd, id) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_stars_idx ON products (ocop_stars DESC NULLS LAST, id DESC) WHERE status = 'active'`);
    await q.query(`CREATE INDEX products_search_name_trgm ON products USING gin (search_name gin_trgm_ops)`);
    await q.query(`CREATE INDEX products_search_compact_trgm ON products USING gin (search_compact gin_trgm_ops)`);
    await q.query(`CREATE INDEX products_search_doc_trgm ON products USING gin (search_doc gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE product_images (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        product_id integer NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        storage_key text NOT NULL UNIQUE,
        sizes integer[] NOT NULL,
        width integer NOT NULL,
        height integer NOT NULL,
        position integer NOT NULL DEFAULT 0,
        alt text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX product_images_product_idx ON product_images (product_id, position, id)`);

    await q.query(`
      CREATE TABLE stock_movements (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        product_id integer NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        delta integer NOT NULL CHECK (delta <> 0),
        reason text NOT NULL CHECK (reason IN ('initial', 'restock', 'damage', 'stocktake', 'other', 'sale', 'release')),
        balance_after integer NOT NULL CHECK (balance_after >= 0),
        note text,
        actor_user_id integer REFERENCES users(id),
        order_id integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX stock_movements_product_idx ON stock_movements (product_id, id DESC)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stock_movements`);
    await q.query(`DROP TABLE product_images`);
    await q.query(`DROP TABLE products`);
    await q.query(`DROP TABLE categories`);
    await q.query(`DROP TABLE sellers`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP FUNCTION chocop_fold(text)`);
    await q.query(`DROP FUNCTION chocop_unaccent(text)`);
  }
}
