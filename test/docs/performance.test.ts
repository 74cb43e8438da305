import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replaceGeneratedBlock } from '../../src/platform/generated-blocks.js';
import { benchDocBlock, RESULTS_FILE, type BenchResults } from '../bench/results.js';

describe('docs/performance.md', () => {
  it('shows the table of the last `npm run bench`, from test/bench/results/latest.json', () => {
    const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchResults;
    const document = readFileSync('docs/performance.md', 'utf8');
    expect(document).toBe(replaceGeneratedBlock(document, 'bench', benchDocBlock(results), 'docs/performance.md'));
    for (const id of ['P1', 'P2', 'P3', 'P4', 'P4-prepared', 'P4-mix', 'P5', 'P6', 'P6-single', 'P6-latency', 'P6-latency-cpu', 'P6-cpu', 'P7', 'P7-single', 'P8', 'P9-rest', 'P9-entities']) {
      expect(results.rows.map((row) => row.id), id).toContain(id);
    }
  });
});
