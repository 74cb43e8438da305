import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PREPARED_TEXTS, preparedName, run, sqlf } from '../../src/platform/database/sql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Hand-written statements with parameters are named prepared statements, planned once per connection with a
 * generic plan: the generated access-policy queries cost more to plan than to run (docs/performance.md).
 */
describe('prepared statements', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('every connection of the service plans prepared statements generically', async () => {
    const [row] = await run<{ mode: string }>(t.app.orm.em.fork(), sqlf`select current_setting('plan_cache_mode') as mode`);
    expect(row!.mode).toBe('force_generic_plan');
  });

  it('a statement with parameters is prepared once per connection and then only executed', async () => {
    const em = t.app.orm.em.fork();
    const statement = sqlf`select count(*)::int as n from visit where id = any(${[]}::uuid[]) and status = ${'PLANNED'}`;
    await em.transactional(async (tx) => {
      for (let i = 0; i < 3; i++) await run(tx, statement);
      const rows = await run<{ name: string; generic: number; custom: number }>(
        tx,
        sqlf`select name, generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where name like ${'samenloop_%'}`,
      );
      const mine = rows.find((prepared) => prepared.name === preparedName(statement.sql));
      expect(mine).toBeDefined();
      expect(mine!.generic).toBeGreaterThanOrEqual(1);
      expect(mine!.custom).toBe(0);
    });
  });

  it('a statement without parameters goes as a simple query (DDL, scripts of several statements)', async () => {
    await t.app.orm.em.fork().transactional(async (tx) => {
      await run(tx, sqlf`select 4242 as unprepared`);
      const rows = await run(tx, sqlf`select name from pg_prepared_statements where statement like ${'%4242 as unprepared%'}`);
      expect(rows).toEqual([]);
    });
  });

  it('stops naming new texts past the cap, and keeps the names it gave', () => {
    const first = preparedName('select ?::int as capped_0');
    for (let i = 1; i < MAX_PREPARED_TEXTS + 10; i++) preparedName(`select ?::int as capped_${i}`);
    expect(preparedName('select ?::int as capped_0')).toBe(first);
    expect(preparedName(`select ?::int as capped_${MAX_PREPARED_TEXTS + 5}`)).toBeUndefined();
  });
});
