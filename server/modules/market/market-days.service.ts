import type { DataSource, EntityManager } from 'typeorm';
import { uniqueSlug } from '../../db/unique-slug';
import type { Clock } from '../../lib/clock';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors';
import { assertAdmin, type Actor } from '../accounts';
import type { AuditService } from '../audit';
import type { CatalogService, ProductCard } from '../catalog';
import type { SellersService } from '../sellers';
import type { MarketDayInput } from './market-days.schemas';
import { msg } from '../../rendering/i18n';

/** Where a market day stands at a given instant. */
export type MarketDayState = 'upcoming' | 'running' | 'ended';

export interface MarketDay {
  id: number;
  slug: string;
  name: string;
  commune: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  description: string;
  stallCount: number;
}

export interface MarketDayView extends MarketDay {
  state: MarketDayState;
  running: boolean;
}

export interface Stall {
  sellerId: number;
  name: string;
  slug: string;
  commune: string;
  products: ProductCard[];
}

/** Products shown per stall on a market day's page. */
const PRODUCTS_PER_STALL = 8;
/** Market days a list shows at most: a commune runs a few a month. */
const LIST_LIMIT = 200;

const DAY_COLUMNS = `
  d.id, d.slug, d.name, d.commune, d.place, d.starts_at AS "startsAt", d.ends_at AS "endsAt", d.description,
  (SELECT count(*)::int FROM market_day_stalls st WHERE st.market_day_id = d.id) AS "stallCount"`;

export function marketDayState(day: { startsAt: Date; endsAt: Date }, now: Date): MarketDayState {
  if (now.getTime() < day.startsAt.getTime()) return 'upcoming';
  return now.getTime() < day.endsAt.getTime() ? 'running' : 'ended';
}

/**
 * Market days (phiên chợ): an admin creates them and sets their stalls; approved cooperatives join and
 * leave upcoming or running ones; anyone reads the current and upcoming ones. The stall till (orders)
 * and the reports read these tables; only this service writes them.
 */
export class MarketDaysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sellers: SellersService,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private view<D extends MarketDay>(day: D, now = this.clock.now()): D & MarketDayView {
    const state = marketDayState(day, now);
    return { ...day, state, running: state === 'running' };
  }

  /** Current and upcoming market days, soonest first (the public list). */
  async currentAndUpcoming(): Promise<MarketDayView[]> {
    const now = this.clock.now();
    const rows = (await this.dataSource.query(`SELECT ${DAY_COLUMNS} FROM market_days d WHERE d.ends_at > $1 ORDER BY d.starts_at, d.id LIMIT ${LIST_LIMIT}`, [
      now,
    ])) as MarketDay[];
    return rows.map((d) => this.view(d, now));
  }

  /** The running or next market day, for the home page: one indexed read. */
  async next(): Promise<MarketDayView | null> {
    const now = this.clock.now();
    const [row] = (await this.dataSource.query(
      `SELECT d.id, d.slug, d.name, d.commune, d.place, d.starts_at AS "startsAt", d.ends_at AS "endsAt", d.description, 0 AS "stallCount"
       FROM market_days d WHERE d.ends_at > $1 ORDER BY d.starts_at, d.id LIMIT 1`,
      [now],
    )) as MarketDay[];
    return row ? this.view(row, now) : null;
  }

  /** A market day's public page: the day, its stalls (approved cooperatives) and their listed products. */
  async bySlug(slug: string): Promise<{ day: MarketDayView; stalls: Stall[] }> {
    const [day] = (await this.dataSource.query(`SELECT ${DAY_COLUMNS} FROM market_days d WHERE d.slug = $1`, [slug])) as MarketDay[];
    if (!day) throw new NotFoundError('public.error.marketDayNotFound');
    const sellers = (await this.dataSource.query(
      `SELECT s.id AS "sellerId", s.name, s.slug, s.commune
       FROM market_day_stalls st JOIN sellers s ON s.id = st.seller_id
       WHERE st.market_day_id = $1 AND s.status = 'approved' ORDER BY s.name, s.id`,
      [day.id],
    )) as Omit<Stall, 'products'>[];
    const cards = await this.catalog.cardsOfSellers(
      sellers.map((s) => s.sellerId),
      PRODUCTS_PER_STALL,
    );
    const stalls = sellers.map((s) => ({ ...s, products: cards.filter((c) => c.seller.slug === s.slug) }));
    return { day: { ...this.view(day), stallCount: stalls.length }, stalls };
  }

  /** Every market day, newest first, for the back office. */
  async listForAdmin(actor: Actor): Promise<MarketDayView[]> {
    assertAdmin(actor);
    const rows = (await this.dataSource.query(`SELECT ${DAY_COLUMNS} FROM market_days d ORDER BY d.starts_at DESC, d.id DESC LIMIT 500`)) as MarketDay[];
    const now = this.clock.now();
    return rows.map((d) => this.view(d, now));
  }

  /** One market day with its stalls and the approved cooperatives an admin may still add. */
  async getForAdmin(
    actor: Actor,
    id: number,
  ): Promise<{
    day: MarketDayView;
    stalls: { sellerId: number; name: string; slug: string; status: string }[];
    candidates: { id: number; name: string; commune: string }[];
  }> {
    assertAdmin(actor);
    const [day] = (await this.dataSource.query(`SELECT ${DAY_COLUMNS} FROM market_days d WHERE d.id = $1`, [id])) as MarketDay[];
    if (!day) throw new NotFoundError('public.error.marketDayNotFound');
    const [stalls, candidates] = await Promise.all([
      this.dataSource.query(
        `SELECT s.id AS "sellerId", s.name, s.slug, s.status FROM market_day_stalls st JOIN sellers s ON s.id = st.seller_id
         WHERE st.market_day_id = $1 ORDER BY s.name, s.id`,
        [id],
      ),
      this.dataSource.query(
        `SELECT s.id, s.name, s.commune FROM sellers s
         WHERE s.status = 'approved' AND NOT EXISTS (SELECT 1 FROM market_day_stalls st WHERE st.market_day_id = $1 AND st.seller_id = s.id)
         ORDER BY (s.commune = $2) DESC, s.name, s.id LIMIT 1000`,
        [id, day.commune],
      ),
    ]);
    return { day: this.view(day), stalls, candidates };
  }

  async create(actor: Actor, input: MarketDayInput): Promise<{ id: number; slug: string }> {
    assertAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const slug = await uniqueSlug(manager, 'market_days', `${input.name} ${localDay(input.startsAt)}`);
      const [row] = (await manager.query(
        `INSERT INTO market_days (slug, name, commune, place, starts_at, ends_at, description, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [slug, input.name, input.commune, input.place, input.startsAt, input.endsAt, input.description, actor.id],
      )) as { id: number }[];
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'market_day.created',
        targetType: 'market_day',
        targetId: row.id,
        details: { slug, name: input.name, commune: input.commune, startsAt: input.startsAt.toISOString(), endsAt: input.endsAt.toISOString() },
      });
      return { id: row.id, slug };
    });
  }

  /** An admin sets up a stall for an approved cooperative (audited). */
  async addStall(actor: Actor, marketDayId: number, sellerId: number): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.lockMarketDay(manager, marketDayId);
      const [seller] = (await manager.query(`SELECT status FROM sellers WHERE id = $1 FOR SHARE`, [sellerId])) as { status: string }[];
      if (seller?.status !== 'approved') throw new ValidationError({ sellerId: msg('market.error.approvedOnly') });
      const added = (await manager.query(
        `INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING seller_id`,
        [marketDayId, sellerId],
      )) as unknown[];
      if (added.length) {
        await this.audit.record(manager, {
          actorUserId: actor.id,
          action: 'market_day.stall_added',
          targetType: 'market_day',
          targetId: marketDayId,
          details: { sellerId },
        });
      }
    });
  }

  async removeStall(actor: Actor, marketDayId: number, sellerId: number): Promise<void> {
    assertAdmin(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.lockMarketDay(manager, marketDayId);
      // TypeORM answers a DELETE with [rows, affected count].
      const [, removed] = (await manager.query(`DELETE FROM market_day_stalls WHERE market_day_id = $1 AND seller_id = $2`, [marketDayId, sellerId])) as [
        unknown[],
        number,
      ];
      if (!removed) throw new NotFoundError(msg('market.error.noStall'));
      await this.audit.record(manager, {
        actorUserId: actor.id,
        action: 'market_day.stall_removed',
        targetType: 'market_day',
        targetId: marketDayId,
        details: { sellerId },
      });
    });
  }

  /** The seller area's list: upcoming and running market days, the seller's own commune first. */
  async forSeller(actor: Actor): Promise<{ commune: string; days: (MarketDayView & { joined: boolean; ownCommune: boolean })[] }> {
    const seller = await this.sellers.getOwnSeller(actor);
    const now = this.clock.now();
    const rows = (await this.dataSource.query(
      `SELECT ${DAY_COLUMNS}, EXISTS (SELECT 1 FROM market_day_stalls st WHERE st.market_day_id = d.id AND st.seller_id = $2) AS joined
       FROM market_days d WHERE d.ends_at > $1
       ORDER BY (d.commune = $3) DESC, d.starts_at, d.id LIMIT ${LIST_LIMIT}`,
      [now, seller.id, seller.commune],
    )) as (MarketDay & { joined: boolean })[];
    return { commune: seller.commune, days: rows.map((d) => ({ ...this.view(d, now), joined: d.joined, ownCommune: d.commune === seller.commune })) };
  }

  /** An approved cooperative takes a stall at a market day that has not ended. */
  async join(actor: Actor, marketDayId: number): Promise<void> {
    const seller = await this.sellers.activeSeller(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, seller.id);
      const day = await this.lockMarketDay(manager, marketDayId);
      // CASE: a day that has ended keeps the stalls it had; nobody joins it afterwards.
      if (day.endsAt.getTime() <= this.clock.now().getTime()) throw new ConflictError(msg('market.error.endedJoin'), 'market_day_ended');
      await manager.query(`INSERT INTO market_day_stalls (market_day_id, seller_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [marketDayId, seller.id]);
    });
  }

  async leave(actor: Actor, marketDayId: number): Promise<void> {
    const seller = await this.sellers.activeSeller(actor);
    await this.dataSource.transaction(async (manager) => {
      await this.sellers.lockActiveSeller(manager, seller.id);
      const day = await this.lockMarketDay(manager, marketDayId);
      if (day.endsAt.getTime() <= this.clock.now().getTime()) throw new ConflictError(msg('market.error.ended'), 'market_day_ended');
      await manager.query(`DELETE FROM market_day_stalls WHERE market_day_id = $1 AND seller_id = $2`, [marketDayId, seller.id]);
    });
  }

  private async lockMarketDay(manager: EntityManager, id: number): Promise<{ endsAt: Date }> {
    const [day] = (await manager.query(`SELECT ends_at AS "endsAt" FROM market_days WHERE id = $1 FOR SHARE`, [id])) as { endsAt: Date }[];
    if (!day) throw new NotFoundError('public.error.marketDayNotFound');
    return day;
  }
}

/** The start's calendar day in Vietnam, as the slug carries it: 29-11-2026. */
function localDay(instant: Date): string {
  const iso = new Date(instant.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
  return iso.split('-').reverse().join('-');
}
