import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import { readOrCreateSecret, startEmbeddedDatabase } from './embedded.js';
import { LegacyDatabaseError, provisionDatabase, type DatabaseUrls } from './roles.js';

export interface OpenDatabase {
  urls: DatabaseUrls;
  stop(): Promise<void>;
}

const DATABASE = 'samenloop';

/**
 * The database the configuration names: DATABASE_URL (and DATABASE_OWNER_URL for migrations), or else the
 * embedded PostgreSQL under DATA_DIR with both roles provisioned.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<OpenDatabase> {
  if (config.databaseUrl) return { urls: { app: config.databaseUrl, owner: config.databaseOwnerUrl }, stop: async () => {} };
  logger.info({ dataDir: config.dataDir }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
  const embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
  const passwords = {
    owner: readOrCreateSecret(path.join(config.dataDir, 'postgres-owner-password')),
    app: readOrCreateSecret(path.join(config.dataDir, 'postgres-app-password')),
  };
  try {
    let urls: DatabaseUrls;
    try {
      urls = await provisionDatabase(embedded.adminUrl, DATABASE, passwords);
    } catch (error) {
      if (!(error instanceof LegacyDatabaseError)) throw error;
      // Made by a version without database roles: keep it aside (nothing is lost) and start a fresh one.
      const aside = `${DATABASE}_before_roles_${Date.now().toString(36)}`;
      await renameDatabase(embedded.adminUrl, DATABASE, aside);
      logger.warn({ database: DATABASE, keptAs: aside }, 'the embedded database predates the database roles: kept aside, starting a fresh one');
      urls = await provisionDatabase(embedded.adminUrl, DATABASE, passwords);
    }
    return { urls, stop: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

async function renameDatabase(adminUrl: string, from: string, to: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`alter database "${from}" rename to "${to}"`);
  } finally {
    await admin.end();
  }
}
