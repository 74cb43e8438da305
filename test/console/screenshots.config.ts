import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * `npm run docs:screenshots`: the tests' own set-up (global setup, database, aliases), running only the script
 * that photographs the pages. The include list replaces the tests' (mergeConfig would add to it).
 */
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { ...base.test, include: ['test/console/screenshots.run.ts'], testTimeout: 120_000 },
});
