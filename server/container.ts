import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { systemClock, type Clock } from './lib/clock';
import type { Logger } from './logger';
import { CatalogService } from './modules/catalog';
import { LocalDiskStorage, type MediaStorage } from './storage/media-storage';

/** Composition root: every service is built once here and handed its dependencies. */
export interface Container {
  config: Readonly<Config>;
  dataSource: DataSource;
  logger: Logger;
  clock: Clock;
  media: MediaStorage;
  catalog: CatalogService;
}

export function buildContainer(deps: { config: Readonly<Config>; dataSource: DataSource; logger: Logger; clock?: Clock }): Container {
  const clock = deps.clock ?? systemClock;
  const media = new LocalDiskStorage(deps.config.mediaDir);
  return {
    ...deps,
    clock,
    media,
    catalog: new CatalogService(deps.dataSource, media, clock),
  };
}
