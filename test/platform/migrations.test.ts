import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from '../../src/modules.js';
import { migrateToHead } from '../../src/platform/database/migrate.js';
import { createOrm, type Orm } from '../../src/platform/database/orm.js';
import { run, sqlf } from '../../src/platform/database/sql.js';
import { createLogger } from '../../src/platform/logging.js';
import { buildGraphQLSchema, printCommittedSchema } from '../../src/schema.js';

describe('migrations', () => {
  let orm: Orm;
  let applied: string[];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    const name = `empty_${process.pid}`;
    await admin.query(`drop database if exists "${name}"`);
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(inject('adminUrl'));
    url.pathname = `/${name}`;
    orm = await createOrm({ url: url.toString(), entities: ENTITIES, migrations: MIGRATIONS, logger: createLogger('silent'), poolSize: 2 });
    applied = await migrateToHead(orm, createLogger('silent'));
  });
  afterAll(async () => orm?.close());

  it('bring an empty database to head, in order', async () => {
    expect(applied).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
  });

  it('create btree_gist first, the reference data and the SQL functions every installation needs', async () => {
    const em = orm.em.fork();
    expect(await run(em, sqlf`select 1 from pg_extension where extname = 'btree_gist'`)).toHaveLength(1);
    const organisations = await run<{ code: string }>(em, sqlf`select code from organisation order by code`);
    expect(organisations.map((row) => row.code)).toEqual(['IGJ', 'IJENV', 'NZA', 'OM', 'ZORGINSPECTIE']);
    expect(await run(em, sqlf`select shard from audit_chain_head`)).toHaveLength(16);
    const functions = await run<{ proname: string }>(em, sqlf`select proname from pg_proc where proname like 'visit\\_%' or proname like 'audit\\_%' order by 1`);
    expect(functions.map((row) => row.proname)).toEqual(
      expect.arrayContaining(['audit_event_link', 'visit_lock_providers', 'visit_plan', 'visit_record_conflicts', 'visit_week_window']),
    );
  });

  it('leave nothing for the ORM to change: its schema diff against head is empty', async () => {
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    expect(diff.trim()).toBe('');
  });

  it('are all listed in migrations/index.ts', () => {
    const files = readdirSync('migrations')
      .filter((file) => /^Migration\d{14}.*\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(MIGRATIONS.map((migration) => migration.name)).toEqual(files);
  });

  it('have a snapshot that matches the entities (regenerate with npm run migration:create)', () => {
    const committed = JSON.parse(readFileSync('migrations/.snapshot.json', 'utf8'));
    const current = JSON.parse(JSON.stringify(orm.getSchemaGenerator().getTargetSchema()));
    expect(committed).toEqual(current);
  });
});

describe('GraphQL schema', () => {
  it('schema/schema.graphql is what the resolvers generate (regenerate with npm run schema:emit)', async () => {
    const committed = readFileSync('schema/schema.graphql', 'utf8');
    expect(committed).toBe(printCommittedSchema(await buildGraphQLSchema()));
  });
});
