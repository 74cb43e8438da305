import 'reflect-metadata';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from '../modules.js';
import { loadConfig } from '../platform/config.js';
import { startEmbeddedDatabase } from '../platform/database/embedded.js';
import { migrateToHead } from '../platform/database/migrate.js';
import { createOrm } from '../platform/database/orm.js';
import { createLogger } from '../platform/logging.js';

/** npm run migrate — applies pending migrations to DATABASE_URL, or to the embedded database in .data/. */
const config = loadConfig();
const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'info');
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedDatabase({ dataDir: config.dataDir, database: 'samenloop', logger });
try {
  const orm = await createOrm({ url: config.databaseUrl ?? embedded!.url, entities: ENTITIES, migrations: MIGRATIONS, logger });
  const applied = await migrateToHead(orm, logger);
  await orm.close();
  console.log(applied.length === 0 ? 'The database is at head; nothing to apply.' : `Applied: ${applied.join(', ')}`);
} finally {
  await embedded?.stop();
}
