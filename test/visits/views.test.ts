import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { CANCEL_VISIT, CONFLICT_CHECK, LOAD, plan, VISIT, VISITS } from '../support/visits.js';

// Wednesday 3 March 2027, 10:00–14:00 Amsterdam time (CET, UTC+1). Its ISO week runs from Monday 1 March
// 00:00 to Monday 8 March 00:00 Amsterdam time.
const EXACT = { start: '2027-03-03T09:00:00.000Z', end: '2027-03-03T13:00:00.000Z' };
const WEEK = { start: '2027-02-28T23:00:00.000Z', end: '2027-03-07T23:00:00.000Z' };

describe('an unannounced visit leaks nothing but its week', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let amsterdam: GraphQLClient;
  let nza: GraphQLClient;
  let provider: string;
  let visitId: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-02-15T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR], 'lead@igj');
    amsterdam = await t.as('GM0363', [Role.PLANNER], 'planner@amsterdam');
    nza = await t.as('NZA', [Role.PLANNER], 'planner@nza');
    provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    const planned = await plan(igj, {
      providerIds: [provider],
      start: new Date(EXACT.start),
      end: new Date(EXACT.end),
      announced: false,
      themes: ['infectiepreventie'],
      notes: 'Naar aanleiding van een anonieme melding',
      sharedWith: ['NZA'],
    });
    visitId = planned.visit.id;
  });
  afterAll(async () => t?.close());

  it('the lead and organisations it was shared with see the exact window, themes, notes and history', async () => {
    for (const client of [igj, nza]) {
      const { visit } = await client.ok(VISIT, { id: visitId });
      expect(visit).toMatchObject({ detail: true, window: { ...EXACT, precision: 'EXACT' }, themes: ['infectiepreventie'], notes: 'Naar aanleiding van een anonieme melding' });
      expect(visit.history.map((entry: any) => entry.action)).toEqual(['PLANNED']);
    }
  });

  it('others in the supervision domain see the ISO week and nothing of the detail view, by id', async () => {
    const { visit } = await amsterdam.ok(VISIT, { id: visitId });
    expect(visit).toMatchObject({
      detail: false,
      announced: false,
      window: { ...WEEK, precision: 'WEEK' },
      themes: [],
      notes: null,
      history: [],
      sharedWith: [],
      organisation: { code: 'IGJ' },
    });
  });

  it('…in lists, whose cursors and filters work on the week too', async () => {
    const { visits } = await amsterdam.ok(VISITS, { filter: { providerId: provider } });
    const [edge] = visits.edges;
    expect(edge.node.window).toEqual({ ...WEEK, precision: 'WEEK' });
    expect(Buffer.from(edge.cursor, 'base64url').toString()).not.toContain('2027-03-03');
    // A filter an hour wide anywhere in the week finds it, whether or not the visit is in that hour.
    for (const hour of ['2027-03-02T09:00:00Z', '2027-03-03T09:00:00Z', '2027-03-06T20:00:00Z']) {
      const to = new Date(Date.parse(hour) + 3600_000).toISOString();
      const found = await amsterdam.ok(VISITS, { filter: { providerId: provider, from: hour, to } });
      expect(found.visits.totalCount).toBe(1);
    }
    const outside = await amsterdam.ok(VISITS, { filter: { providerId: provider, from: '2027-03-08T00:00:00Z', to: '2027-03-09T00:00:00Z' } });
    expect(outside.visits.totalCount).toBe(0);
  });

  it('…in conflicts, in what-if checks and in the conflicts that planning returns', async () => {
    const planned = await plan(amsterdam, { providerIds: [provider], start: new Date('2027-03-05T08:00:00Z'), themes: ['wmo'] });
    expect(planned.conflicts).toEqual([
      expect.objectContaining({ visit: { id: visitId, window: { ...WEEK, precision: 'WEEK' } }, gapDays: 0, scope: 'CROSS_ORGANISATION' }),
    ]);
    const { visit } = await amsterdam.ok(VISIT, { id: planned.visit.id });
    expect(visit.conflicts).toEqual([expect.objectContaining({ visit: { id: visitId }, gapDays: 0 })]);
    // A what-if probe an hour wide with no margin answers the same for every hour of the week.
    for (const hour of ['2027-03-01T08:00:00Z', '2027-03-03T10:00:00Z', '2027-03-07T20:00:00Z']) {
      const check = await amsterdam.ok(CONFLICT_CHECK, {
        input: { providerIds: [provider], start: hour, end: new Date(Date.parse(hour) + 3600_000).toISOString(), marginDays: 0 },
      });
      const found = check.visitConflicts.find((conflict: any) => conflict.visit.id === visitId);
      expect(found).toMatchObject({ gapDays: 0, visit: { window: { precision: 'WEEK' }, themes: [] } });
    }
  });

  it('…in the supervisory load, which counts it by its week', async () => {
    t.clock.set('2027-02-28T12:00:00Z'); // Sunday: the week starts tomorrow, the visit itself is three days away
    try {
      const sunday = await t.as('GM0363', [Role.PLANNER]);
      const { supervisoryLoad } = await sunday.ok(LOAD, { providerId: provider, days: 1 });
      expect(supervisoryLoad.byOrganisation).toEqual(expect.arrayContaining([{ organisation: { code: 'IGJ' }, visitCount: 1 }]));
    } finally {
      t.clock.set('2027-02-15T08:00:00Z');
    }
  });

  it('…in errors and in the audit log', async () => {
    const error = await amsterdam.fails(CANCEL_VISIT, { input: { visitId, reason: 'probeersel' } });
    expect(error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(error.result)).not.toMatch(/2027-03-03/);
    const audit = await t.sql<{ row: string }>('select row_to_json(e)::text as row from audit_event e');
    expect(audit.length).toBeGreaterThan(5);
    for (const { row } of audit) expect(row).not.toMatch(/2027-03-03/);
  });

  it('the OM sees no visits at all, and a municipality none outside its territory', async () => {
    const om = await t.as('OM', [Role.PROSECUTOR]);
    expect((await om.fails(VISIT, { id: visitId })).code).toBe('FORBIDDEN');
    const utrecht = await t.as('GM0344', [Role.PLANNER]);
    expect((await utrecht.fails(VISIT, { id: visitId })).code).toBe('NOT_FOUND');
    expect((await utrecht.ok(VISITS, {})).visits.totalCount).toBe(0);
  });
});
