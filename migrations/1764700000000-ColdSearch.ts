import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cold search (issue 22): a search ranks bounded candidate sets, best rank first (see
 * CatalogService's ranking). The first set is the products whose name holds the words with their
 * exact diacritics, `lower(name) LIKE '%mật%'`: this trigram index serves it for a rare word, and
 * its statistics (ANALYZE gathers them for an index expression) tell the planner how common the
 * word is, so a common one is read newest first off the primary key instead. PostgreSQL keeps the
 * index right on every product write; nothing else is derived or stored.
 */
export class ColdSearch1764700000000 implements MigrationInterface {
  name = 'ColdSearch1764700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX products_lower_name_trgm ON products USING gin (lower(name) gin_trgm_ops)`);
    await q.query(`ANALYZE products`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX products_lower_name_trgm`);
  }
}
