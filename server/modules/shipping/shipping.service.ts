import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../lib/errors';
import { msg } from '../../rendering/i18n';
import type { Actor } from '../accounts';
import { LISTED } from '../catalog';
import type { SellersService } from '../sellers';
import { parcelFee, type RateTable, type SellerShipping, type ZoneRate } from './shipping-fee';
import type { ShippingTableInput } from './shipping.schemas';
import { ZONES, findProvince, zoneFor, type Province, type Zone } from './zones';

/** Where a parcel goes: a 2025 province (name or code) and, inside the seller's own province, a commune. */
export interface Destination {
  province: string;
  commune?: string | null;
}

/** One cooperative's part of a cart, as the fee needs it. */
export interface ParcelInput {
  sellerId: number;
  itemsTotalVnd: number;
  weightGrams: number;
}

/** A part's fee: null when it depends on a destination not given yet (a zone table, no free shipping reached). */
export interface ParcelQuote {
  feeVnd: number | null;
  zone: Zone | null;
}

export interface ProductQuote {
  fee: number;
  zone: Zone;
  weightGrams: number;
  freeShippingThreshold: number | null;
  currency: 'VND';
  /** The province as the 2025 list names it. */
  province: string;
}

/** A seller's shipping terms as SHIPPING_COLUMNS reads them. */
export interface ShippingRow {
  seller_id: number;
  province: string;
  commune: string;
  shipping_fee_vnd: number;
  free_shipping_threshold_vnd: number | null;
  rates: { zone: Zone; up_to_500g_vnd: number; up_to_1kg_vnd: number; per_extra_kg_vnd: number }[] | null;
}

/**
 * The seller's terms and zone table, aggregated into one row per seller (`s` is sellers). The cart
 * reads them with its lines, so a quote (and every checkout attempt) needs no statement of its own.
 */
export const SHIPPING_COLUMNS = `s.id AS seller_id, s.province, s.commune, s.shipping_fee_vnd, s.free_shipping_threshold_vnd,
  (SELECT json_agg(json_build_object('zone', r.zone, 'up_to_500g_vnd', r.up_to_500g_vnd, 'up_to_1kg_vnd', r.up_to_1kg_vnd,
     'per_extra_kg_vnd', r.per_extra_kg_vnd)) FROM seller_shipping_rates r WHERE r.seller_id = s.id) AS rates`;

function toShipping(row: ShippingRow): SellerShipping & { province: string; commune: string } {
  let rates: RateTable | null = null;
  // CASE: a table is written whole (all four zones) or not at all; anything else is read as no table.
  if (row.rates && row.rates.length === ZONES.length) {
    rates = {} as RateTable;
    for (const r of row.rates) rates[r.zone] = { upTo500gVnd: r.up_to_500g_vnd, upTo1kgVnd: r.up_to_1kg_vnd, perExtraKgVnd: r.per_extra_kg_vnd };
  }
  return {
    province: row.province,
    commune: row.commune,
    flatFeeVnd: row.shipping_fee_vnd,
    freeShippingThresholdVnd: row.free_shipping_threshold_vnd,
    rates,
  };
}

/**
 * Shipping fees by destination and weight: the one writer of `seller_shipping_rates`, and the one
 * place a fee is worked out (cart, checkout, the quote API and the product page all ask here).
 */
export class ShippingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sellers: SellersService,
  ) {}

  /**
   * Each part's fee to `destination` (null: not known yet), from its seller's SHIPPING_COLUMNS as the
   * caller read them (checkout: in its transaction, so the fee written is the one computed there).
   */
  quoteParcels(rows: readonly ShippingRow[], parts: readonly ParcelInput[], destination: Destination | null): Map<number, ParcelQuote> {
    const quotes = new Map<number, ParcelQuote>();
    if (parts.length === 0) return quotes;
    const bySeller = new Map(rows.map((r) => [r.seller_id, toShipping(r)]));
    const province = destination ? findProvince(destination.province) : null;
    for (const part of parts) {
      const shipping = bySeller.get(part.sellerId);
      if (!shipping) continue;
      if (!province) {
        // Without a destination a flat fee (or free shipping) is still known; a zone table's is not.
        const known = !shipping.rates || parcelFee(shipping, { ...part, zone: 'country' }) === 0;
        quotes.set(part.sellerId, { feeVnd: known ? parcelFee(shipping, { ...part, zone: 'country' }) : null, zone: null });
        continue;
      }
      const zone = zoneFor(shipping, { province, commune: destination?.commune });
      quotes.set(part.sellerId, { feeVnd: parcelFee(shipping, { ...part, zone }), zone });
    }
    return quotes;
  }

  /** What `quantity` of a listed product costs to ship to `destination`, as one parcel (the quote API, the product page). */
  async quoteProduct(productId: number, quantity: number, destination: { province: Province; commune?: string | null }): Promise<ProductQuote> {
    const [row] = (await this.dataSource.query(
      `SELECT p.price_vnd, p.weight_grams, ${SHIPPING_COLUMNS}
       FROM products p JOIN sellers s ON s.id = p.seller_id WHERE p.id = $1 AND ${LISTED}`,
      [productId],
    )) as (ShippingRow & { price_vnd: number; weight_grams: number })[];
    if (!row) throw new NotFoundError(msg('shipping.notFound'));
    const shipping = toShipping(row);
    const zone = zoneFor(shipping, destination);
    const weightGrams = row.weight_grams * quantity;
    return {
      fee: parcelFee(shipping, { itemsTotalVnd: row.price_vnd * quantity, weightGrams, zone }),
      zone,
      weightGrams,
      freeShippingThreshold: shipping.freeShippingThresholdVnd,
      currency: 'VND',
      province: destination.province.name,
    };
  }

  /** The seller's shipping page: its terms and table (null: the flat fee everywhere). Refused unless the cooperative may sell. */
  async ownTable(actor: Actor): Promise<SellerShipping & { sellerId: number }> {
    const seller = await this.sellers.activeSeller(actor);
    const [row] = (await this.dataSource.query(`SELECT ${SHIPPING_COLUMNS} FROM sellers s WHERE s.id = $1`, [seller.id])) as ShippingRow[];
    return { sellerId: seller.id, ...toShipping(row) };
  }

  /**
   * Saves the form in one transaction: the flat fee and threshold through the sellers module (their
   * writer), then the zone table replaced whole, or removed when the seller chose one fee everywhere.
   */
  async saveTable(actor: Actor, input: ShippingTableInput): Promise<void> {
    const seller = await this.sellers.activeSeller(actor);
    await this.dataSource.transaction(async (manager) => {
      // First: the seller's row is updated (conditional on its status), which also queues two saves of
      // the same table one after the other, so the second replaces the first's rows whole.
      await this.sellers.updateShipping(
        actor,
        { shippingFeeVnd: input.shippingFeeVnd ?? seller.shippingFeeVnd, freeShippingThresholdVnd: input.freeShippingThresholdVnd },
        manager,
      );
      await manager.query(`DELETE FROM seller_shipping_rates WHERE seller_id = $1`, [seller.id]);
      if (input.rates) {
        const rates: [Zone, ZoneRate][] = ZONES.map((zone) => [zone, input.rates![zone]]);
        await manager.query(
          `INSERT INTO seller_shipping_rates (seller_id, zone, up_to_500g_vnd, up_to_1kg_vnd, per_extra_kg_vnd)
           SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::int[])`,
          [
            seller.id,
            rates.map(([zone]) => zone),
            rates.map(([, r]) => r.upTo500gVnd),
            rates.map(([, r]) => r.upTo1kgVnd),
            rates.map(([, r]) => r.perExtraKgVnd),
          ],
        );
      }
      await this.sellers.recordActedFor(manager, actor, seller.id, 'shipping.updated', { mode: input.mode });
    });
  }
}
