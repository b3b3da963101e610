import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Name words are split at whitespace and ASCII punctuation; a query word never holds one of these. */
const SEPARATORS = String.raw`[\s\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+`;

/**
 * Cold search at 500,000 products (issue 22). A common word's newest name matches used to be found by
 * walking the products' primary key backwards through ~20 wide rows per match; now they come off a
 * narrow index of name words, newest first (see CatalogService's ranking, which uses it only when the
 * result is the same as the LIKE scan's).
 *
 * - `product_search_words`: each product's distinct name words of 3 characters or more that are not
 *   all digits, twice: as written in lower case (`folded = false`, for the exact-diacritics set) and
 *   folded by chocop_fold (`folded = true`, for the other name matches). Its primary key, walked
 *   backwards from (folded, word), gives a word's products newest first.
 * - `product_search_vocab`: every such word ever indexed, with a trigram index, so a query finds the
 *   indexed words that contain its word (every name holding the query holds one of them); with few
 *   enough of them their lists are read, otherwise the scan. Words are never removed from it: a stale
 *   word only costs one empty list, or sends a query to the slower, equally exact path.
 *
 * Both are derived data kept by triggers on products, so the catalog module (ProductService) stays the
 * one writer of product rows and nothing in the application writes these tables.
 */
export class SearchWords1764810000000 implements MigrationInterface {
  name = 'SearchWords1764810000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION chocop_name_words(text) RETURNS TABLE (folded boolean, word text)
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$
        SELECT DISTINCT x.folded, x.word FROM (
          SELECT false AS folded, regexp_split_to_table(lower($1), '${SEPARATORS}') AS word
          UNION ALL
          SELECT true, regexp_split_to_table(chocop_fold($1), '${SEPARATORS}')
        ) x
        WHERE char_length(x.word) >= 3 AND x.word !~ '^[0-9]+$'
      $$`);
    await q.query(`
      CREATE TABLE product_search_words (
        folded boolean NOT NULL,
        word text NOT NULL,
        product_id integer NOT NULL,
        PRIMARY KEY (folded, word, product_id)
      )`);
    await q.query(`CREATE TABLE product_search_vocab (word text PRIMARY KEY)`);

    // Statement-level for inserts and deletes (one set-based insert for a bulk load); a rename is rare.
    await q.query(`
      CREATE FUNCTION product_search_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO product_search_words (folded, word, product_id)
          SELECT w.folded, w.word, n.id FROM new_products n, chocop_name_words(n.name) w;
        INSERT INTO product_search_vocab (word)
          SELECT DISTINCT w.word FROM new_products n, chocop_name_words(n.name) w ORDER BY 1
          ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION product_search_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM product_search_words sw USING old_products o, chocop_name_words(o.name) w
          WHERE sw.folded = w.folded AND sw.word = w.word AND sw.product_id = o.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION product_search_words_rename() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM product_search_words sw USING chocop_name_words(OLD.name) w
          WHERE sw.folded = w.folded AND sw.word = w.word AND sw.product_id = OLD.id;
        INSERT INTO product_search_words (folded, word, product_id)
          SELECT w.folded, w.word, NEW.id FROM chocop_name_words(NEW.name) w;
        INSERT INTO product_search_vocab (word)
          SELECT DISTINCT w.word FROM chocop_name_words(NEW.name) w ORDER BY 1 ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER products_search_words_insert AFTER INSERT ON products
      REFERENCING NEW TABLE AS new_products FOR EACH STATEMENT EXECUTE FUNCTION product_search_words_insert()`);
    await q.query(`
      CREATE TRIGGER products_search_words_delete AFTER DELETE ON products
      REFERENCING OLD TABLE AS old_products FOR EACH STATEMENT EXECUTE FUNCTION product_search_words_delete()`);
    await q.query(`
      CREATE FUNCTION product_search_words_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE product_search_words;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER products_search_words_truncate AFTER TRUNCATE ON products EXECUTE FUNCTION product_search_words_truncate()`);
    // Only a changed name: stock and price updates (checkout) never call it.
    await q.query(`
      CREATE TRIGGER products_search_words_rename AFTER UPDATE OF name ON products
      FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION product_search_words_rename()`);

    await q.query(`
      INSERT INTO product_search_words (folded, word, product_id)
      SELECT w.folded, w.word, p.id FROM products p, chocop_name_words(p.name) w`);
    await q.query(`INSERT INTO product_search_vocab (word) SELECT DISTINCT word FROM product_search_words`);
    await q.query(`CREATE INDEX product_search_vocab_trgm ON product_search_vocab USING gin (word gin_trgm_ops)`);
    await q.query(`ANALYZE product_search_words, product_search_vocab`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER products_search_words_rename ON products`);
    await q.query(`DROP TRIGGER products_search_words_delete ON products`);
    await q.query(`DROP TRIGGER products_search_words_insert ON products`);
    await q.query(`DROP TRIGGER products_search_words_truncate ON products`);
    await q.query(`DROP FUNCTION product_search_words_truncate()`);
    await q.query(`DROP FUNCTION product_search_words_rename()`);
    await q.query(`DROP FUNCTION product_search_words_delete()`);
    await q.query(`DROP FUNCTION product_search_words_insert()`);
    await q.query(`DROP TABLE product_search_vocab`);
    await q.query(`DROP TABLE product_search_words`);
    await q.query(`DROP FUNCTION chocop_name_words(text)`);
  }
}
