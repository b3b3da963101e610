import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../server/db/data-source';
import { runMigrations } from '../../../server/db/migrate';
import { migrations } from '../../../migrations';
import { foldVietnamese } from '../../../server/lib/text';
import { adminQuery, databaseUrl } from '../../helpers/test-context';

describe('migrations from an empty database', () => {
  const name = `cho_test_migrate_${crypto.randomBytes(4).toString('hex')}`;
  let ds: DataSource;
  let applied: string[];

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${name}`);
    ds = createDataSource({ url: databaseUrl(name), poolSize: 2 });
    await ds.initialize();
    applied = await runMigrations(ds);
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('applies every migration, in order, and records it', async () => {
    expect(applied[0]).toBe('InitialSchema1764170000000');
    expect(applied).toEqual(migrations.map((Migration) => new Migration().name));
    const rows = await ds.query(`SELECT name FROM migrations ORDER BY id`);
    expect(rows.map((r: { name: string }) => r.name)).toEqual(applied);
  });

  it('installs unaccent, pg_trgm and citext', async () => {
    const rows = (await ds.query(`SELECT extname FROM pg_extension`)) as { extname: string }[];
    expect(rows.map((r) => r.extname)).toEqual(expect.arrayContaining(['unaccent', 'pg_trgm', 'citext']));
  });

  it('creates the catalogue tables', async () => {
    const rows = (await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)) as {
      table_name: string;
    }[];
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['users', 'sellers', 'categories', 'products', 'product_images', 'stock_movements']));
  });

  it('creates the trigram search indexes', async () => {
    const rows = (await ds.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'products'`)) as {
      indexname: string;
      indexdef: string;
    }[];
    for (const index of ['products_search_name_trgm', 'products_search_compact_trgm', 'products_search_doc_trgm']) {
      expect(rows.find((r) => r.indexname === index)?.indexdef).toMatch(/USING gin .*gin_trgm_ops/);
    }
  });

  it('inserts the 39 OCOP groups of Decision 148/QĐ-TTg', async () => {
    const [{ total }] = await ds.query(`SELECT count(*)::int AS total FROM categories`);
    expect(total).toBe(39);
    const levels = await ds.query(`SELECT level, count(*)::int AS n FROM categories GROUP BY level ORDER BY level`);
    expect(levels).toEqual([
      { level: 1, n: 6 },
      { level: 2, n: 17 },
      { level: 3, n: 16 },
    ]);
    const [honey] = await ds.query(`SELECT parent_code, name_vi FROM categories WHERE code = 'I.2.b'`);
    expect(honey).toEqual({ parent_code: 'I.2', name_vi: 'Mật ong, mật khác và nông sản thực phẩm khác' });
  });

  it('folds text in SQL exactly as the app does', async () => {
    const samples = ['Mật ong Đường', 'Trà Shan tuyết cổ thụ', 'Túi thổ cẩm', '  Gạo   Séng Cù  ', 'Phở ỨNG Hoà', 'Quả mận Tả Van'];
    for (const text of samples) {
      const [{ folded }] = await ds.query(`SELECT chocop_fold($1) AS folded`, [text]);
      expect({ text, folded }).toEqual({ text, folded: foldVietnamese(text) });
    }
  });

  it('rejects a negative stock with the CHECK constraint', async () => {
    const [user] = await ds.query(`INSERT INTO users (email, full_name, role) VALUES ('htx@example.vn', 'HTX', 'seller') RETURNING id`);
    const [seller] = await ds.query(
      `INSERT INTO sellers (owner_user_id, name, slug, type, commune, status) VALUES ($1, 'HTX', 'htx', 'htx', 'Xã Bắc Hà', 'approved') RETURNING id`,
      [user.id],
    );
    const insert = (slug: string, stock: number) =>
      ds.query(
        `INSERT INTO products (seller_id, category_id, name, slug, price_vnd, stock)
         VALUES ($1, (SELECT id FROM categories WHERE code = 'I.2.b'), 'Mật ong', $2, 100000, $3)`,
        [seller.id, slug, stock],
      );
    await expect(insert('mat-ong-am', -1)).rejects.toMatchObject({ code: '23514', constraint: 'products_stock_check' });
    await insert('mat-ong', 0);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM products`);
    expect(n).toBe(1);
    // The generated search columns are filled in by the database.
    const [row] = await ds.query(`SELECT search_name, search_compact, ocop_valid_until FROM products`);
    expect(row).toEqual({ search_name: 'mat ong', search_compact: 'matong', ocop_valid_until: null });
  });

  it('applies nothing the second time', async () => {
    expect(await runMigrations(ds)).toEqual([]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM migrations`);
    expect(n).toBe(migrations.length);
    const [{ total }] = await ds.query(`SELECT count(*)::int AS total FROM categories`);
    expect(total).toBe(39);
  });
});
