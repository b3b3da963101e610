import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../lib/paths';
import type { S3Settings } from '../storage/s3-storage';

const optionalString = z.string().trim().min(1).optional();

/** Every environment variable the store reads; nothing else touches process.env. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL phải bắt đầu bằng postgres://')
    .optional(),
  /** A read replica of DATABASE_URL for the public catalogue's reads (unset: everything reads the primary). */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_READ_URL phải bắt đầu bằng postgres://')
    .optional(),
  SEED_DEMO: z.enum(['0', '1', 'true', 'false']).optional(),
  SESSION_SECRET: optionalString,
  DATA_DIR: optionalString,
  MEDIA_DIR: optionalString,
  SMTP_URL: optionalString,
  RESERVATION_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** How long a stall sale at the till holds its stock while the customer transfers. */
  STALL_SALE_MINUTES: z.coerce.number().int().min(1).max(240).default(15),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE: z.string().url().optional(),
  VIETQR_BANK_BIN: optionalString,
  VIETQR_ACCOUNT_NO: optionalString,
  VIETQR_ACCOUNT_NAME: optionalString,
  BANK_WEBHOOK_SECRET: optionalString,
  PUBLIC_URL: z.string().url().optional(),
  CATALOG_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).optional(),
  PAGE_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).optional(),
  PHOTO_MAX_CONCURRENT: z.coerce.number().int().min(1).max(32).default(2),
  PHOTO_MAX_WAITING: z.coerce.number().int().min(0).max(100).default(4),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  ZALO_ZNS_ACCESS_TOKEN: optionalString,
  ZALO_ZNS_API_BASE: z.string().url().optional(),
  ZALO_ZNS_TEMPLATES: optionalString,
  /** Worker processes sharing the port (node:cluster); default every CPU in production, 1 otherwise. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** PostgreSQL connections the whole store (all its workers together) may open. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).optional(),
  /** Where uploads and generated covers go: `local` (MEDIA_DIR, the default) or `s3` (the S3_* variables). */
  MEDIA_STORAGE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: optionalString,
  S3_REGION: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_PUBLIC_URL: z.string().url().optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  /** Set when the store uses an external PostgreSQL; unset means embedded. */
  databaseUrl?: string;
  /** DATABASE_READ_URL: a replica the public catalogue reads from (a second pool); unset means the primary. */
  databaseReadUrl?: string;
  seedDemo: boolean;
  sessionSecret: string;
  dataDir: string;
  mediaDir: string;
  smtpUrl?: string;
  mailDir: string;
  reservationMinutes: number;
  /** STALL_SALE_MINUTES: a stall sale's reservation (the till's QR waits this long). */
  stallSaleMinutes: number;
  logLevel: string;
  /** Where links in emails point. */
  publicUrl: string;
  vietqr: { bankBin: string; accountNo: string; accountName: string } | null;
  stripe: { secretKey: string; webhookSecret: string; apiBase?: string } | null;
  bankWebhookSecret?: string;
  /** Only the configured methods are offered at checkout. */
  paymentMethods: ('stripe' | 'vietqr')[];
  /** The demo outside production: demo logins, demo bank details and the bank-transfer simulation. */
  demo: boolean;
  /** How long listing counts and page anchors are reused (0: never; tests default to 0). */
  catalogCacheSeconds: number;
  /** How long each process sends a public page again as rendered to visitors without a session (0: never; tests default to 0). */
  pageCacheSeconds: number;
  /** Photo uploads decoded at once (a 40-megapixel photo takes ~160 MB) and allowed to wait; more get 503. */
  photoProcessing: { maxConcurrent: number; maxWaiting: number };
  /** Zalo ZNS notifications: on when ZALO_ZNS_ACCESS_TOKEN is set; an event without a template goes by email only. */
  zalo: ZaloConfig | null;
  /** WEB_CONCURRENCY: worker processes (1: the store runs in this process, no cluster). */
  workers: number;
  /** DATABASE_POOL_SIZE: the connection budget of all workers together (unset: see server/cluster.ts). */
  databasePoolSize?: number;
  /** MEDIA_STORAGE=s3: the bucket that holds the photos instead of mediaDir. */
  s3: S3Settings | null;
}

/** The events Zalo may announce, named as in ZALO_ZNS_TEMPLATES. */
export const ZALO_EVENTS = ['order_placed', 'order_paid', 'seller_new_order', 'order_shipped', 'stall_sale_paid'] as const;
export type ZaloEvent = (typeof ZALO_EVENTS)[number];

export interface ZaloConfig {
  accessToken: string;
  /** ZALO_ZNS_API_BASE, without a trailing slash (unset: Zalo's business API). */
  apiBase: string;
  /** `<event>=<id>`: each event's default template, the Vietnamese one (the only one for any other language). */
  templates: Partial<Record<ZaloEvent, string>>;
  /** `<event>.en=<id>`: the template an English reader (users.language = 'en') gets instead; none = the default. */
  englishTemplates: Partial<Record<ZaloEvent, string>>;
}

/**
 * `order_placed=123,order_placed.en=223,order_paid=456`: each known event at most once, each with an
 * id, and an English template only beside its event's default (a Vietnamese reader would otherwise get
 * nothing for it by Zalo, surely not what was meant).
 */
function parseZaloTemplates(spec: string | undefined): Pick<ZaloConfig, 'templates' | 'englishTemplates'> {
  const templates: Partial<Record<ZaloEvent, string>> = {};
  const englishTemplates: Partial<Record<ZaloEvent, string>> = {};
  const pairs = (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const pair of pairs) {
    const [key, id, ...rest] = pair.split('=').map((p) => p.trim());
    const [event, language, ...more] = key.split('.');
    if (!(ZALO_EVENTS as readonly string[]).includes(event) || (language !== undefined && language !== 'en') || more.length > 0 || !id || rest.length > 0) {
      throw new ConfigError(
        `ZALO_ZNS_TEMPLATES: "${pair}" is not <event>=<template id> or <event>.en=<template id> with an event among ${ZALO_EVENTS.join(', ')}`,
      );
    }
    const target = language === 'en' ? englishTemplates : templates;
    if (target[event as ZaloEvent]) throw new ConfigError(`ZALO_ZNS_TEMPLATES: "${pair}" repeats ${key}`);
    target[event as ZaloEvent] = id;
  }
  for (const event of Object.keys(englishTemplates) as ZaloEvent[]) {
    if (!templates[event]) {
      throw new ConfigError(`ZALO_ZNS_TEMPLATES: ${event}.en=${englishTemplates[event]} has no default template: add ${event}=<template id>`);
    }
  }
  return { templates, englishTemplates };
}

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  // CASE: containers and .env files pass `NAME=` for "not set": an empty variable is an unset one.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ (invalid configuration):\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  if (isProduction && !env.SESSION_SECRET) {
    throw new ConfigError('SESSION_SECRET is required when NODE_ENV=production');
  }
  // Links in mail and on QR labels, Stripe's return address and the add-to-cart origin check use it.
  if (isProduction && !env.PUBLIC_URL) {
    throw new ConfigError('PUBLIC_URL is required when NODE_ENV=production (e.g. https://cho-ocop.example.vn)');
  }
  if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
    throw new ConfigError('DATABASE_READ_URL is a replica of DATABASE_URL: set DATABASE_URL too');
  }
  let s3: S3Settings | null = null;
  if (env.MEDIA_STORAGE === 's3') {
    const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((name) => !env[name]);
    if (missing.length > 0) throw new ConfigError(`MEDIA_STORAGE=s3 needs ${missing.join(', ')}`);
    s3 = {
      endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET!,
      region: env.S3_REGION ?? 'us-east-1',
      accessKeyId: env.S3_ACCESS_KEY_ID!,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
      publicUrl: env.S3_PUBLIC_URL,
    };
  }
  const dataDir = path.resolve(projectRoot, env.DATA_DIR ?? 'data');
  const seedFlag = env.SEED_DEMO === '1' || env.SEED_DEMO === 'true';
  // Only the embedded store outside production seeds unasked; production loads the catalogue only when asked.
  const seedDemo = env.DATABASE_URL || isProduction ? seedFlag : env.SEED_DEMO === undefined ? true : seedFlag;
  // Demo logins, demo bank details and the bank-transfer simulation: never in production, whose
  // published passwords would open the store to anyone.
  const demo = seedDemo && !isProduction;
  // The embedded demo brings its own (fictitious) receiving account so VietQR works out of the box.
  const vietqr =
    env.VIETQR_BANK_BIN && env.VIETQR_ACCOUNT_NO && env.VIETQR_ACCOUNT_NAME
      ? { bankBin: env.VIETQR_BANK_BIN, accountNo: env.VIETQR_ACCOUNT_NO, accountName: env.VIETQR_ACCOUNT_NAME }
      : demo
        ? { bankBin: '970405', accountNo: '8888000012345', accountName: 'CHO OCOP DEMO' }
        : null;
  const stripe =
    env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
      ? { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET, apiBase: env.STRIPE_API_BASE }
      : null;
  return Object.freeze({
    env: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    databaseReadUrl: env.DATABASE_READ_URL,
    // The embedded store is a demo: it seeds unless told not to. An external database or production never seeds unasked.
    seedDemo,
    sessionSecret: env.SESSION_SECRET ?? 'cho-ocop-dev-secret-change-me',
    dataDir,
    mediaDir: path.resolve(projectRoot, env.MEDIA_DIR ?? path.join(dataDir, 'media')),
    smtpUrl: env.SMTP_URL,
    mailDir: path.join(dataDir, 'mail'),
    reservationMinutes: env.RESERVATION_MINUTES,
    stallSaleMinutes: env.STALL_SALE_MINUTES,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    vietqr,
    stripe,
    bankWebhookSecret: env.BANK_WEBHOOK_SECRET ?? (demo ? 'cho-ocop-demo-bank-secret' : undefined),
    paymentMethods: [...(stripe ? (['stripe'] as const) : []), ...(vietqr ? (['vietqr'] as const) : [])],
    demo,
    catalogCacheSeconds: env.CATALOG_CACHE_SECONDS ?? (env.NODE_ENV === 'test' ? 0 : 30),
    pageCacheSeconds: env.PAGE_CACHE_SECONDS ?? (env.NODE_ENV === 'test' ? 0 : 5),
    photoProcessing: { maxConcurrent: env.PHOTO_MAX_CONCURRENT, maxWaiting: env.PHOTO_MAX_WAITING },
    zalo: env.ZALO_ZNS_ACCESS_TOKEN
      ? {
          accessToken: env.ZALO_ZNS_ACCESS_TOKEN,
          apiBase: (env.ZALO_ZNS_API_BASE ?? 'https://business.openapi.zalo.me').replace(/\/$/, ''),
          ...parseZaloTemplates(env.ZALO_ZNS_TEMPLATES),
        }
      : null,
    workers: env.WEB_CONCURRENCY ?? (isProduction ? os.availableParallelism() : 1),
    databasePoolSize: env.DATABASE_POOL_SIZE,
    s3,
  });
}
