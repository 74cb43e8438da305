import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceGeneratedBlock } from '../../src/platform/generated-blocks.js';

/** One row of the benchmark's table. */
export interface BenchRow {
  id: string;
  what: string;
  value: string;
  target: string;
  /** null for a reference row, which has no bar of its own. */
  pass: boolean | null;
}

/** What test/bench/results/latest.json holds: the last run's table and where it ran. */
export interface BenchResults {
  date: string;
  node: string;
  postgres: string;
  cpus: number;
  quick: boolean;
  rows: BenchRow[];
}

export const RESULTS_FILE = path.join('test', 'bench', 'results', 'latest.json');
const DOC = 'docs/performance.md';

/** The generated block "bench" of docs/performance.md: the table of latest.json, never typed by hand. */
export function benchDocBlock(results: BenchResults): string {
  const sorted = [...results.rows].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return [
    `Node ${results.node}, PostgreSQL ${results.postgres}, ${results.cpus} CPUs, ${results.date.slice(0, 10)}, ${results.quick ? 'quick run (`-- --quick`)' : 'full run'}:`,
    '',
    '| id | measured | value (worse round) | target | met |',
    '| --- | --- | --- | --- | --- |',
    ...sorted.map((row) => `| ${row.id} | ${row.what} | ${row.value} | ${row.target} | ${row.pass === null ? '—' : row.pass ? 'yes' : '**no**'} |`),
  ].join('\n');
}

/** Writes latest.json and the table of docs/performance.md from it. */
export function saveResults(results: BenchResults): void {
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(DOC, replaceGeneratedBlock(readFileSync(DOC, 'utf8'), 'bench', benchDocBlock(results), DOC));
}

/** The table on standard output, for the one who ran the benchmark. */
export function printResults(results: readonly BenchRow[]): void {
  const width = (key: 'id' | 'what' | 'value' | 'target') => Math.max(key.length, ...results.map((row) => row[key].length));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(line(['id'.padEnd(width('id')), 'ratio'.padEnd(width('what')), 'measured (worse round)'.padEnd(width('value')), 'target'.padEnd(width('target')), 'ok']));
  console.log(line(['-'.repeat(width('id')), '-'.repeat(width('what')), '-'.repeat(width('value')), '-'.repeat(width('target')), '--']));
  for (const row of [...results].sort((a, b) => a.id.localeCompare(b.id))) {
    console.log(line([row.id.padEnd(width('id')), row.what.padEnd(width('what')), row.value.padEnd(width('value')), row.target.padEnd(width('target')), row.pass === null ? '-' : row.pass ? 'yes' : 'NO']));
  }
}
