import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logging.js';
import { startEmbeddedDatabase } from './embedded.js';
import { provisionDatabase, type DatabaseUrls } from './roles.js';

export interface ScratchDatabase {
  /** Superuser URL of the cluster's `postgres` database. */
  adminUrl: string;
  /** The owner and application URLs of the scratch database. */
  urls: DatabaseUrls & { owner: string };
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL cluster in a temporary directory (tests, migration generation, benchmarks) with the
 * two roles and one database provisioned; removed again on stop.
 */
export async function startScratchDatabase(
  logger: Logger,
  database = 'samenloop',
  settings?: Record<string, string>,
): Promise<ScratchDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-pg-'));
  chmodSync(dir, 0o755); // as root, the server runs as the postgres user, which must be able to enter it
  const embedded = await startEmbeddedDatabase({ dataDir: dir, logger, settings });
  const urls = await provisionDatabase(embedded.adminUrl, database, SCRATCH_PASSWORDS);
  return {
    adminUrl: embedded.adminUrl,
    urls: { app: urls.app, owner: urls.owner! },
    async stop() {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A scratch cluster listens on 127.0.0.1 only and lives for one run: fixed passwords are enough. */
const SCRATCH_PASSWORDS = { owner: 'scratch-owner', app: 'scratch-app' };
