import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, calendarDay, startOfDutchDay } from '../../src/platform/time.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { signalInput, submit } from '../support/signals.js';
import { plan, VISIT } from '../support/visits.js';

/**
 * A day is a calendar day in Dutch local time, whatever the server's or the database's time zone. The database
 * under test runs in America/New_York, whose clocks change on other dates than Amsterdam's, so that a day counted
 * in the session's zone or as 24 hours gives a different — wrong — answer around both changes of clocks.
 */
describe('calendar days in Europe/Amsterdam, on a database in America/New_York', () => {
  let t: TestApp;
  let clock: TestClock;
  let igj: GraphQLClient;
  let nza: GraphQLClient;
  let provider: string;

  beforeAll(async () => {
    clock = new TestClock('2027-01-10T11:00:00Z'); // Sunday 10 January 2027, 12:00 in Amsterdam
    t = await startTestApp({
      clock,
      prepareDatabase: async (database) => {
        const admin = new pg.Client({ connectionString: database.adminUrl });
        await admin.connect();
        await admin.query(`alter database "${database.name}" set timezone = 'America/New_York'`);
        await admin.end();
      },
    });
    igj = await t.as('IGJ', [Role.PLANNER, Role.INTAKE]);
    nza = await t.as('NZA', [Role.PLANNER, Role.INTAKE]);
  });
  afterAll(async () => t?.close());

  it('the database really runs in New York time', async () => {
    const [row] = await t.sql<{ TimeZone: string }>('show timezone');
    expect(Object.values(row!)).toEqual(['America/New_York']);
  });

  it('the server and the database add days the same way, also across the changes of clocks', async () => {
    const transitions = [Date.parse('2027-03-28T01:00:00Z'), Date.parse('2027-10-31T01:00:00Z'), Date.parse('2026-10-25T01:00:00Z')];
    const instant = fc.oneof(
      fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }),
      fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 })).map(([at, shift]) => at + shift),
    );
    // Plus local times in the skipped and the repeated hour, reached by whole days from elsewhere.
    const awkward = [
      ['2027-02-27T01:30:00Z', 29], // 02:30 CET + 29 days = 02:30 on 28 March, which does not exist
      ['2027-10-01T00:30:00Z', 30], // 02:30 CEST + 30 days = 02:30 on 31 October, which exists twice
      ['2026-10-25T00:30:00Z', 0],
      ['2026-10-25T01:30:00Z', 0],
    ].map(([at, days]) => [Date.parse(at as string), days as number] as [number, number]);
    const samples = [...awkward, ...fc.sample(fc.tuple(instant, fc.integer({ min: -400, max: 400 })), 2_000)];
    const rows = await t.sql<{ at: string }>(
      `select to_char(amsterdam_add_days(t, d) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
       from unnest($1::timestamptz[], $2::int[]) with ordinality as s(t, d, n) order by n`,
      [samples.map(([at]) => new Date(at).toISOString()), samples.map(([, days]) => days)],
    );
    const disagreements = samples
      .map(([at, days], index) => ({ from: new Date(at).toISOString(), days, js: addCalendarDays(new Date(at), days).toISOString(), db: rows[index]!.at }))
      .filter((sample) => sample.js !== sample.db);
    expect(disagreements).toEqual([]);
  });

  it("the OM's 13 weeks are 91 calendar days: due at the same Dutch time, an hour short of 91 × 24 h in spring", async () => {
    const { routings } = await submit(nza, signalInput({ providers: [{ id: await provider_() }], possibleCriminalOffence: true }));
    const om = routings.find((routing: any) => routing.recipient.code === 'OM');
    expect(om.dueAt).toBe('2027-04-11T10:00:00.000Z'); // Sunday 11 April 2027, 12:00 CEST
  });

  it('a margin of 28 days across the change of clocks in March', async () => {
    const id = await provider_();
    // Ends Saturday 20 March 2027 at 17:00 CET (16:00 UTC); 28 calendar days later it is 17:00 CEST (15:00 UTC).
    const first = await plan(igj, { providerIds: [id], start: new Date('2027-03-20T08:00:00Z'), end: new Date('2027-03-20T16:00:00Z') });
    const exactlyAtMargin = await plan(nza, { providerIds: [id], start: new Date('2027-04-17T15:00:00Z') });
    expect(exactlyAtMargin.conflicts).toEqual([]);
    const justInside = await plan(nza, { providerIds: [id], start: new Date('2027-04-17T14:59:00Z') });
    const withFirst = justInside.conflicts.filter((conflict) => conflict.visit.id === first.visit.id);
    expect(withFirst.map((conflict) => conflict.gapDays)).toEqual([27]);
  });

  it('a margin of 28 days across the change of clocks in October', async () => {
    const id = await provider_();
    // Ends Wednesday 20 October 2027 at 17:00 CEST (15:00 UTC); 28 calendar days later it is 17:00 CET (16:00 UTC).
    const first = await plan(igj, { providerIds: [id], start: new Date('2027-10-20T07:00:00Z'), end: new Date('2027-10-20T15:00:00Z') });
    const justInside = await plan(nza, { providerIds: [id], start: new Date('2027-11-17T15:30:00Z') }); // 28 × 24 h and more, yet inside
    expect(justInside.conflicts.map((conflict) => [conflict.visit.id, conflict.gapDays])).toEqual([[first.visit.id, 27]]);
    const atMargin = await plan(nza, { providerIds: [id], start: new Date('2027-11-17T16:00:00Z'), end: new Date('2027-11-17T17:00:00Z') });
    expect(atMargin.conflicts.map((conflict) => conflict.visit.id)).not.toContain(first.visit.id);
  });

  it.each([
    ['the week the clocks go forward', '2027-03-24T09:00:00Z', { start: '2027-03-21T23:00:00.000Z', end: '2027-03-28T22:00:00.000Z' }],
    ['the week after', '2027-03-31T08:00:00Z', { start: '2027-03-28T22:00:00.000Z', end: '2027-04-04T22:00:00.000Z' }],
    ['the week the clocks go back', '2027-10-27T09:00:00Z', { start: '2027-10-24T22:00:00.000Z', end: '2027-10-31T23:00:00.000Z' }],
  ])('an unannounced visit in %s shows only its Dutch ISO week', async (_name, start, week) => {
    const id = await provider_();
    const { visit } = await plan(igj, { providerIds: [id], start: new Date(start), announced: false });
    const seen = await nza.ok(VISIT, { id: visit.id });
    expect(seen.visit.window).toEqual({ ...week, precision: 'WEEK' });
  });

  async function provider_(): Promise<string> {
    provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    return provider;
  }
});

describe('Dutch calendar days of instants', () => {
  it('the day of an instant, and the first instant of a day, in Dutch time — also on the days the clocks change', () => {
    expect(calendarDay(new Date('2026-11-30T22:59:59Z'))).toBe('2026-11-30');
    expect(calendarDay(new Date('2026-11-30T23:00:00Z'))).toBe('2026-12-01');
    expect(startOfDutchDay('2026-12-01').toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(startOfDutchDay('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfDutchDay('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // clocks forward at 02:00
    expect(startOfDutchDay('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z'); // clocks back at 03:00
    expect(startOfDutchDay('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('days are added in any year: a year before 100 or before the common era is not read as 19xx', () => {
    // Long before time zones both dates have the same local mean time offset: 14 days are exactly 14 × 24 h.
    for (const start of ['0050-06-01T10:00:00Z', '-001000-06-01T10:00:00Z', '1850-06-01T10:00:00Z']) {
      const date = new Date(start);
      expect(addCalendarDays(date, 14).getTime() - date.getTime()).toBe(14 * 86_400_000);
    }
  });

  it('keeps the local time of day and lands on the right day across both changes of clocks (offsets remembered per hour)', () => {
    const exact = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hourCycle: 'h23', dateStyle: 'short', timeStyle: 'medium' });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 2, 28), max: Date.UTC(2026, 9, 26) }), fc.integer({ min: 0, max: 40 }), (instant, days) => {
        const moved = addCalendarDays(new Date(instant), days);
        // Same wall-clock time of day (to the second), except for a local time the clocks skip or repeat.
        const [, time] = exact.format(new Date(instant)).split(', ');
        const [, movedTime] = exact.format(moved).split(', ');
        if (!time!.startsWith('02:') && !time!.startsWith('03:')) expect(movedTime).toBe(time);
        expect(calendarDay(moved)).toBe(calendarDay(new Date(addCalendarDaysNaive(instant, days))));
      }),
      { numRuns: 500 },
    );
  });
});

/** The calendar day `days` after an instant, computed by the day only (a cross-check for the property above). */
function addCalendarDaysNaive(instant: number, days: number): number {
  const [year, month, day] = calendarDay(new Date(instant)).split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day + days, 12);
}
