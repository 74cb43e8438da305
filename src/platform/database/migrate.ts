import { MIGRATIONS } from '../../../migrations/index.js';
import { DEFINITIONS } from '../../definitions.js';
import type { Logger } from '../logging.js';
import { applyDefinitions } from './definitions.js';
import { createOrm, type Orm } from './orm.js';

/**
 * Applies pending migrations, all in one transaction: either the schema reaches head or nothing changes. Then
 * the repeatable definitions whose source changed (definitions.ts), in a transaction of their own.
 */
export async function migrateToHead(orm: Orm, logger: Logger): Promise<string[]> {
  const migrator = orm.getMigrator();
  const pending = await migrator.getPendingMigrations();
  if (pending.length > 0) logger.info({ migrations: pending.map((migration) => migration.name) }, `applying ${pending.length} database migrations`);
  const applied = pending.length > 0 ? (await migrator.up()).map((migration) => migration.name) : [];
  await applyDefinitions(orm.em.fork(), DEFINITIONS, logger);
  return applied;
}

/** Connects as the schema owner just long enough to bring the schema to head. */
export async function migrateAsOwner(ownerUrl: string, logger: Logger): Promise<string[]> {
  const orm = await createOrm({ url: ownerUrl, entities: [], migrations: MIGRATIONS, logger, poolSize: 1 });
  try {
    return await migrateToHead(orm, logger);
  } finally {
    await orm.close();
  }
}
