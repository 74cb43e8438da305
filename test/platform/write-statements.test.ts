import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../src/platform/database/sql.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { SUBMIT_SIGNALS, signalInput } from '../support/signals.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dayAt, PLAN_VISIT, planInput } from '../support/visits.js';

/**
 * The write paths' statements, counted: a change that makes planVisit or a 1,000-signal batch take more round
 * trips fails here (docs/performance.md says what each statement is for). Counts, not times: the suite asserts
 * structure; `npm run bench` measures speed.
 */
describe('statements per write', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let provider: string;
  const base = new Date('2027-04-05T00:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.INTAKE, Role.INTEGRATION]);
    provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
  });
  afterAll(async () => t?.close());

  const counted = async (work: () => Promise<unknown>) => {
    const tally = { count: 0 };
    await countStatements(tally, work);
    return tally.count;
  };

  it('planVisit with its payload (the visit and its conflicts): one statement', async () => {
    // Alone at its provider: the one statement (checks, locks, rows, events, audit, payload) and nothing else.
    const alone = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    expect(await counted(() => igj.ok(PLAN_VISIT, { input: planInput({ providerIds: [alone], start: dayAt(base, 0) }) }))).toBe(1);
    // With a conflict: still the one statement, which also audits showing the viewer the conflicting visit.
    await igj.ok(PLAN_VISIT, { input: planInput({ providerIds: [provider], start: dayAt(base, 0) }) });
    const statements = await counted(() => igj.ok(PLAN_VISIT, { input: planInput({ providerIds: [provider], start: dayAt(base, 2) }) }));
    expect(statements).toBe(1);
  });

  it('submitSignals with 1,000 signals, 10 % of them duplicates, routed; their events follow from the routings as outbox', async () => {
    const nza = await t.as('NZA', [Role.INTEGRATION]);
    const kvkNumber = freshKvk();
    await registerProvider(igj, { kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    // Every tenth a possible criminal offence: routed to the OM as well as to IGJ.
    const signal = (index: number) => signalInput({ providers: [{ kvkNumber }], ...(index % 10 === 0 ? { category: 'ZORGFRAUDE', possibleCriminalOffence: true } : {}) });
    const earlier = Array.from({ length: 100 }, (_, index) => signal(index));
    await nza.ok(SUBMIT_SIGNALS, { input: earlier });
    const batch = [...earlier, ...Array.from({ length: 900 }, (_, index) => signal(index))];
    const before = await t.sql<{ routings: number; events: number }>('select (select count(*)::int from signal_routing) as routings, (select count(*)::int from event) as events');
    const statements = await counted(() => nza.ok(SUBMIT_SIGNALS, { input: batch }));
    const after = await t.sql<{ routings: number; events: number }>('select (select count(*)::int from signal_routing) as routings, (select count(*)::int from event) as events');
    expect(after[0]!.routings - before[0]!.routings).toBe(900 + 90); // IGJ for each, the OM for the possibly criminal ones
    // The routings are the outbox: their SIGNAL_ROUTED events follow from the delivery worker's relay, not the call.
    expect(after[0]!.events - before[0]!.events).toBe(0);
    // 1 providers by key; 2 begin, 3 organisation; 4 signals (their provider ids on the row), 5 their routings
    // (each its own outbox row), 6 the stored signals of the duplicates, 7 the audit event; 8 commit. One
    // statement per table and call, whatever the batch size: set-based, never per signal.
    expect(statements).toBe(8);
    const small = [...earlier.slice(0, 1), ...Array.from({ length: 9 }, (_, index) => signal(index))];
    expect(await counted(() => nza.ok(SUBMIT_SIGNALS, { input: small }))).toBe(statements);
    // The delivery worker's relay then writes each routing's SIGNAL_ROUTED, once.
    await t.app.deliveries.relay();
    const [published] = await t.sql<{ routings: number; unpublished: number; notOnce: number }>(
      `select count(*)::int as routings, count(*) filter (where r.published_at is null)::int as unpublished,
         count(*) filter (where (select count(*) from event e where e.type = 'SIGNAL_ROUTED' and e.resource_id = r.signal_id and e.organisation = r.recipient) <> 1)::int as "notOnce"
       from signal_routing r`,
    );
    expect(published).toEqual({ routings: published!.routings, unpublished: 0, notOnce: 0 });
  });
});
