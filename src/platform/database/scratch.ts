import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logging.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded.js';

/**
 * A throw-away PostgreSQL cluster in a temporary directory (tests, migration generation, benchmarks); removed
 * again on stop.
 */
export async function startScratchDatabase(
  logger: Logger,
  database = 'samenloop',
  settings?: Record<string, string>,
): Promise<EmbeddedDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-pg-'));
  chmodSync(dir, 0o755); // as root, the server runs as the postgres user, which must be able to enter it
  const embedded = await startEmbeddedDatabase({ dataDir: dir, database, logger, settings });
  return {
    url: embedded.url,
    async stop() {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
