import pg from 'pg';
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
  await applyDefinitions(orm.em.fork(), DEFINITIONS, MIGRATIONS.at(-1)!.name, logger);
  return applied;
}

/**
 * Connects as the schema owner just long enough to bring the schema to head. A session lock makes processes that
 * start at once take turns (the migrator takes none): the second finds nothing left to do.
 */
export async function migrateAsOwner(ownerUrl: string, logger: Logger): Promise<string[]> {
  const lock = new pg.Client({ connectionString: ownerUrl });
  await lock.connect();
  try {
    await lock.query(`select pg_advisory_lock(hashtextextended('samenloop:migrations', 0))`);
    const orm = await createOrm({ url: ownerUrl, entities: [], migrations: MIGRATIONS, logger, poolSize: 1 });
    try {
      return await migrateToHead(orm, logger);
    } finally {
      await orm.close();
    }
  } finally {
    await lock.end(); // ending the session releases its lock
  }
}
