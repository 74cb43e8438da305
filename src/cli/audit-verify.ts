import 'reflect-metadata';
import { MIGRATIONS } from '../../migrations/index.js';
import { verifyAuditLog } from '../audit/index.js';
import { ENTITIES } from '../modules.js';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/database/connect.js';
import { createOrm } from '../platform/database/orm.js';
import { createLogger } from '../platform/logging.js';

/**
 * npm run audit:verify — walks every hash chain of the audit log and reports altered, removed or inserted rows.
 * Exit code 0: intact; 1: tampering found; 2: could not check. The printed chain heads can be kept elsewhere
 * to prove later that the log was not rewritten as a whole.
 */
const config = loadConfig();
const logger = createLogger('warn');
let exitCode = 2;
const database = await openDatabase(config, logger);
try {
  // The verifier reads every chain, which row-level security hides from the application role: it runs as the owner.
  if (!database.urls.owner) throw new Error('the verifier reads the whole log as the schema owner: set DATABASE_OWNER_URL');
  const orm = await createOrm({ url: database.urls.owner, entities: ENTITIES, migrations: MIGRATIONS, logger });
  const report = await verifyAuditLog(orm.em.fork(), (checked) => console.error(`… ${checked} events checked`));
  await orm.close();
  if (report.problems.length === 0) {
    console.log(`Audit log intact: ${report.events} events in ${report.heads.length} chains.`);
    for (const head of report.heads) console.log(`  chain ${String(head.shard).padStart(2)}: ${head.seq} events, head ${head.hash}`);
    exitCode = 0;
  } else {
    console.log(`Audit log TAMPERED: ${report.problems.length} problems in ${report.events} events.`);
    for (const problem of report.problems) console.log(`  - ${problem}`);
    exitCode = 1;
  }
} catch (error) {
  console.error(`Could not verify the audit log: ${(error as Error).message}`);
} finally {
  await database.stop();
}
process.exit(exitCode);
