import 'reflect-metadata';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/database/connect.js';
import { migrateAsOwner } from '../platform/database/migrate.js';
import { createLogger } from '../platform/logging.js';

/**
 * npm run migrate — applies pending migrations as the schema owner: DATABASE_OWNER_URL, or the embedded
 * database's owner role in .data/.
 */
const config = loadConfig();
const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'info');
const database = await openDatabase(config, logger);
try {
  if (!database.urls.owner) {
    console.error('Migrations run as the schema owner: set DATABASE_OWNER_URL (see docs/configuration.md, "Database roles").');
    process.exitCode = 2;
  } else {
    const applied = await migrateAsOwner(database.urls.owner, logger);
    console.log(applied.length === 0 ? 'The database is at head; nothing to apply.' : `Applied: ${applied.join(', ')}`);
  }
} finally {
  await database.stop();
}
