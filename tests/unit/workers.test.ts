import os from 'node:os';
import { respawnDelay, workerPoolSize } from '../../server/cluster';
import { ConfigError, loadConfig } from '../../server/config';

describe('WEB_CONCURRENCY', () => {
  it('defaults to every CPU in production and to 1 in development and tests', () => {
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://cho-ocop.example.vn' }).workers).toBe(
      os.availableParallelism(),
    );
    expect(loadConfig({ NODE_ENV: 'development' }).workers).toBe(1);
    expect(loadConfig({ NODE_ENV: 'test' }).workers).toBe(1);
    expect(
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://cho-ocop.example.vn', WEB_CONCURRENCY: '3' }).workers,
    ).toBe(3);
  });

  it('refuses a count that is not a positive whole number', () => {
    expect(() => loadConfig({ WEB_CONCURRENCY: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEB_CONCURRENCY: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '-1' })).toThrow(ConfigError);
  });
});

describe('each worker’s pool', () => {
  it('is 10 while PostgreSQL has room, and the workers together stay 10 under its limit', () => {
    // max_connections 100, 3 reserved for superusers: 97 usable.
    expect(workerPoolSize(1, 97)).toBe(10);
    expect(workerPoolSize(2, 97)).toBe(10);
    expect(workerPoolSize(16, 97)).toBe(5);
    for (const workers of [1, 2, 4, 8, 16, 32]) expect(workerPoolSize(workers, 97) * workers).toBeLessThanOrEqual(87);
  });

  it('shares DATABASE_POOL_SIZE between the workers, at least 2 each', () => {
    expect(workerPoolSize(2, 97, 30)).toBe(15);
    expect(workerPoolSize(4, 97, 6)).toBe(2);
  });
});

describe('a crashed worker', () => {
  it('is replaced after 0.5 s, longer with every crash in the last minute, at most 30 s', () => {
    expect([1, 2, 3, 4, 10].map(respawnDelay)).toEqual([500, 1000, 2000, 4000, 30_000]);
  });
});
