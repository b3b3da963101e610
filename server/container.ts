import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { systemClock, type Clock } from './lib/clock';
import type { Logger } from './logger';
import { AccountsService, LoginThrottle } from './modules/accounts';
import { ProductModerationService } from './modules/admin';
import { AuditService } from './modules/audit';
import { CatalogService } from './modules/catalog';
import { StockService } from './modules/inventory';
import { SellerProductsService, SellersService } from './modules/sellers';
import { LocalDiskStorage, type MediaStorage } from './storage/media-storage';

/** Composition root: every service is built once here and handed its dependencies. */
export interface Container {
  config: Readonly<Config>;
  dataSource: DataSource;
  logger: Logger;
  clock: Clock;
  media: MediaStorage;
  catalog: CatalogService;
  accounts: AccountsService;
  audit: AuditService;
  sellers: SellersService;
  stock: StockService;
  sellerProducts: SellerProductsService;
  productModeration: ProductModerationService;
}

export function buildContainer(deps: { config: Readonly<Config>; dataSource: DataSource; logger: Logger; clock?: Clock }): Container {
  const clock = deps.clock ?? systemClock;
  const media = new LocalDiskStorage(deps.config.mediaDir);
  const audit = new AuditService(deps.dataSource);
  const accounts = new AccountsService(deps.dataSource, new LoginThrottle(deps.dataSource));
  const catalog = new CatalogService(deps.dataSource, media, clock);
  const sellers = new SellersService(deps.dataSource, accounts, audit);
  const stock = new StockService(deps.dataSource);
  return {
    ...deps,
    clock,
    media,
    audit,
    accounts,
    catalog,
    sellers,
    stock,
    sellerProducts: new SellerProductsService(deps.dataSource, sellers, stock, media, catalog, clock),
    productModeration: new ProductModerationService(deps.dataSource, audit),
  };
}
