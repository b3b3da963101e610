import type { Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { systemClock, type Clock } from './lib/clock';
import { ConcurrencyLimit } from './lib/concurrency-limit';
import type { Logger } from './logger';
import { AccountsService, LoginThrottle } from './modules/accounts';
import { AdminOrdersService, ProductModerationService } from './modules/admin';
import { AuditService } from './modules/audit';
import { CartService } from './modules/cart';
import { CatalogService, ProductService } from './modules/catalog';
import { StockService } from './modules/inventory';
import { MarketDaysService } from './modules/market';
import { MailWorker, NotificationsAdminService, ZaloNotifier, ZaloWorker } from './modules/notifications';
import { OrderLifecycle, OrdersService } from './modules/orders';
import { PayPageService, PaymentIntakeService, RefundsService, StripeGateway } from './modules/payments';
import { PayoutsService } from './modules/payouts';
import { PosService } from './modules/pos';
import { ProductImportService } from './modules/product-import';
import { ReportsService } from './modules/reports';
import { ReviewsService } from './modules/reviews';
import { SellerProductsService, SellersService } from './modules/sellers';
import { ShippingService } from './modules/shipping';
import { TaxReportsService, TaxService } from './modules/tax';
import { TeamsService } from './modules/teams';
import { TraceabilityService } from './modules/traceability';
import { LocalDiskStorage, type MediaStorage } from './storage/media-storage';
import { S3MediaStorage } from './storage/s3-storage';

/** Composition root: every service is built once here and handed its dependencies. */
export interface Container {
  config: Readonly<Config>;
  dataSource: DataSource;
  /**
   * The public catalogue's reads (listing, search, facets, product and cooperative pages, the JSON API,
   * the sitemap): a second pool on DATABASE_READ_URL, or `dataSource` itself when that is unset. Never
   * written through, and never read for what a user has just written (cart, orders, the seller area).
   */
  readDataSource: DataSource;
  logger: Logger;
  clock: Clock;
  media: MediaStorage;
  catalog: CatalogService;
  products: ProductService;
  accounts: AccountsService;
  audit: AuditService;
  sellers: SellersService;
  stock: StockService;
  sellerProducts: SellerProductsService;
  productModeration: ProductModerationService;
  cart: CartService;
  orders: OrdersService;
  /** The one writer of orders, seller orders and their events: every status move goes through it. */
  orderLifecycle: OrderLifecycle;
  mailWorker: MailWorker;
  /** Sends the Zalo ZNS outbox (issue 21); idle without ZALO_ZNS_ACCESS_TOKEN. */
  zaloWorker: ZaloWorker;
  /** The admin's view of messages that failed, fell back to email or are being retried. */
  notificationsAdmin: NotificationsAdminService;
  /** Money in: Stripe and bank webhooks, the return from Stripe, an admin's manual record. */
  paymentIntake: PaymentIntakeService;
  /** Money back, and the worker that sends card refunds (run by the sweeper in boot.ts). */
  refunds: RefundsService;
  payPage: PayPageService;
  payouts: PayoutsService;
  /** The stall till at market days: stall sales (orders of channel 'stall') and their receipts. */
  pos: PosService;
  /** Tax withheld for household sellers (Decree 117/2025): at paid, reversed by refunds. */
  tax: TaxService;
  /** The monthly declaration, the declared mark, a seller's year. */
  taxReports: TaxReportsService;
  adminOrders: AdminOrdersService;
  reports: ReportsService;
  /** Market days (phiên chợ) and their stalls: the one writer of market_days and market_day_stalls. */
  marketDays: MarketDaysService;
  /** Community digital teams: the one writer of digital_teams, their members and the households they assist. */
  teams: TeamsService;
  /** Batches (lô) of products, their public trace pages and QR labels: the one writer of product_batches. */
  traceability: TraceabilityService;
  /** The seller's product spreadsheet: export, upload, preview, confirm (the one writer of product_imports). */
  productImports: ProductImportService;
  /** The photo-processing slots every upload shares (tests hold one to fill them). */
  photoSlots: ConcurrencyLimit;
  /** Verified-buyer reviews: the one writer of reviews and of the product_ratings aggregate. */
  reviews: ReviewsService;
  /** Shipping fees by destination and weight: the one writer of seller_shipping_rates; cart, checkout and the quote API ask it. */
  shipping: ShippingService;
}

export function buildContainer(deps: {
  config: Readonly<Config>;
  dataSource: DataSource;
  /** A replica's pool (DATABASE_READ_URL); without it the catalogue reads the primary. */
  readDataSource?: DataSource;
  logger: Logger;
  clock?: Clock;
  mailTransport?: Transporter;
}): Container {
  const clock = deps.clock ?? systemClock;
  const media: MediaStorage = deps.config.s3 ? new S3MediaStorage(deps.config.s3) : new LocalDiskStorage(deps.config.mediaDir);
  const audit = new AuditService(deps.dataSource);
  const accounts = new AccountsService(deps.dataSource, new LoginThrottle(deps.dataSource));
  const readDataSource = deps.readDataSource ?? deps.dataSource;
  // CatalogService only reads the public catalogue: all of it may lag the primary by the replica's delay.
  const catalog = new CatalogService(readDataSource, media, clock, { cacheSeconds: deps.config.catalogCacheSeconds });
  const products = new ProductService();
  const stock = new StockService(deps.dataSource);
  // A suspension settles the cooperative's orders in its own transaction (OrderLifecycle decides how).
  const sellers = new SellersService(deps.dataSource, accounts, audit, (manager, seller, actorUserId, reason) =>
    orderLifecycle.settleForSuspendedSeller(manager, seller, actorUserId, reason),
  );
  const shipping = new ShippingService(deps.dataSource, sellers);
  const cart = new CartService(deps.dataSource, media, shipping);
  const { mailTransport, ...rest } = deps;
  const photoSlots = new ConcurrencyLimit(deps.config.photoProcessing.maxConcurrent, deps.config.photoProcessing.maxWaiting);
  // Card payments only when STRIPE_* is configured; without it the card pages say so and no refund is `requested`.
  const stripe = deps.config.stripe ? new StripeGateway(deps.config.stripe) : null;
  const payouts = new PayoutsService(deps.dataSource, audit, sellers);
  // Withholding happens in the paying transaction: the lifecycle calls the tax module, which writes the ledger through payouts.
  const tax = new TaxService(deps.dataSource, payouts, clock);
  // A stall sale is handed over when paid: the lifecycle credits it to the payout ledger then.
  // Zalo is told of the same order news as mail, in the same transaction (nothing without ZALO_ZNS_ACCESS_TOKEN).
  const orderLifecycle: OrderLifecycle = new OrderLifecycle(
    stock,
    tax,
    deps.config.publicUrl,
    payouts,
    new ZaloNotifier(deps.config.zalo, deps.config.publicUrl),
  );
  const refunds = new RefundsService(deps.dataSource, orderLifecycle, payouts, tax, audit, stripe, deps.logger);
  const traceability = new TraceabilityService(deps.dataSource, sellers, stock, clock, deps.config.publicUrl);
  const orders = new OrdersService(
    deps.dataSource,
    cart,
    stock,
    sellers,
    orderLifecycle,
    refunds,
    payouts,
    clock,
    deps.config.reservationMinutes,
    traceability,
  );
  const paymentIntake = new PaymentIntakeService(deps.dataSource, orderLifecycle, refunds, audit, deps.config, stripe, clock);
  const payPage = new PayPageService(deps.dataSource, orderLifecycle, deps.config, stripe, clock, deps.logger);
  return {
    ...rest,
    readDataSource,
    clock,
    media,
    audit,
    accounts,
    catalog,
    products,
    sellers,
    stock,
    sellerProducts: new SellerProductsService(deps.dataSource, sellers, stock, media, catalog, products, clock, photoSlots),
    photoSlots,
    productModeration: new ProductModerationService(deps.dataSource, products, audit, clock),
    productImports: new ProductImportService(deps.dataSource, sellers, catalog, products, stock),
    cart,
    shipping,
    orders,
    orderLifecycle,
    paymentIntake,
    refunds,
    payPage,
    pos: new PosService(deps.dataSource, sellers, orders, payPage, paymentIntake, deps.config.publicUrl, deps.config.stallSaleMinutes),
    payouts,
    tax,
    adminOrders: new AdminOrdersService(deps.dataSource, orders, orderLifecycle, audit),
    reports: new ReportsService(deps.dataSource, clock, readDataSource),
    marketDays: new MarketDaysService(deps.dataSource, sellers, catalog, audit, clock),
    traceability,
    teams: new TeamsService(deps.dataSource, audit, clock, sellers),
    reviews: new ReviewsService(deps.dataSource, sellers, audit, clock),
    taxReports: new TaxReportsService(deps.dataSource, audit, clock, deps.config.publicUrl),
    zaloWorker: new ZaloWorker(deps.dataSource, deps.config.zalo, deps.logger),
    notificationsAdmin: new NotificationsAdminService(deps.dataSource, deps.config.zalo !== null),
    mailWorker: new MailWorker(deps.dataSource, mailTransport ?? MailWorker.transportFor(deps.config.smtpUrl, deps.config.mailDir), deps.logger),
  };
}
