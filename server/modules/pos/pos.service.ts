import QRCode from 'qrcode';
import type { DataSource } from 'typeorm';
import { ValidationError } from '../../lib/errors';
import type { Actor } from '../accounts';
import { LISTED } from '../catalog';
import type { OrdersService, StallSaleLine } from '../orders';
import type { PaymentIntakeService, PayPageService } from '../payments';
import type { SellersService } from '../sellers';
import { msg } from '../../rendering/i18n';

export interface TillProduct {
  id: number;
  name: string;
  unit: string;
  priceVnd: number;
  stock: number;
  ocopStars: number | null;
  quantity: number;
  lineTotalVnd: number;
}

/** How many products the till lists at once (the rest are found by name). */
const TILL_PRODUCTS = 40;

/**
 * The stall till: a cooperative's phone at a market day. A sale is an order of channel 'stall'
 * (the orders module writes it), paid by a VietQR transfer the bank feed matches by its QUAY- code;
 * the receipt is public behind an unguessable token.
 */
export class PosService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sellers: SellersService,
    private readonly orders: OrdersService,
    private readonly payPage: PayPageService,
    private readonly intake: PaymentIntakeService,
    private readonly publicUrl: string,
    private readonly stallSaleMinutes: number,
  ) {}

  /** The till: the cooperative's own listed products, most sold first, with the entered quantities and their total. */
  async till(actor: Actor, q: string | undefined, lines: readonly StallSaleLine[] = []) {
    const seller = await this.sellers.activeSeller(actor);
    const entered = new Map<number, number>();
    for (const l of lines) entered.set(l.productId, (entered.get(l.productId) ?? 0) + l.quantity);
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.name, p.unit, p.price_vnd AS "priceVnd", p.stock, CASE WHEN p.ocop_verified THEN p.ocop_stars END AS "ocopStars"
       FROM products p JOIN sellers s ON s.id = p.seller_id
       LEFT JOIN (SELECT product_id, sum(quantity) AS sold FROM order_items GROUP BY product_id) sold ON sold.product_id = p.id
       WHERE p.seller_id = $1 AND ${LISTED}
         AND ($2::text IS NULL OR unaccent(p.name) ILIKE '%' || unaccent($2::text) || '%' OR p.id = ANY($3::int[]))
       ORDER BY coalesce(sold.sold, 0) DESC, p.name, p.id LIMIT $4`,
      [seller.id, q || null, [...entered.keys()], TILL_PRODUCTS],
    )) as Omit<TillProduct, 'quantity' | 'lineTotalVnd'>[];
    const products = rows.map((p) => {
      const quantity = entered.get(p.id) ?? 0;
      return { ...p, quantity, lineTotalVnd: quantity * p.priceVnd };
    });
    return { sellerName: seller.name, products, totalVnd: products.reduce((sum, p) => sum + p.lineTotalVnd, 0) };
  }

  sell(actor: Actor, lines: readonly StallSaleLine[]): Promise<{ code: string }> {
    if (lines.length === 0) throw new ValidationError({ _form: msg('pos.v.nothing') }, msg('pos.v.nothing'));
    return this.orders.placeStallSale(actor, lines, this.stallSaleMinutes);
  }

  /** The sale's screen: the QR while it waits, the paid block once the bank says so. */
  async salePage(actor: Actor, code: string) {
    const sale = await this.orders.stallSaleForSeller(actor, code);
    const waiting = sale.status === 'pending_payment';
    return {
      sale,
      waiting,
      qr: waiting ? await this.payPage.transferQr(sale.code, sale.totalVnd) : null,
      simulate: waiting && this.payPage.simulateTransfers,
      receiptPath: sale.paid ? `/receipts/${sale.receiptToken}` : null,
    };
  }

  cancel(actor: Actor, code: string): Promise<void> {
    return this.orders.cancelStallSale(actor, code);
  }

  /** The demo's button: the seller's own sale, paid through the signed bank-feed path. */
  async simulatePayment(actor: Actor, code: string): Promise<void> {
    const sale = await this.orders.stallSaleForSeller(actor, code);
    await this.intake.simulateStallTransfer(sale.code);
  }

  /** The public receipt (paid sales only) with a QR code of its own address. */
  async receipt(token: string) {
    const sale = await this.orders.stallReceipt(token);
    const url = `${this.publicUrl}/receipts/${token}`;
    const qr = await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 1, width: 160 });
    return { sale, url, qr };
  }
}
