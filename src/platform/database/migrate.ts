import type { Logger } from '../logging.js';
import type { Orm } from './orm.js';

/** Applies pending migrations, all in one transaction: either the schema reaches head or nothing changes. */
export async function migrateToHead(orm: Orm, logger: Logger): Promise<string[]> {
  const migrator = orm.getMigrator();
  const pending = await migrator.getPendingMigrations();
  if (pending.length === 0) return [];
  logger.info({ migrations: pending.map((migration) => migration.name) }, `applying ${pending.length} database migrations`);
  const applied = await migrator.up();
  return applied.map((migration) => migration.name);
}
