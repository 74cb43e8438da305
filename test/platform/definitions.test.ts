import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS } from '../../src/definitions.js';
import { applyDefinitions, checksum } from '../../src/platform/database/definitions.js';
import { createOrm, type Orm } from '../../src/platform/database/orm.js';
import { schemaLag } from '../../src/platform/database/schema-state.js';
import { createLogger } from '../../src/platform/logging.js';
import { createTestDatabase, type TestDatabase } from '../support/test-app.js';
import { MIGRATIONS } from '../../migrations/index.js';

/**
 * The database functions kept as source (src/visits/sql/) are what the database runs: applied by the migration
 * step, re-applied when their source changes, and a database whose function differs from its source is not at head.
 */
const HEAD = MIGRATIONS.at(-1)!.name;

describe('repeatable database definitions', () => {
  let database: TestDatabase;
  let owner: pg.Client;
  let orm: Orm;
  const logger = createLogger('silent');
  const definitionOf = async (name: string) =>
    (await owner.query<{ def: string }>(`select pg_get_functiondef(p.oid) as def from pg_proc p where p.proname = $1 order by p.oid`, [name])).rows.map((row) => row.def);

  beforeAll(async () => {
    database = await createTestDatabase();
    owner = new pg.Client({ connectionString: database.ownerUrl });
    await owner.connect();
    orm = await createOrm({ url: database.ownerUrl, entities: [], migrations: [], logger, poolSize: 1 });
  });
  afterAll(async () => {
    await owner?.end();
    await orm?.close();
  });

  it('the conflict rule is found in src/visits, and every definition is applied exactly as its source says', async () => {
    expect(DEFINITIONS.map((definition) => definition.name)).toEqual(expect.arrayContaining(['visit_margin_window', 'visit_record_conflicts', 'visit_plan']));
    const recorded = new Map((await owner.query<{ name: string; checksum: string }>('select name, checksum from schema_definition')).rows.map((row) => [row.name, row.checksum]));
    for (const definition of DEFINITIONS) {
      expect(recorded.get(definition.name)?.split('|').slice(0, 2), definition.name).toEqual([HEAD, checksum(definition)]);
      // Applying the source again changes nothing: the database runs exactly this text, and only one version of it.
      const applied = await definitionOf(definition.name);
      expect(applied, definition.name).toHaveLength(1);
      await owner.query('begin');
      try {
        await owner.query(definition.sql);
        expect(await definitionOf(definition.name), definition.name).toEqual(applied);
      } finally {
        await owner.query('rollback');
      }
    }
    expect(await schemaLag(orm.em.fork())).toBeUndefined();
  });

  const gapDays = async () =>
    (await owner.query(`select visit_gap_days(tstzrange('2027-01-01', '2027-01-02'), tstzrange('2027-01-05', '2027-01-06')) as gap`)).rows[0].gap as number;

  it('a function changed behind its record (by hand, or by a migration) is lag, and the migration step puts it back', async () => {
    const expected = await definitionOf('visit_gap_days');
    await owner.query(`create or replace function visit_gap_days(a tstzrange, b tstzrange) returns integer language sql immutable as $$ select 999 $$`);
    expect(await gapDays()).toBe(999);
    expect(await schemaLag(orm.em.fork())).toMatch(/1 database definitions \(visit_gap_days\) are not applied/);
    expect(await applyDefinitions(orm.em.fork(), DEFINITIONS, HEAD, logger)).toEqual(['visit_gap_days']);
    expect(await definitionOf('visit_gap_days')).toEqual(expected);
    expect(await gapDays()).toBe(3);
    expect(await applyDefinitions(orm.em.fork(), DEFINITIONS, HEAD, logger)).toEqual([]);
    expect(await schemaLag(orm.em.fork())).toBeUndefined();
  });

  it('a changed source is applied by its build; an older build neither takes it back nor calls it lag', async () => {
    const changed = DEFINITIONS.map((definition) =>
      definition.name === 'visit_gap_days'
        ? { name: definition.name, sql: definition.sql.replace(')))::integer', ')))::integer + 0') }
        : definition,
    );
    const newer = `${HEAD}_next`;
    expect(await applyDefinitions(orm.em.fork(), changed, newer, logger)).toEqual(['visit_gap_days']);
    const applied = await definitionOf('visit_gap_days');
    expect(applied[0]).toContain('+ 0');
    // The previous release (this build, with fewer migrations) keeps serving: no lag, and it does not revert.
    expect(await schemaLag(orm.em.fork())).toBeUndefined();
    expect(await applyDefinitions(orm.em.fork(), DEFINITIONS, HEAD, logger)).toEqual([]);
    expect(await definitionOf('visit_gap_days')).toEqual(applied);
    // Put the source back, as the newer build would on a later change.
    expect(await applyDefinitions(orm.em.fork(), DEFINITIONS, newer, logger)).toEqual(['visit_gap_days']);
    expect(await gapDays()).toBe(3);
  });
});
