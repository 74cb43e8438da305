import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, sqlf } from '../../src/platform/database/sql.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dayAt, plan, RESCHEDULE_VISIT } from '../support/visits.js';

/**
 * planVisit and rescheduleVisit send their one statement as a named prepared statement (`runPrepared`,
 * decision 0010): a connection parses it once and keeps it, and PostgreSQL reuses one generic plan once five
 * custom ones showed it costs no more — on a database like the benchmark's, planning took 4–4.7 ms of each call.
 * With one connection in the pool, the session the requests used is the one this test asks.
 */
describe('the visit writes in one statement are prepared statements', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  const base = new Date('2027-04-05T00:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z'), env: { DATABASE_POOL_SIZE: '1' } });
    igj = await t.as('IGJ', [Role.PLANNER]);
  });
  afterAll(async () => t?.close());

  const prepared = (marker: string) =>
    run<{ generic: number; custom: number }>(
      t.app.orm.em.fork(),
      sqlf`select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where statement like ${`%${marker}%`}`,
    );

  it('planVisit and rescheduleVisit: each one prepared statement per connection, planned generically after five runs', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    const visits: string[] = [];
    // Two visits a week apart each time: every plan after the first finds a conflict, as planning does.
    for (let run = 0; run < 8; run++) visits.push((await plan(igj, { providerIds: [provider], start: dayAt(base, run * 7) })).visit.id);
    expect(await prepared('select visit_plan(')).toEqual([{ custom: 5, generic: 3 }]);

    for (const [index, id] of visits.entries()) {
      const start = dayAt(base, index * 7 + 1);
      await igj.ok(RESCHEDULE_VISIT, { input: { visitId: id, start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString(), reason: 'Andere datum' } });
    }
    expect(await prepared('visit_reschedule(')).toEqual([{ custom: 5, generic: 3 }]);
  });

  // What a pooler without prepared-statement support does: the driver believes the statement is prepared on its
  // connection, the server connection it reaches does not know it.
  it('a prepared statement the database lost: the write runs unnamed, and so do the ones after it', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    await plan(igj, { providerIds: [provider], start: dayAt(base, 300) });
    await run(t.app.orm.em.fork(), sqlf`deallocate all`);
    const { visit } = await plan(igj, { providerIds: [provider], start: dayAt(base, 301) });
    expect((await t.sql('select count(*)::int as n from visit where id = $1', [visit.id]))[0]!.n).toBe(1);
    await plan(igj, { providerIds: [provider], start: dayAt(base, 302) });
    expect(await prepared('select visit_plan(')).toEqual([]);
  });
});
