import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { migrateAsOwner } from '../../src/platform/database/migrate.js';
import { startScratchDatabase } from '../../src/platform/database/scratch.js';
import { createLogger } from '../../src/platform/logging.js';
import pg from 'pg';
import { buildConsoleIfStale, unpackChromium } from '../console/support/build.js';

export const TEMPLATE_DATABASE = 'samenloop_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test cluster's `postgres` database. */
    adminUrl: string;
    /** The template database as the schema owner and as the application role. */
    ownerUrl: string;
    appUrl: string;
    templateDatabase: string;
  }
}

/**
 * One real PostgreSQL for the whole run, with the two roles the service uses (docs/configuration.md). The
 * template database is migrated once, as the schema owner, with the real migrations; each test file then gets its
 * own copy (CREATE DATABASE … TEMPLATE), so files run in parallel, isolated, and the app connects as the
 * application role exactly as in production.
 */
export default async function setup(project: TestProject) {
  // Some tests start the built server (dist/) as a new user would; make sure it is current.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The console's browser tests load dist/console (vite, not tsc, builds it).
  buildConsoleIfStale();
  await unpackChromium();
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await startScratchDatabase(logger, TEMPLATE_DATABASE, {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '300',
  });
  await migrateAsOwner(database.urls.owner, logger);
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  await admin.query('checkpoint');
  await admin.end();

  project.provide('adminUrl', database.adminUrl);
  project.provide('ownerUrl', database.urls.owner);
  project.provide('appUrl', database.urls.app);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    await database.stop();
  };
}
