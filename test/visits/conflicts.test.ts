import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { CANCEL_VISIT, CONFLICT_CHECK, plan, planInput, RESCHEDULE_VISIT, VISIT, dayAt, PLAN_VISIT } from '../support/visits.js';

describe('visit conflicts', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let igjColleague: GraphQLClient;
  let nza: GraphQLClient;
  let provider: string;
  const base = new Date('2027-03-01T00:00:00Z'); // a Monday

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR], 'planner@igj');
    igjColleague = await t.as('IGJ', [Role.PLANNER], 'colleague@igj');
    nza = await t.as('NZA', [Role.PLANNER], 'planner@nza');
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
  });

  it('none for the first visit; the second within 28 days conflicts, for both visits, across organisations', async () => {
    const first = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    expect(first.conflicts).toEqual([]);
    const second = await plan(nza, { providerIds: [provider], start: dayAt(base, 10) });
    expect(second.conflicts).toEqual([
      expect.objectContaining({ visit: expect.objectContaining({ id: first.visit.id }), scope: 'CROSS_ORGANISATION', gapDays: 9, resolution: null }),
    ]);
    const seenFromFirst = await igj.ok(VISIT, { id: first.visit.id });
    expect(seenFromFirst.visit.conflicts).toEqual([
      expect.objectContaining({ visit: { id: second.visit.id }, scope: 'CROSS_ORGANISATION', gapDays: 9, resolution: null }),
    ]);
  });

  it('between visits of one organisation is SAME_ORGANISATION', async () => {
    const first = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const second = await plan(igjColleague, { providerIds: [provider], start: dayAt(base, 3) });
    expect(second.conflicts).toEqual([expect.objectContaining({ visit: expect.objectContaining({ id: first.visit.id }), scope: 'SAME_ORGANISATION' })]);
  });

  it('holds when the gap is just under the margin, not when it equals the margin (28 calendar days, Dutch time)', async () => {
    // First window: 1 March 2027, 09:00–17:00 UTC, ending at 18:00 CET. The margin is 28 calendar days in Dutch
    // time: the clocks go forward on 28 March, so it ends at 18:00 CEST on 29 March, which is 16:00 UTC — an hour
    // short of 28 × 24 h.
    const first = await plan(igj, { providerIds: [provider], start: dayAt(base, 0), end: dayAt(base, 0, 17) });
    const justInside = await plan(nza, { providerIds: [provider], start: new Date(dayAt(base, 28, 16).getTime() - 60_000) });
    expect(justInside.conflicts.map((conflict) => [conflict.visit.id, conflict.gapDays])).toEqual([[first.visit.id, 27]]);
    const atMargin = await plan(nza, { providerIds: [provider], start: dayAt(base, 28, 16) });
    expect(atMargin.conflicts.map((conflict) => conflict.visit.id)).toEqual([justInside.visit.id]);
    const before = await plan(nza, { providerIds: [provider], start: dayAt(base, -28, 8), end: dayAt(base, -28, 9) });
    expect(before.conflicts.map((conflict) => conflict.visit.id)).not.toContain(first.visit.id);
  });

  it('overlapping windows have a gap of 0', async () => {
    await plan(igj, { providerIds: [provider], start: dayAt(base, 0), end: dayAt(base, 2) });
    const overlapping = await plan(nza, { providerIds: [provider], start: dayAt(base, 1), end: dayAt(base, 3) });
    expect(overlapping.conflicts[0].gapDays).toBe(0);
  });

  it('ignores cancelled visits, and closes their conflicts as CANCELLED', async () => {
    const first = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const second = await plan(nza, { providerIds: [provider], start: dayAt(base, 5) });
    await nza.ok(CANCEL_VISIT, { input: { visitId: second.visit.id, reason: 'Dubbel gepland' } });
    const after = await igj.ok(VISIT, { id: first.visit.id });
    expect(after.visit.conflicts).toEqual([expect.objectContaining({ visit: { id: second.visit.id }, resolution: 'CANCELLED', resolvedBy: { code: 'NZA' } })]);
    const third = await plan(nza, { providerIds: [provider], start: dayAt(base, 6) });
    expect(third.conflicts.map((conflict) => conflict.visit.id)).toEqual([first.visit.id]);
  });

  it('finds conflicts through any shared provider of a network visit, once per pair', async () => {
    const other = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    const unrelated = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    const network = await plan(igj, { providerIds: [provider, other], start: dayAt(base, 0), kind: 'NETWORK' });
    const atOther = await plan(nza, { providerIds: [other], start: dayAt(base, 2) });
    expect(atOther.conflicts.map((conflict) => conflict.visit.id)).toEqual([network.visit.id]);
    const atBoth = await plan(nza, { providerIds: [provider, other, unrelated], start: dayAt(base, 4) });
    expect(atBoth.conflicts.map((conflict) => conflict.visit.id).sort()).toEqual([network.visit.id, atOther.visit.id].sort());
    const atUnrelated = await plan(nza, { providerIds: [unrelated], start: dayAt(base, 40) });
    expect(atUnrelated.conflicts).toEqual([]);
  });

  it('a reschedule out of the margin closes the conflict as MOVED; back into it opens a new one', async () => {
    const first = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const second = await plan(nza, { providerIds: [provider], start: dayAt(base, 7) });
    const moved = await nza.ok(RESCHEDULE_VISIT, {
      input: { visitId: second.visit.id, start: dayAt(base, 60).toISOString(), end: dayAt(base, 60, 15).toISOString(), reason: 'Andere week' },
    });
    expect(moved.rescheduleVisit.conflicts).toEqual([]);
    expect((await igj.ok(VISIT, { id: first.visit.id })).visit.conflicts).toEqual([
      expect.objectContaining({ visit: { id: second.visit.id }, resolution: 'MOVED' }),
    ]);
    const back = await nza.ok(RESCHEDULE_VISIT, {
      input: { visitId: second.visit.id, start: dayAt(base, 20).toISOString(), end: dayAt(base, 20, 15).toISOString() },
    });
    expect(back.rescheduleVisit.conflicts).toEqual([expect.objectContaining({ visit: { id: first.visit.id }, gapDays: 19 })]);
    const history = (await nza.ok(VISIT, { id: second.visit.id })).visit.history;
    expect(history.map((entry: any) => entry.action)).toEqual(['PLANNED', 'RESCHEDULED', 'RESCHEDULED']);
    expect(history[1]).toMatchObject({ reason: 'Andere week', organisation: { code: 'NZA' }, previousWindow: { start: dayAt(base, 7).toISOString() } });
  });

  it('what-if shows the same conflicts as planning would, honours marginDays, and writes nothing', async () => {
    const first = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const check = (marginDays?: number) =>
      nza.ok(CONFLICT_CHECK, { input: { providerIds: [provider], start: dayAt(base, 10).toISOString(), end: dayAt(base, 10, 17).toISOString(), marginDays } });
    expect((await check()).visitConflicts).toEqual([expect.objectContaining({ visit: expect.objectContaining({ id: first.visit.id }), gapDays: 9, resolution: null })]);
    expect((await check(5)).visitConflicts).toEqual([]);
    expect((await check(10)).visitConflicts).toHaveLength(1);
    const [{ count }] = await t.sql('select count(*)::int as count from visit_provider where provider_id = $1', [provider]);
    expect(count).toBe(1);
  });

  it('an acknowledged conflict closes with the justification, seen by both sides', async () => {
    const first = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const second = await plan(nza, { providerIds: [provider], start: dayAt(base, 7) });
    const { ACKNOWLEDGE } = await import('../support/visits.js');
    const acknowledged = await igj.ok(ACKNOWLEDGE, {
      input: { visitId: first.visit.id, conflictingVisitId: second.visit.id, justification: 'Verschillende afdelingen, afgestemd per telefoon' },
    });
    expect(acknowledged.acknowledgeConflict.visit.conflicts).toEqual([
      expect.objectContaining({ resolution: 'ACKNOWLEDGED', justification: 'Verschillende afdelingen, afgestemd per telefoon', resolvedBy: { code: 'IGJ' } }),
    ]);
    const again = await igj.fails(ACKNOWLEDGE, { input: { visitId: first.visit.id, conflictingVisitId: second.visit.id, justification: 'nogmaals' } });
    expect(again).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.conflictingVisitId' });
    expect((await nza.ok(VISIT, { id: second.visit.id })).visit.conflicts[0]).toMatchObject({ resolution: 'ACKNOWLEDGED', resolvedBy: { code: 'IGJ' } });
  });

  it('uses CONFLICT_MARGIN_DAYS from the configuration', async () => {
    const narrow = await startTestApp({ env: { CONFLICT_MARGIN_DAYS: '3' }, clock: new TestClock('2027-01-04T08:00:00Z') });
    try {
      const client = await narrow.as('IGJ', [Role.PLANNER]);
      const id = await registerProvider(client, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
      await plan(client, { providerIds: [id], start: dayAt(base, 0) });
      expect((await plan(client, { providerIds: [id], start: dayAt(base, 5) })).conflicts).toEqual([]);
      expect((await plan(client, { providerIds: [id], start: dayAt(base, 7) })).conflicts).toHaveLength(1);
    } finally {
      await narrow.close();
    }
  });

  it('never blocks planning', async () => {
    for (let i = 0; i < 3; i++) await plan(igj, { providerIds: [provider], start: dayAt(base, i) });
    const result = await igj.request(PLAN_VISIT, { input: planInput({ providerIds: [provider], start: dayAt(base, 1) }) });
    expect(result.errors).toBeUndefined();
    expect((result.data as any).planVisit.conflicts).toHaveLength(3);
  });
});
