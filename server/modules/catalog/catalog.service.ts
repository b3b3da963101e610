import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { preparedReads, type ReadQuery } from '../../db/prepared';
import { SqlParams } from '../../db/sql-params';
import type { Clock } from '../../lib/clock';
import { todayInVietnam } from '../../lib/dates';
import { hasValidOcopBadge } from '../../lib/ocop';
import { escapeLike, foldVietnamese } from '../../lib/text';
import { NotFoundError } from '../../lib/errors';
import { maskIdentification } from '../tax';
import type { MediaStorage } from '../../storage/media-storage';
import type { Category } from './category.entity';
import { PAGE_SIZE, type ProductQuery, type ProductSort } from './catalog.schemas';
import { imageSrcset, imageVariantName, pickWidth } from './product-images';
import { COVER_JOIN, LISTED } from './product-sql';

/** Past this many matches a listing says "more than 1000" instead of counting every row. */
export const COUNT_CAP = 1000;

export interface OcopView {
  stars: number | null;
  verified: boolean;
  validUntil: string | null;
  decisionDate?: string | null;
  certificateNo?: string | null;
  issuer?: string | null;
  /** True only while the badge may be shown: verified, 3–5★, inside its 36 months. */
  badge: boolean;
  expired: boolean;
  national: boolean;
}

export interface ProductCard {
  id: number;
  slug: string;
  name: string;
  priceVnd: number;
  unit: string;
  stock: number;
  inStock: boolean;
  ocop: OcopView;
  seller: { name: string; slug: string; commune: string };
  category: { code: string; nameVi: string; nameEn: string };
  imageUrl: string | null;
  imageSrcset: string | null;
  /** Verified buyers' reviews (the maintained aggregate): average null and count 0 when none. */
  rating: { average: number | null; count: number };
}

export interface ProductDetail extends ProductCard {
  description: string;
  images: { url: string; largeUrl: string; srcset: string; alt: string; width: number; height: number }[];
  seller: ProductCard['seller'] & { type: string; description: string; address: string };
  /** Current batches (traceability): not expired, newest first, at most 5; each links to its trace page. */
  batches: ProductBatchSummary[];
}

export interface ProductBatchSummary {
  code: string;
  traceCode: string;
  producedOn: string;
  expiresOn: string | null;
  area: string;
}

/** The product page's current batches, read in the page's one query ($2 is today in Vietnam). */
const CURRENT_BATCHES = `coalesce((SELECT json_agg(b) FROM (
    SELECT code, trace_code AS "traceCode", produced_on AS "producedOn", expires_on AS "expiresOn", area FROM product_batches
    WHERE product_id = p.id AND (expires_on IS NULL OR expires_on >= $2::date) ORDER BY produced_on DESC, id DESC LIMIT 5) b), '[]'::json) AS batches`;

export interface ProductPage {
  items: ProductCard[];
  total: number;
  totalCapped: boolean;
  page: number;
  pageSize: number;
  sort: ProductSort;
  /** Keyset cursor for the next page; absent on the last page. */
  nextCursor: string | null;
  /** The filter options that have products in this result (searchProducts' `withFacets`). */
  facets?: Facets;
}

/**
 * Counts per filter option. Each facet applies the OTHER filters (the group facet ignores the chosen
 * group, so a buyer can switch groups), plus the search and the price range. `complete` is false when
 * a search's words match more than COUNT_CAP products: the options are then unknown and the page offers them all.
 */
export interface Facets {
  complete: boolean;
  /** Listed products per category id (the group's own products, not its subgroups'). */
  groups: Map<number, number>;
  communes: Map<string, number>;
  /** Products per trusted OCOP star count (3, 4, 5). */
  stars: Map<number, number>;
}

/** One row of a facet summary: the matches with this group, commune and trusted stars. */
interface FacetTuple {
  c: number;
  m: string;
  st: number;
  n: number;
}

/** Filter choices whose facets are kept per facet summary (the rest are derived per request). */
const DERIVED_PER_SUMMARY = 64;

interface FacetSummary {
  tuples: FacetTuple[];
  complete: boolean;
}

/** A one-word search reads the product lists of at most this many indexed words containing its word (more: it scans, as other searches). */
export const WORD_LISTS = 8;

/** The lowest rank of a search (typos, description-only matches) is ordered by closeness among its newest this many rows. */
export const TYPO_SAMPLE = 2000;

export interface CategoryNode {
  id: number;
  code: string;
  nameVi: string;
  nameEn: string;
  level: number;
  children: CategoryNode[];
}

export interface SellerStorefront {
  id: number;
  name: string;
  slug: string;
  type: string;
  commune: string;
  province: string;
  address: string;
  description: string;
  /** Only the last digits: the full tax code is for the seller and admins. */
  taxCodeMasked: string | null;
}

export interface CatalogFilter extends Partial<ProductQuery> {
  sellerId?: number;
}

/** A product card's row, as CARD_COLUMNS selects it. */
export interface CardRow {
  id: number;
  slug: string;
  name: string;
  price_vnd: number;
  unit: string;
  stock: number;
  ocop_stars: number | null;
  ocop_verified: boolean;
  ocop_valid_until: string | null;
  seller_name: string;
  seller_slug: string;
  seller_commune: string;
  category_code: string;
  category_name_vi: string;
  category_name_en: string;
  cover_key: string | null;
  cover_sizes: number[] | null;
  /** numeric(3,2) as PostgreSQL sends it ("4.67"); null without visible reviews. */
  rating_average: string | null;
  rating_count: number | null;
}

/** The best COUNT_CAP + 1 matches of a search in rank order: their number is the count (capped). */
interface Ranking {
  ids: number[];
}

interface SortSpec {
  /** `stars` is the SQL for the stars a buyer can trust (see trustedStarsSql); only the stars sort uses it. */
  order: (stars: string) => string;
  /** Keyset comparison for the next page, given the last row. */
  keyset: (p: SqlParams, key: number[], stars: string) => string;
  key: (row: CardRow, now: Date) => number[];
  /** The range of each key value, as its column holds it: a cursor's values are checked against these. */
  keyRange: KeyRange[];
}

type KeyRange = readonly [min: number, max: number];
const INT4_MAX = 2_147_483_647;
const ID_RANGE: KeyRange = [1, INT4_MAX];
const PRICE_RANGE: KeyRange = [0, INT4_MAX];
const STARS_RANGE: KeyRange = [0, 5];
const RATING_RANGE: KeyRange = [0, 500];

/** The reviews aggregate of a product (reviews module's product_ratings, one primary-key row): absent means no reviews. */
const RATING_JOIN = 'LEFT JOIN product_ratings pr ON pr.product_id = p.id';
/** The average in hundredths and the count, 0 without reviews: so the rating sort puts unreviewed products last. */
const RATING_KEY = 'coalesce(pr.average * 100, 0)';
const RATING_COUNT = 'coalesce(pr.review_count, 0)';

/** Stars a buyer can trust: a verified certificate inside its 36 months. Unverified or expired claims count as none. */
function trustedStarsSql(today: string): string {
  return `(CASE WHEN p.ocop_verified AND p.ocop_valid_until >= ${today}::date THEN coalesce(p.ocop_stars, 0) ELSE 0 END)`;
}

function trustedStars(row: CardRow, now: Date): number {
  const claim = { ocopStars: row.ocop_stars, ocopVerified: row.ocop_verified, ocopValidUntil: row.ocop_valid_until };
  return hasValidOcopBadge(claim, now) ? (row.ocop_stars ?? 0) : 0;
}

/**
 * The word of a one-word query the name word index can answer (migration 1764810000000-SearchWords
 * indexes the same words): 3 characters or more, only letters, marks and digits (no separator of a
 * name falls inside it), not all digits. Null otherwise: the query is matched by LIKE alone.
 */
export function indexedWord(text: string): string | null {
  return [...text].length >= 3 && /^[\p{L}\p{M}\p{N}]+$/u.test(text) && !/^[0-9]+$/.test(text) ? text : null;
}

/**
 * A search's ranking statement: the best COUNT_CAP + 1 ids. Without a rank (1–2 letters) the newest
 * matches come straight off the primary key. Either way the capped list is its own count: past
 * COUNT_CAP the page says "more than 1000".
 */
function rankingSql(where: string[], ranking: ((params: SqlParams) => string) | null, params: SqlParams): string {
  return (
    ranking?.(params) ??
    `SELECT p.id FROM products p JOIN sellers s ON s.id = p.seller_id WHERE ${where.join(' AND ')} ORDER BY p.id DESC LIMIT ${COUNT_CAP + 1}`
  );
}

/** Sorts a listing walks in index order; relevance pages are built from a ranking instead (relevancePage). */
const SORTS: Record<Exclude<ProductSort, 'relevance'>, SortSpec> = {
  newest: { order: () => 'p.id DESC', keyset: (p, [id]) => `p.id < ${p.add(id)}`, key: (r) => [r.id], keyRange: [ID_RANGE] },
  price_asc: {
    order: () => 'p.price_vnd ASC, p.id ASC',
    keyset: (p, [price, id]) => `(p.price_vnd, p.id) > (${p.add(price)}, ${p.add(id)})`,
    key: (r) => [r.price_vnd, r.id],
    keyRange: [PRICE_RANGE, ID_RANGE],
  },
  price_desc: {
    order: () => 'p.price_vnd DESC, p.id DESC',
    keyset: (p, [price, id]) => `(p.price_vnd, p.id) < (${p.add(price)}, ${p.add(id)})`,
    key: (r) => [r.price_vnd, r.id],
    keyRange: [PRICE_RANGE, ID_RANGE],
  },
  stars: {
    order: (stars) => `${stars} DESC, p.id DESC`,
    keyset: (p, [value, id], stars) => `(${stars}, p.id) < (${p.add(value)}, ${p.add(id)})`,
    key: (r, now) => [trustedStars(r, now), r.id],
    keyRange: [STARS_RANGE, ID_RANGE],
  },
  rating: {
    order: () => `${RATING_KEY} DESC, ${RATING_COUNT} DESC, p.id DESC`,
    keyset: (p, [average, count, id]) => `(${RATING_KEY}, ${RATING_COUNT}, p.id) < (${p.add(average)}, ${p.add(count)}, ${p.add(id)})`,
    key: (r) => [Math.round(Number(r.rating_average ?? 0) * 100), r.rating_count ?? 0, r.id],
    keyRange: [RATING_RANGE, [0, INT4_MAX], ID_RANGE],
  },
};

function encodeCursor(sort: ProductSort, key: number[]): string {
  return Buffer.from(JSON.stringify([sort, ...key])).toString('base64url');
}

/**
 * The key a cursor carries, or null (page one) unless it is this sort's and every value is one its
 * column can hold. CASE: a forged cursor is anyone's to write; a value beyond PostgreSQL's integer
 * would fail the query.
 */
function decodeCursor(sort: Exclude<ProductSort, 'relevance'>, cursor: string | undefined): number[] | null {
  if (!cursor) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded[0] !== sort) return null;
  const key = decoded.slice(1) as unknown[];
  const ranges = SORTS[sort].keyRange;
  if (key.length !== ranges.length) return null;
  const inRange = key.every((k, i) => Number.isSafeInteger(k) && (k as number) >= ranges[i][0] && (k as number) <= ranges[i][1]);
  return inRange ? (key as number[]) : null;
}

const CARD_COLUMNS = `
  p.id, p.slug, p.name, p.price_vnd, p.unit, p.stock, p.ocop_stars, p.ocop_verified, p.ocop_valid_until,
  s.name AS seller_name, s.slug AS seller_slug, s.commune AS seller_commune,
  c.code AS category_code, c.name_vi AS category_name_vi, c.name_en AS category_name_en,
  img.storage_key AS cover_key, img.sizes AS cover_sizes, pr.average AS rating_average, pr.review_count AS rating_count`;

/** Deferred join: find the page's ids on the narrow indexed rows, then fetch only those rows in full. */
function keysetPageSql(where: string[], order: string, params: SqlParams, pageSize: number, offset: number): string {
  return `
      WITH page AS (
        SELECT p.id
        FROM products p JOIN sellers s ON s.id = p.seller_id
        ${RATING_JOIN}
        WHERE ${where.join(' AND ')}
        ORDER BY ${order}
        LIMIT ${params.add(pageSize + 1)} OFFSET ${params.add(offset)}
      )
      SELECT ${CARD_COLUMNS}
      FROM page
      JOIN products p ON p.id = page.id
      JOIN sellers s ON s.id = p.seller_id
      JOIN categories c ON c.id = p.category_id
      ${COVER_JOIN}
      ${RATING_JOIN}
      ORDER BY ${order}`;
}

/**
 * Page 1 of the unfiltered newest listing (/products as a visitor first sees it), the query
 * searchProducts sends for it. Exported for the benchmark's same-page baseline.
 */
export function newestFirstPageQuery(): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const sql = keysetPageSql([LISTED], SORTS.newest.order(''), params, PAGE_SIZE, 0);
  return { sql, params: params.values };
}

/** A keyset page from its rows, which hold one row more than the page when there is a next page. Counting is the caller's. */
export function keysetPage(
  rows: CardRow[],
  listing: { sort: Exclude<ProductSort, 'relevance'>; page: number; pageSize: number },
  media: MediaStorage,
  now: Date,
): Omit<ProductPage, 'total' | 'totalCapped'> {
  const { sort, page, pageSize } = listing;
  const hasNext = rows.length > pageSize;
  const visible = rows.slice(0, pageSize);
  const last = visible[visible.length - 1];
  return {
    items: visible.map((r) => toProductCard(r, media, now)),
    page,
    pageSize,
    sort,
    nextCursor: hasNext && last ? encodeCursor(sort, SORTS[sort].key(last, now)) : null,
  };
}

/** A listing's card: the OCOP badge only while a buyer may trust it at `now`, and the cover photo's URLs. */
export function toProductCard(row: CardRow, media: MediaStorage, now: Date): ProductCard {
  const claim = { ocopStars: row.ocop_stars, ocopVerified: row.ocop_verified, ocopValidUntil: row.ocop_valid_until };
  const badge = hasValidOcopBadge(claim, now);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    priceVnd: row.price_vnd,
    unit: row.unit,
    stock: row.stock,
    inStock: row.stock > 0,
    ocop: {
      stars: row.ocop_stars,
      verified: row.ocop_verified,
      validUntil: row.ocop_valid_until,
      badge,
      expired: row.ocop_verified && !!row.ocop_valid_until && row.ocop_valid_until < todayInVietnam(now),
      national: badge && row.ocop_stars === 5,
    },
    seller: { name: row.seller_name, slug: row.seller_slug, commune: row.seller_commune },
    category: { code: row.category_code, nameVi: row.category_name_vi, nameEn: row.category_name_en },
    imageUrl: row.cover_key ? media.url(imageVariantName(row.cover_key, pickWidth(row.cover_sizes ?? [], 400))) : null,
    // Cards are at most 280 CSS px wide: 400w and 800w cover them, a 1600w entry only lengthens the HTML.
    imageSrcset: row.cover_key
      ? imageSrcset(
          row.cover_key,
          (row.cover_sizes ?? []).filter((w) => w <= 800),
          (name) => media.url(name),
        )
      : null,
    rating: { average: row.rating_average === null ? null : Number(row.rating_average), count: row.rating_count ?? 0 },
  };
}

export class CatalogService {
  private categoryTree?: Promise<{ roots: CategoryNode[]; byCode: Map<string, CategoryNode> }>;
  /** Listing counts by filter: "1.234 sản phẩm" may lag a few seconds, and every page of a listing shares it. */
  private readonly counts?: LRUCache<string, number, { where: string[]; params: unknown[] }>;
  /** First id of every page of the unfiltered newest listing, so a jump to page 800 is a keyset read. */
  private readonly anchors?: LRUCache<'newest', number[]>;
  /** Facet tuples by the filters other than group, commune and stars: every choice of those three shares one entry. */
  private readonly facetSummaries?: LRUCache<string, FacetSummary, { load: () => Promise<FacetSummary> }>;
  /** A search's ranked ids: the costly part of a search, shared by its pages and by everyone searching the same words. */
  private readonly rankings?: LRUCache<string, Ranking, { sql: string; params: unknown[] }>;
  /** deriveFacets' results per cached summary object and filter choice. */
  private readonly derivedFacets = new WeakMap<FacetSummary, Map<string, Promise<{ facets: Facets; total: number }>>>();
  private readonly read: ReadQuery;

  constructor(
    private readonly dataSource: DataSource,
    private readonly media: MediaStorage,
    private readonly clock: Clock,
    options: { cacheSeconds?: number } = {},
  ) {
    this.read = preparedReads(dataSource);
    const ttl = (options.cacheSeconds ?? 0) * 1000;
    if (ttl > 0) {
      // allowStale: while one query refreshes an expired entry, other requests keep the old value.
      this.counts = new LRUCache({
        max: 2000,
        ttl,
        allowStale: true,
        fetchMethod: (_key, _old, { context }) => this.queryCount(context.where, context.params),
      });
      this.facetSummaries = new LRUCache({
        max: 500,
        ttl,
        allowStale: true,
        fetchMethod: (_key, _old, { context }) => context.load(),
      });
      this.anchors = new LRUCache({ max: 1, ttl, allowStale: true, fetchMethod: () => this.queryPageAnchors() });
      this.rankings = new LRUCache({
        max: 500,
        ttl,
        allowStale: true,
        fetchMethod: (_key, _old, { context }) => this.queryRanking(context.sql, context.params),
      });
    }
  }

  /** The OCOP group tree is reference data written by a migration: read once per process. */
  async categories(): Promise<{ roots: CategoryNode[]; byCode: Map<string, CategoryNode> }> {
    this.categoryTree ??= this.dataSource
      .query(`SELECT id, code, parent_code AS "parentCode", level, position, name_vi AS "nameVi", name_en AS "nameEn" FROM categories ORDER BY level, position`)
      .then((rows: Category[]) => {
        const byCode = new Map<string, CategoryNode>();
        const roots: CategoryNode[] = [];
        for (const row of rows) {
          const node: CategoryNode = { id: row.id, code: row.code, nameVi: row.nameVi, nameEn: row.nameEn, level: row.level, children: [] };
          byCode.set(row.code, node);
          const parent = row.parentCode ? byCode.get(row.parentCode) : undefined;
          if (parent) parent.children.push(node);
          else roots.push(node);
        }
        return { roots, byCode };
      })
      .catch((err) => {
        this.categoryTree = undefined;
        throw err;
      });
    return this.categoryTree;
  }

  private async categoryIds(code: string): Promise<number[]> {
    const { byCode } = await this.categories();
    const root = byCode.get(code);
    if (!root) return [];
    const ids: number[] = [];
    const walk = (n: CategoryNode) => {
      ids.push(n.id);
      n.children.forEach(walk);
    };
    walk(root);
    return ids;
  }

  /**
   * The filter's conditions, and for a search of 3 letters or more its relevance ranking (the best
   * COUNT_CAP + 1 ids). `ranking` adds its own parameter only when called: a listing sorted otherwise
   * must not send one it never uses.
   */
  private async whereClause(filter: CatalogFilter, params: SqlParams): Promise<{ where: string[]; ranking: ((params: SqlParams) => string) | null }> {
    const where = [LISTED];
    let ranking: ((params: SqlParams) => string) | null = null;
    if (filter.sellerId !== undefined) where.push(`p.seller_id = ${params.add(filter.sellerId)}`);
    if (filter.category) where.push(`p.category_id = ANY(${params.add(await this.categoryIds(filter.category))}::int[])`);
    if (filter.stars) {
      // Filtering by stars means the badge a buyer can trust: verified and still valid.
      where.push(
        `p.ocop_stars = ${params.add(filter.stars)} AND p.ocop_verified AND p.ocop_valid_until >= ${params.add(todayInVietnam(this.clock.now()))}::date`,
      );
    }
    if (filter.commune) where.push(`s.commune = ${params.add(filter.commune)}`);
    if (filter.minPrice !== undefined) where.push(`p.price_vnd >= ${params.add(filter.minPrice)}`);
    if (filter.maxPrice !== undefined) where.push(`p.price_vnd <= ${params.add(filter.maxPrice)}`);

    const folded = filter.q ? foldVietnamese(filter.q) : '';
    if (folded && folded.length < 3) {
      // One or two letters: the start of a word ("m" → Mật ong, Trà mận), newest first; ranking that
      // many matches would say little and cost a scan of most of the catalogue.
      const start = escapeLike(folded);
      where.push(`(p.search_name LIKE ${params.add(`${start}%`)} OR p.search_name LIKE ${params.add(`% ${start}%`)})`);
    } else if (folded) {
      const q = params.add(folded);
      const like = params.add(`%${escapeLike(folded)}%`);
      const compactLike = params.add(`%${escapeLike(folded.replace(/ /g, ''))}%`);
      // Every branch is served by a GIN trigram index, so no query scans the table.
      where.push(`(p.search_doc LIKE ${like} OR p.search_compact LIKE ${compactLike} OR ${q} <% p.search_name)`);
      // Name matches first (exact diacritics above folded ones), then "Sa Pa"/"Sapa" matches, then the
      // rest by trigram closeness; newest first within a rank. word_similarity() is the costly part,
      // so only rows that matched neither way (typos, description-only matches) pay for it.
      const exact = `%${escapeLike(filter.q!.trim().toLowerCase())}%`;
      const filters = where.slice(0, -1).join(' AND ');
      // Ranked from bounded candidate sets, best rank first: the newest 1001 exact-diacritics name
      // matches; only if they are fewer, the newest name matches; only if those are fewer, "Sa Pa"/
      // "Sapa" matches; only then typos and description-only matches, by closeness among the newest
      // of them. A set that is not needed is never read (its gate is a one-time filter), and no scan
      // is filtered by a negated match (the planner would misjudge it and walk the whole table): a
      // set read with room for the rows of the sets above it drops those afterwards. A common word
      // thus reads its newest rows off the primary key (walked backwards, stopping at the LIMIT),
      // a rare one its few rows from the trigram indexes; nothing ranks every match.
      // A one-word query's two name sets start from the name word index: every name that holds the
      // query's word holds it inside one of its words, so its products are those of the (at most
      // WORD_LISTS) indexed words containing it ("hương": hương, khương). A common word's newest
      // matches then come off that index instead of a walk through the products.
      const exactWord = indexedWord(filter.q!.trim().toLowerCase());
      const foldedWord = indexedWord(folded);
      ranking = (more) => {
        const from = `FROM products p JOIN sellers s ON s.id = p.seller_id WHERE ${filters}`;
        const exactLike = more.add(exact);
        const cap = COUNT_CAP + 1;
        // Each set is read only while every set above it found fewer than `cap` rows, so those sets are
        // complete; `cap` rows of a set are then enough: each row it shares with them is one the ranking
        // already has, so its rows that are new are at least as many as the ranking still needs.
        const gate = (sets: string[]) => sets.map((set) => `(SELECT count(*) FROM ${set}) < ${cap}`).join(' AND ');
        // The newest `limit` listed products whose name meets `match`, once `when` (one-time gates) holds:
        // off the word index when the `words` CTE found few enough words containing the query's word,
        // by the primary key or the trigram indexes otherwise. Each word's products are checked one by
        // one, newest first, up to `limit` that match (OFFSET 0 keeps that plan: the planner, misjudging
        // LIKE's selectivity, would otherwise start from the trigram indexes and read every match); the
        // newest `limit` of all the words' matches are among those. A common word reads about `limit`.
        const nameSet = (words: { folded: boolean; cte: string } | null, when: string[], match: string, limit: number) => {
          const scan = (also: string[]) => `SELECT p.id ${from} AND ${[...also, ...when, match].join(' AND ')} ORDER BY p.id DESC LIMIT ${limit}`;
          if (!words) return scan([]);
          return `(SELECT DISTINCT m.id FROM (SELECT unnest(list) AS word FROM ${words.cte}) l
              CROSS JOIN LATERAL (
                SELECT w.product_id AS id FROM product_search_words w
                CROSS JOIN LATERAL (SELECT 1 ${from} AND p.id = w.product_id AND ${match} OFFSET 0) listed
                WHERE w.folded = ${words.folded} AND w.word = l.word ORDER BY w.product_id DESC LIMIT ${limit}
              ) m
              WHERE ${[`(SELECT few FROM ${words.cte})`, ...when].join(' AND ')}
              ORDER BY m.id DESC LIMIT ${limit})
            UNION ALL (${scan([`NOT (SELECT few FROM ${words.cte})`])})`;
        };
        // The indexed words containing `word`, and whether they are few enough to merge.
        const wordsCte = (name: string, word: string | null) =>
          word
            ? `${name} AS MATERIALIZED (
                 SELECT array_agg(v.word) AS list, count(*) <= ${WORD_LISTS} AS few
                 FROM (SELECT word FROM product_search_vocab WHERE word LIKE ${more.add(`%${escapeLike(word)}%`)} LIMIT ${WORD_LISTS + 1}) v
               ), `
            : '';
        const exactSet = nameSet(
          exactWord ? { folded: false, cte: 'exact_words' } : null,
          [],
          `p.search_name LIKE ${like} AND lower(p.name) LIKE ${exactLike}`,
          cap,
        );
        const namedSet = nameSet(foldedWord ? { folded: true, cte: 'folded_words' } : null, [gate(['exact'])], `p.search_name LIKE ${like}`, cap);
        return `WITH ${wordsCte('exact_words', exactWord)}${wordsCte('folded_words', foldedWord)}exact AS MATERIALIZED (
            ${exactSet}
          ), named AS MATERIALIZED (
            ${namedSet}
          ), compact AS MATERIALIZED (
            SELECT p.id ${from} AND ${gate(['exact', 'named'])} AND p.search_compact LIKE ${compactLike} ORDER BY p.id DESC LIMIT ${cap}
          ), near AS MATERIALIZED (
            SELECT c.id, word_similarity(${q}, c.search_name) AS r FROM (
              SELECT p.id, p.search_name ${from} AND ${gate(['exact', 'named', 'compact'])}
                AND (p.search_doc LIKE ${like} OR ${q} <% p.search_name) ORDER BY p.id DESC LIMIT ${TYPO_SAMPLE + cap}
            ) c WHERE c.id NOT IN (SELECT id FROM compact) ORDER BY r DESC, c.id DESC LIMIT ${cap}
          )
          SELECT id FROM (
            SELECT id, 7::real AS r FROM exact
            UNION ALL SELECT id, 3 FROM named WHERE id NOT IN (SELECT id FROM exact)
            UNION ALL SELECT id, 2 FROM compact WHERE id NOT IN (SELECT id FROM named)
            UNION ALL SELECT id, r FROM near
          ) ranked ORDER BY r DESC, id DESC LIMIT ${cap}`;
      };
    }
    return { where, ranking };
  }

  /**
   * `withFacets` adds the filter options that have products (the listing page's filter form). Without
   * search words the facet summary counts every match, so it also gives the total and replaces the count.
   */
  async searchProducts(filter: CatalogFilter, options: { pageSize?: number; withTotal?: boolean; withFacets?: boolean } = {}): Promise<ProductPage> {
    const pageSize = options.pageSize ?? PAGE_SIZE;
    const sort: ProductSort = filter.sort === 'relevance' && !filter.q ? 'newest' : (filter.sort ?? (filter.q ? 'relevance' : 'newest'));
    const page = filter.page ?? 1;

    const params = new SqlParams();
    const { where, ranking } = await this.whereClause(filter, params);
    if (sort === 'relevance') {
      const { result, ids } = await this.relevancePage(rankingSql(where, ranking, params), params.values, page, pageSize);
      if (!options.withFacets) return result;
      // Without a group, commune or stars filter the page's ranking is the one the facets need.
      const sameRanking = !filter.category && !filter.commune && !filter.stars;
      const summary = await this.facetSummary(filter, sameRanking ? ids : undefined);
      return { ...result, facets: (await this.deriveFacets(summary, filter)).facets };
    }
    const summary = options.withFacets ? this.facetSummary(filter) : undefined;
    const spec = SORTS[sort];
    const baseWhere = [...where];
    const filterParams = params.values.slice();
    const now = this.clock.now();
    const stars = sort === 'stars' ? trustedStarsSql(params.add(todayInVietnam(now))) : '';
    const order = spec.order(stars);
    const cursorKey = decodeCursor(sort, filter.cursor);
    if (cursorKey) where.push(spec.keyset(params, cursorKey, stars));
    const anchor = !cursorKey && sort === 'newest' && baseWhere.length === 1 && pageSize === PAGE_SIZE ? await this.pageAnchor(page) : undefined;
    if (anchor !== undefined) where.push(`p.id <= ${params.add(anchor)}`);
    const offset = cursorKey || anchor !== undefined ? 0 : (page - 1) * pageSize;
    const sql = keysetPageSql(where, order, params, pageSize, offset);

    const [rows, total, facetSummary] = await Promise.all([
      this.read<CardRow>(sql, params.values),
      options.withTotal === false ? Promise.resolve(-1) : summary && !filter.q ? Promise.resolve(-2) : this.countMatches(baseWhere, filterParams),
      summary,
    ]);
    const derived = facetSummary ? await this.deriveFacets(facetSummary, filter) : undefined;
    const count = total === -2 ? derived!.total : total;
    const listing = keysetPage(rows, { sort, page, pageSize }, this.media, now);
    return {
      ...listing,
      total: count === -1 ? listing.items.length : Math.min(count, COUNT_CAP),
      totalCapped: count > COUNT_CAP,
      ...(derived ? { facets: derived.facets } : {}),
    };
  }

  /**
   * The facet tuples of a filter: matches grouped by category, commune and trusted stars, under every
   * filter except those three (so one summary serves each choice of them), once per
   * CATALOG_CACHE_SECONDS. A listing without words groups all its matches. A search groups the
   * matches of its words' ranking (`rankedIds` when the caller has it): at most COUNT_CAP rows read
   * by primary key, never a scan of a common word's matches; past COUNT_CAP the options are unknown.
   */
  private async facetSummary(filter: CatalogFilter, rankedIds?: number[]): Promise<FacetSummary> {
    const params = new SqlParams();
    const { where, ranking } = await this.whereClause({ sellerId: filter.sellerId, q: filter.q, minPrice: filter.minPrice, maxPrice: filter.maxPrice }, params);
    const today = todayInVietnam(this.clock.now());
    let key: string;
    let load: () => Promise<FacetSummary>;
    if (!filter.q) {
      const stars = trustedStarsSql(params.add(today));
      const sql = `
        SELECT p.category_id AS c, s.commune AS m, ${stars} AS st, count(*)::int AS n
        FROM products p JOIN sellers s ON s.id = p.seller_id
        WHERE ${where.join(' AND ')}
        GROUP BY c, m, st`;
      key = JSON.stringify([sql, params.values]);
      load = async () => ({ tuples: await this.read<FacetTuple>(sql, params.values), complete: true });
    } else {
      // The same statement and parameters as the page's ranking, so the two share a cache entry.
      const searchSql = rankingSql(where, ranking, params);
      key = JSON.stringify(['ranked', searchSql, params.values, today]);
      load = async () => {
        const ids = rankedIds ?? (await this.rankedIds(searchSql, params.values)).ids;
        if (ids.length > COUNT_CAP) return { tuples: [], complete: false };
        const tuples = await this.read<FacetTuple>(
          `SELECT p.category_id AS c, s.commune AS m, ${trustedStarsSql('$2')} AS st, count(*)::int AS n
           FROM products p JOIN sellers s ON s.id = p.seller_id
           WHERE p.id = ANY($1::int[]) AND ${LISTED}
           GROUP BY c, m, st`,
          [ids, today],
        );
        return { tuples, complete: true };
      };
    }
    if (!this.facetSummaries) return load();
    return (await this.facetSummaries.fetch(key, { context: { load } })) ?? load();
  }

  /**
   * Each facet under the other chosen filters, and the total under all of them. A cached summary is one
   * object for CATALOG_CACHE_SECONDS, so each choice of group, commune and stars is derived from it once
   * (at most DERIVED_PER_SUMMARY choices kept per summary) instead of looping over its tuples per request.
   */
  private deriveFacets(summary: FacetSummary, filter: CatalogFilter): Promise<{ facets: Facets; total: number }> {
    const key = `${filter.category ?? ''}\n${filter.commune ?? ''}\n${filter.stars ?? ''}`;
    let choices = this.derivedFacets.get(summary);
    if (!choices) this.derivedFacets.set(summary, (choices = new Map()));
    const kept = choices.get(key);
    if (kept) return kept;
    const derived = this.computeFacets(summary, filter);
    if (choices.size < DERIVED_PER_SUMMARY) {
      choices.set(key, derived);
      derived.catch(() => choices.delete(key));
    }
    return derived;
  }

  private async computeFacets(summary: FacetSummary, filter: CatalogFilter): Promise<{ facets: Facets; total: number }> {
    const groupIds = filter.category ? new Set(await this.categoryIds(filter.category)) : null;
    const facets: Facets = { complete: summary.complete, groups: new Map(), communes: new Map(), stars: new Map() };
    const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);
    let total = 0;
    for (const t of summary.tuples) {
      const inGroup = !groupIds || groupIds.has(t.c);
      const inCommune = !filter.commune || t.m === filter.commune;
      const inStars = !filter.stars || t.st === filter.stars;
      if (inCommune && inStars) add(facets.groups, t.c, t.n);
      if (inGroup && inStars) add(facets.communes, t.m, t.n);
      if (inGroup && inCommune) add(facets.stars, t.st, t.n);
      if (inGroup && inCommune && inStars) total += t.n;
    }
    return { facets, total };
  }

  /**
   * Relevance pages: rank the matches once (the best COUNT_CAP + 1, their number the count), keep the
   * ranking for CATALOG_CACHE_SECONDS, and read the page's rows by id, so prices, stock and
   * withdrawals are always current. Pages past COUNT_CAP matches are empty: refine the search.
   */
  private async relevancePage(sql: string, params: unknown[], page: number, pageSize: number): Promise<{ result: ProductPage; ids: number[] }> {
    const { ids } = await this.rankedIds(sql, params);
    const total = ids.length;
    const offset = (page - 1) * pageSize;
    const pageIds = ids.slice(offset, offset + pageSize);
    const rows = pageIds.length
      ? await this.read<CardRow>(
          `SELECT ${CARD_COLUMNS}
           FROM products p
           JOIN sellers s ON s.id = p.seller_id
           JOIN categories c ON c.id = p.category_id
           ${COVER_JOIN}
           ${RATING_JOIN}
           WHERE p.id = ANY($1::int[]) AND ${LISTED}`,
          [pageIds],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const result: ProductPage = {
      items: pageIds.flatMap((id) => (byId.has(id) ? [this.toCard(byId.get(id)!)] : [])),
      total: Math.min(total, COUNT_CAP),
      totalCapped: total > COUNT_CAP,
      page,
      pageSize,
      sort: 'relevance',
      nextCursor: ids.length > offset + pageSize && offset + pageSize < COUNT_CAP ? '' : null,
    };
    return { result, ids };
  }

  /** A search's ranking, from the cache when it holds it. */
  private async rankedIds(sql: string, params: unknown[]): Promise<Ranking> {
    const ranking = this.rankings ? await this.rankings.fetch(JSON.stringify([sql, params]), { context: { sql, params } }) : undefined;
    return ranking ?? this.queryRanking(sql, params);
  }

  private async queryRanking(sql: string, params: unknown[]): Promise<Ranking> {
    const rows = await this.read<{ id: number }>(sql, params);
    return { ids: rows.map((r) => r.id) };
  }

  private async countMatches(where: string[], params: unknown[]): Promise<number> {
    if (!this.counts) return this.queryCount(where, params);
    const count = await this.counts.fetch(JSON.stringify([where, params]), { context: { where, params } });
    return count ?? this.queryCount(where, params);
  }

  private async queryCount(where: string[], params: unknown[]): Promise<number> {
    const sql = `
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM products p JOIN sellers s ON s.id = p.seller_id
        WHERE ${where.join(' AND ')}
        LIMIT ${COUNT_CAP + 1}
      ) matches`;
    const [{ n }] = await this.read<{ n: number }>(sql, params);
    return n;
  }

  /** The first id of `page` in the unfiltered newest listing; undefined when unknown (no cache, past the end). */
  private async pageAnchor(page: number): Promise<number | undefined> {
    if (!this.anchors || page < 2) return undefined;
    const anchors = await this.anchors.fetch('newest');
    return anchors?.[page - 1];
  }

  private async queryPageAnchors(): Promise<number[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM (
         SELECT p.id, row_number() OVER (ORDER BY p.id DESC) AS n
         FROM products p JOIN sellers s ON s.id = p.seller_id WHERE ${LISTED}
       ) listed WHERE n % $1 = 1 ORDER BY id DESC`,
      [PAGE_SIZE],
    )) as { id: number }[];
    return rows.map((r) => r.id);
  }

  async getProduct(slug: string): Promise<ProductDetail> {
    const rows = (await this.read(
      `SELECT ${CARD_COLUMNS}, p.description, p.ocop_certificate_no, p.ocop_decision_date, p.ocop_issuer,
              s.type AS seller_type, s.description AS seller_description, s.address AS seller_address,
              coalesce((SELECT json_agg(json_build_object('key', i.storage_key, 'sizes', i.sizes, 'alt', i.alt,
                        'width', i.width, 'height', i.height) ORDER BY i.position, i.id)
                        FROM product_images i WHERE i.product_id = p.id), '[]'::json) AS images,
              ${CURRENT_BATCHES}
       FROM products p
       JOIN sellers s ON s.id = p.seller_id
       JOIN categories c ON c.id = p.category_id
       ${COVER_JOIN}
       ${RATING_JOIN}
       WHERE p.slug = $1 AND ${LISTED}`,
      [slug, todayInVietnam(this.clock.now())],
    )) as (CardRow & {
      description: string;
      ocop_certificate_no: string | null;
      ocop_decision_date: string | null;
      ocop_issuer: string | null;
      seller_type: string;
      seller_description: string;
      seller_address: string;
      images: { key: string; sizes: number[]; alt: string; width: number; height: number }[];
      batches: ProductBatchSummary[];
    })[];
    const row = rows[0];
    if (!row) throw new NotFoundError('public.error.productNotFound');
    const card = this.toCard(row);
    return {
      ...card,
      description: row.description,
      ocop: { ...card.ocop, certificateNo: row.ocop_certificate_no, decisionDate: row.ocop_decision_date, issuer: row.ocop_issuer },
      seller: { ...card.seller, type: row.seller_type, description: row.seller_description, address: row.seller_address },
      images: row.images.map((i) => ({
        url: this.media.url(imageVariantName(i.key, pickWidth(i.sizes, 800))),
        largeUrl: this.media.url(imageVariantName(i.key, pickWidth(i.sizes, 1600))),
        srcset: imageSrcset(i.key, i.sizes, (name) => this.media.url(name)),
        alt: i.alt || row.name,
        width: i.width,
        height: i.height,
      })),
      batches: row.batches,
    };
  }

  async getStorefront(slug: string): Promise<SellerStorefront> {
    const rows = (await this.dataSource.query(
      `SELECT id, name, slug, type, commune, province, address, description, tax_code AS "taxCode" FROM sellers WHERE slug = $1 AND status = 'approved'`,
      [slug],
    )) as (Omit<SellerStorefront, 'taxCodeMasked'> & { taxCode: string | null })[];
    if (!rows[0]) throw new NotFoundError('public.error.sellerNotFound');
    const { taxCode, ...seller } = rows[0];
    return { ...seller, taxCodeMasked: maskIdentification(taxCode) };
  }

  /** Everything a search engine may index: listed products and approved cooperatives (capped at one sitemap file). */
  async sitemapEntries(): Promise<{ products: { slug: string; updatedAt: Date }[]; sellers: { slug: string; updatedAt: Date }[] }> {
    const [products, sellers] = await Promise.all([
      this.dataSource.query(
        `SELECT p.slug, p.updated_at AS "updatedAt" FROM products p JOIN sellers s ON s.id = p.seller_id WHERE ${LISTED} ORDER BY p.id LIMIT 45000`,
      ),
      this.dataSource.query(`SELECT slug, updated_at AS "updatedAt" FROM sellers WHERE status = 'approved' ORDER BY id LIMIT 5000`),
    ]);
    return { products, sellers };
  }

  async homeSections(): Promise<{ fiveStar: ProductCard[]; fourStar: ProductCard[]; newest: ProductCard[] }> {
    const list = (filter: CatalogFilter) => this.searchProducts(filter, { pageSize: 8, withTotal: false }).then((p) => p.items);
    const [fiveStar, fourStar, newest] = await Promise.all([list({ stars: 5, sort: 'newest' }), list({ stars: 4, sort: 'newest' }), list({ sort: 'newest' })]);
    return { fiveStar, fourStar, newest };
  }

  /** Up to `perSeller` listed products of each of these cooperatives, newest first (a market day's stalls). */
  async cardsOfSellers(sellerIds: number[], perSeller: number): Promise<ProductCard[]> {
    if (!sellerIds.length) return [];
    const rows = await this.read<CardRow>(
      `WITH picked AS (
         SELECT id FROM (
           SELECT p.id, row_number() OVER (PARTITION BY p.seller_id ORDER BY p.id DESC) AS n
           FROM products p JOIN sellers s ON s.id = p.seller_id
           WHERE p.seller_id = ANY($1::int[]) AND ${LISTED}
         ) ranked WHERE n <= $2
       )
       SELECT ${CARD_COLUMNS}
       FROM picked
       JOIN products p ON p.id = picked.id
       JOIN sellers s ON s.id = p.seller_id
       JOIN categories c ON c.id = p.category_id
       ${COVER_JOIN}
       ${RATING_JOIN}
       ORDER BY p.seller_id, p.id DESC`,
      [sellerIds, perSeller],
    );
    return rows.map((r) => this.toCard(r));
  }

  private toCard(row: CardRow): ProductCard {
    return toProductCard(row, this.media, this.clock.now());
  }
}
