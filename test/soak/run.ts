import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateAsOwner } from '../../src/platform/database/migrate.js';
import { startScratchDatabase } from '../../src/platform/database/scratch.js';
import { createLogger } from '../../src/platform/logging.js';
import { replaceGeneratedBlock } from '../../src/platform/generated-blocks.js';
import { formatReport, runSoak, soakDocBlock, type SoakResults } from './soak.js';

/**
 * `npm run soak -- --minutes N` (default 10): a scratch PostgreSQL, the built server as its own process, and this
 * process driving it. Prints the table, writes test/soak/results/latest.json and the table of docs/deployment.md,
 * exits 1 when a check fails.
 */
const at = process.argv.indexOf('--minutes');
const minutes = at >= 0 ? Number(process.argv[at + 1]) : 10;
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
  console.error('Usage: npm run soak -- --minutes N   (N between 0 and 1440; fractions allowed)');
  process.exit(2);
}
const logger = createLogger('warn');
console.log(`Soak of ${minutes} min: starting a scratch PostgreSQL and the server…`);
const database = await startScratchDatabase(logger, 'soak', { max_connections: '100' });
let failed = true;
try {
  await migrateAsOwner(database.urls.owner, logger);
  const report = await runSoak({ minutes, appUrl: database.urls.app, ownerUrl: database.urls.owner, progress: (line) => console.log(line) });
  console.log(`\n${formatReport(report)}`);
  const results = path.join('test', 'soak', 'results');
  mkdirSync(results, { recursive: true });
  const saved: SoakResults = { node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), ...report, auditOutput: '' };
  writeFileSync(path.join(results, 'latest.json'), `${JSON.stringify(saved, null, 2)}\n`);
  // docs/deployment.md shows the figures of that file, never typed by hand (test/operations/soak.test.ts compares them).
  const DOC = 'docs/deployment.md';
  writeFileSync(DOC, replaceGeneratedBlock(readFileSync(DOC, 'utf8'), 'soak', soakDocBlock(saved), DOC));
  failed = report.failures.length > 0;
} finally {
  await database.stop();
}
process.exit(failed ? 1 : 0);
