import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replaceGeneratedBlock } from '../../src/platform/generated-blocks.js';
import { formatReport, runSoak, soakDocBlock, type SoakResults } from '../soak/soak.js';
import { createTestDatabase } from '../support/test-app.js';

/**
 * The one-minute soak (`npm run soak -- --minutes N` runs it as long as wanted): mixed traffic against the built
 * server as its own process, then the checks of test/soak/soak.ts — no 5xx, no error, no lost conflict, no
 * duplicate signal, a verified audit chain, RSS at the end at most 1.5 × RSS after warm-up.
 */
describe('soak', () => {
  it('one minute of mixed traffic passes every check', { timeout: 180_000 }, async () => {
    const database = await createTestDatabase();
    const report = await runSoak({ minutes: 1, appUrl: database.appUrl, ownerUrl: database.ownerUrl, concurrency: 4 });
    expect(report.failures, formatReport(report)).toEqual([]);
    expect(report.written.visits).toBeGreaterThan(0);
    expect(report.conflictPairs).toBeGreaterThan(0); // the traffic really crowds providers
    expect(report.written.decisions).toBeGreaterThan(0);
  });

  it('docs/deployment.md shows the figures of the last `npm run soak`, from test/soak/results/latest.json', () => {
    const results = JSON.parse(readFileSync('test/soak/results/latest.json', 'utf8')) as SoakResults;
    const document = readFileSync('docs/deployment.md', 'utf8');
    expect(document).toBe(replaceGeneratedBlock(document, 'soak', soakDocBlock(results), 'docs/deployment.md'));
    expect(results.failures).toEqual([]);
  });
});
