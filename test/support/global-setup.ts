import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from '../../src/modules.js';
import { migrateToHead } from '../../src/platform/database/migrate.js';
import { createOrm } from '../../src/platform/database/orm.js';
import { startScratchDatabase } from '../../src/platform/database/scratch.js';
import { sql } from '../../src/platform/database/sql.js';
import { createLogger } from '../../src/platform/logging.js';

export const TEMPLATE_DATABASE = 'samenloop_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test cluster's `postgres` database. */
    adminUrl: string;
    templateDatabase: string;
  }
}

/**
 * One real PostgreSQL for the whole run. The template database is migrated once with the real migrations;
 * each test file then gets its own copy (CREATE DATABASE … TEMPLATE), so files run in parallel, isolated.
 */
export default async function setup(project: TestProject) {
  // Some tests start the built server (dist/) as a new user would; make sure it is current.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await startScratchDatabase(logger, TEMPLATE_DATABASE, {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '300',
  });
  const orm = await createOrm({ url: database.url, entities: ENTITIES, migrations: MIGRATIONS, logger, poolSize: 2 });
  await migrateToHead(orm, logger);
  await sql(orm.em.fork(), 'checkpoint');
  await orm.close();

  const admin = new URL(database.url);
  admin.pathname = '/postgres';
  project.provide('adminUrl', admin.toString());
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    await database.stop();
  };
}
