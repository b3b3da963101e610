import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../../server/db/embedded-postgres';
import { projectRoot } from '../../../server/lib/paths';

/**
 * Real store processes (`node dist/server/main.js`, compiled by `npm run test:reliability`), the
 * way production runs them: configured by environment only, stopped by signals.
 */

export const SESSION_SECRET = 'reliability-shared-session-secret-0123456789';
export const BANK_WEBHOOK_SECRET = 'reliability-bank-secret';
export const BANK_ACCOUNT = '8888000012345';

const MAIN = path.join(projectRoot, 'dist', 'server', 'main.js');

export interface StoreProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** The last lines it printed (stdout and stderr), for failure messages. */
  output: () => string;
  /** SIGTERM and wait (graceful stop); SIGKILL after 10 s. */
  stop: () => Promise<void>;
  /** SIGKILL: no shutdown code runs at all. */
  kill: () => Promise<void>;
}

const running = new Set<StoreProcess>();

export async function startStoreProcess(options: {
  databaseUrl: string;
  mediaDir: string;
  env?: Record<string, string>;
  port?: number;
}): Promise<StoreProcess> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run the suite with "npm run test:reliability" (it builds first).`);
  const port = options.port ?? (await freePort());
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.mediaDir,
      MEDIA_DIR: options.mediaDir,
      SESSION_SECRET,
      LOG_LEVEL: 'warn',
      VIETQR_BANK_BIN: '970405',
      VIETQR_ACCOUNT_NO: BANK_ACCOUNT,
      VIETQR_ACCOUNT_NAME: 'CHO OCOP RELIABILITY',
      BANK_WEBHOOK_SECRET,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  const store: StoreProcess = {
    url,
    port,
    child,
    output: () => output,
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await signal('SIGTERM');
      clearTimeout(timer);
      running.delete(store);
    },
    kill: async () => {
      await signal('SIGKILL');
      running.delete(store);
    },
  };
  running.add(store);
  try {
    await waitUntilReady(store, 60_000);
  } catch (err) {
    await store.kill();
    throw err;
  }
  return store;
}

/** Polls /readyz until the store and its database answer. */
export async function waitUntilReady(store: StoreProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (store.child.exitCode !== null || store.child.signalCode !== null) throw new Error(`store exited during start-up:\n${store.output()}`);
    try {
      const res = await fetch(`${store.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`store not ready within ${ms} ms:\n${store.output()}`);
}

/** For afterAll: every store process this file started, killed. */
export async function killAllStores(): Promise<void> {
  await Promise.all([...running].map((s) => s.kill()));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, ms: number, every = 250): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}
