import 'reflect-metadata';
import { MIGRATIONS } from '../../migrations/index.js';
import { auditVerdict, verifyAuditLog, verifyCheckpoints } from '../audit/index.js';
import { ENTITIES } from '../modules.js';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/database/connect.js';
import { createOrm } from '../platform/database/orm.js';
import { createLogger } from '../platform/logging.js';
import { loadSecretKey } from '../platform/secrets.js';

/**
 * npm run audit:verify — walks every hash chain of the audit log, then checks that each chain still passes through
 * every head the service signed outside the database (AUDIT_KEY_FILE, AUDIT_CHECKPOINT_DIR). Prints the first
 * broken link first. Exit code 0: intact; 1: tampering found, or no checkpoint at all (`--allow-unanchored`
 * accepts that); 2: could not check.
 */
const config = loadConfig();
const logger = createLogger('warn');
let exitCode = 2;
const database = await openDatabase(config, logger);
try {
  // The verifier reads every chain, which row-level security hides from the application role: it runs as the owner.
  if (!database.urls.owner) throw new Error('the verifier reads the whole log as the schema owner: set DATABASE_OWNER_URL');
  const key = loadSecretKey({ file: config.auditKeyFile, variable: 'AUDIT_KEY_FILE', dataDir: config.dataDir, generatedName: 'audit-key' });
  const orm = await createOrm({ url: database.urls.owner, entities: ENTITIES, migrations: MIGRATIONS, logger });
  try {
    const chains = await verifyAuditLog(orm.em.fork(), (checked) => console.error(`… ${checked} events checked`));
    const anchors = await verifyCheckpoints(orm.em.fork(), key, config.auditCheckpointDir);
    const verdict = auditVerdict(chains, anchors, { allowUnanchored: process.argv.includes('--allow-unanchored'), checkpointDir: config.auditCheckpointDir });
    for (const line of verdict.lines) console.log(line);
    exitCode = verdict.exitCode;
  } finally {
    await orm.close();
  }
} catch (error) {
  console.error(`Could not verify the audit log: ${(error as Error).message}`);
} finally {
  await database.stop();
}
process.exit(exitCode);
