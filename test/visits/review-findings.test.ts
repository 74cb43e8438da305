import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, REGISTER_PROVIDER } from '../support/providers.js';
import { ACKNOWLEDGE, COORDINATE, dayAt, LOAD, plan, RESCHEDULE_VISIT, RESPOND, VISIT, VISITS } from '../support/visits.js';

const base = new Date('2027-04-05T00:00:00Z'); // a Monday, after the change of clocks

describe('a municipality sees the visits in its own territory', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let amsterdam: GraphQLClient;
  let provider: string;
  let locations: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER]);
    amsterdam = await t.as('GM0363', [Role.PLANNER]);
    const { registerProvider } = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Zorg in twee steden', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363'), dutchLocation('GM0344')] },
    });
    provider = registerProvider.provider.id;
    locations = Object.fromEntries(registerProvider.provider.locations.map((location: any) => [location.municipalityCode, location.id]));
  });
  afterAll(async () => t?.close());

  it('at a location in its territory and provider-wide visits, not at the provider\'s locations elsewhere', async () => {
    const inAmsterdam = (await plan(igj, { providerIds: [provider], locationId: locations.GM0363, start: dayAt(base, 1) })).visit.id;
    const inUtrecht = (await plan(igj, { providerIds: [provider], locationId: locations.GM0344, start: dayAt(base, 2) })).visit.id;
    const providerWide = (await plan(igj, { providerIds: [provider], start: dayAt(base, 3) })).visit.id;

    expect((await amsterdam.request(VISIT, { id: inAmsterdam })).errors).toBeUndefined();
    expect((await amsterdam.request(VISIT, { id: providerWide })).errors).toBeUndefined();
    const hidden = await amsterdam.fails(VISIT, { id: inUtrecht });
    expect(hidden.code).toBe('NOT_FOUND');
    const { visits } = await amsterdam.ok(VISITS, { filter: { providerId: provider } });
    expect(new Set(visits.edges.map((edge: any) => edge.node.id))).toEqual(new Set([inAmsterdam, providerWide]));

    // The conflicts are recorded for every pair; each side's lists show only the visits it may see.
    const mine = (await plan(amsterdam, { providerIds: [provider], locationId: locations.GM0363, start: dayAt(base, 4) })).visit.id;
    const [{ count }] = await t.sql<{ count: number }>(
      `select count(*)::int as count from visit_conflict where $1 in (visit_a_id, visit_b_id) and resolution is null`,
      [mine],
    );
    expect(count).toBe(3);
    const seen = (await amsterdam.ok(VISIT, { id: mine })).visit.conflicts.map((conflict: any) => conflict.visit.id);
    expect(new Set(seen)).toEqual(new Set([inAmsterdam, providerWide]));
    // …and so does the supervisory load: what it cannot see, it does not count.
    const { supervisoryLoad } = await amsterdam.ok(LOAD, { providerId: provider, days: 366 });
    expect(supervisoryLoad.visitCount).toBe(3);
    expect((await igj.ok(LOAD, { providerId: provider, days: 366 })).supervisoryLoad.visitCount).toBe(4);
  });
});

describe('an acknowledged conflict is one pair', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let nza: GraphQLClient;
  let provider: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR]);
    nza = await t.as('NZA', [Role.PLANNER]);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    const { registerProvider } = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Paar', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] },
    });
    provider = registerProvider.provider.id;
  });

  const conflictsOf = async (client: GraphQLClient, id: string) =>
    (await client.ok(VISIT, { id })).visit.conflicts.map((conflict: any) => [conflict.visit.id, conflict.resolution]);

  it('survives a move that keeps the visits at least as far apart, and appears once', async () => {
    const first = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0) })).visit.id;
    const second = (await plan(nza, { providerIds: [provider], start: dayAt(base, 10) })).visit.id;
    await igj.ok(ACKNOWLEDGE, { input: { visitId: first, conflictingVisitId: second, justification: 'Ander onderwerp' } });
    await nza.ok(RESCHEDULE_VISIT, { input: { visitId: second, start: dayAt(base, 11).toISOString(), end: dayAt(base, 11, 17).toISOString() } });
    expect(await conflictsOf(igj, first)).toEqual([[second, 'ACKNOWLEDGED']]);
    expect(await conflictsOf(nza, second)).toEqual([[first, 'ACKNOWLEDGED']]);
  });

  it('reopens when a move brings them closer; the acknowledgement stays in the history', async () => {
    const first = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0) })).visit.id;
    const second = (await plan(nza, { providerIds: [provider], start: dayAt(base, 10) })).visit.id;
    await igj.ok(ACKNOWLEDGE, { input: { visitId: first, conflictingVisitId: second, justification: 'Ander onderwerp' } });
    const moved = await nza.ok(RESCHEDULE_VISIT, { input: { visitId: second, start: dayAt(base, 5).toISOString(), end: dayAt(base, 5, 17).toISOString() } });
    expect(moved.rescheduleVisit.conflicts.map((conflict: any) => conflict.visit.id)).toEqual([first]);
    expect(await conflictsOf(igj, first)).toEqual([[second, null]]);
    const { visit } = await igj.ok(VISIT, { id: first });
    expect(visit.history.map((entry: any) => entry.action)).toContain('CONFLICT_ACKNOWLEDGED');
  });

  it('stays one pair after a merge into an acknowledged visit', async () => {
    const lead = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0) })).visit.id;
    const other = (await plan(nza, { providerIds: [provider], start: dayAt(base, 10) })).visit.id;
    await igj.ok(ACKNOWLEDGE, { input: { visitId: lead, conflictingVisitId: other, justification: 'Ander onderwerp' } });
    const own = (await plan(igj, { providerIds: [provider], start: dayAt(base, 1) })).visit.id;
    await igj.ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [own] } });
    const pairs = await conflictsOf(igj, lead);
    expect(pairs.filter(([id]: [string]) => id === other)).toEqual([[other, 'ACKNOWLEDGED']]);
    expect(pairs.filter(([id]: [string]) => id === own)).toEqual([[own, 'MERGED']]);
  });
});

describe('a merge shares nothing its owner did not agree to', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let gm: GraphQLClient;
  let nza: GraphQLClient;
  let provider: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR]);
    gm = await t.as('GM0363', [Role.PLANNER, Role.COORDINATOR]);
    nza = await t.as('NZA', [Role.PLANNER, Role.COORDINATOR]);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    const { registerProvider } = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Samen', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] },
    });
    provider = registerProvider.provider.id;
  });

  const themesSeenBy = async (client: GraphQLClient, id: string) => [...(await client.ok(VISIT, { id })).visit.themes].sort();

  it("a merged visit's themes reach the joint visit's lead and participants, not those the lead shared its own visit with", async () => {
    const lead = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0), themes: ['medicatie'], sharedWith: ['NZA'] })).visit.id;
    const theirs = (await plan(gm, { providerIds: [provider], start: dayAt(base, 2), themes: ['wmo-kwaliteit'] })).visit.id;
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [theirs] } });
    await gm.ok(RESPOND, { input: { proposalId: coordinateVisits.proposals[0].id, accept: true } });

    expect(await themesSeenBy(igj, lead)).toEqual(['medicatie', 'wmo-kwaliteit']);
    expect(await themesSeenBy(gm, lead)).toEqual(['medicatie', 'wmo-kwaliteit']);
    expect(await themesSeenBy(nza, lead)).toEqual(['medicatie']); // IGJ shared its visit with NZA; GM0363 did not
  });

  it("an organisation that joins later does not see the themes of another organisation's visit merged before", async () => {
    const lead = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0), themes: ['igj'] })).visit.id;
    const gmVisit = (await plan(gm, { providerIds: [provider], start: dayAt(base, 1), themes: ['gm-geheim'] })).visit.id;
    const own = (await plan(igj, { providerIds: [provider], start: dayAt(base, 2), themes: ['igj-intern'] })).visit.id;
    const first = await igj.ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [gmVisit, own] } });
    await gm.ok(RESPOND, { input: { proposalId: first.coordinateVisits.proposals[0].id, accept: true } });
    const nzaVisit = (await plan(nza, { providerIds: [provider], start: dayAt(base, 3), themes: ['nza'] })).visit.id;
    const second = await igj.ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [nzaVisit] } });
    await nza.ok(RESPOND, { input: { proposalId: second.coordinateVisits.proposals[0].id, accept: true } });

    expect(await themesSeenBy(igj, lead)).toEqual(['gm-geheim', 'igj', 'igj-intern', 'nza']);
    // GM0363 agreed to run it with IGJ; NZA was invited later by IGJ: it sees IGJ's themes, not GM0363's.
    expect(await themesSeenBy(nza, lead)).toEqual(['igj', 'igj-intern', 'nza']);
    // GM0363 was there when NZA's visit joined, so NZA agreed to share with it.
    expect(await themesSeenBy(gm, lead)).toEqual(['gm-geheim', 'igj', 'igj-intern', 'nza']);
  });

  it("an own visit merged at once: its themes follow its own sharing, not the joint visit's", async () => {
    const lead = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0), themes: ['medicatie'], sharedWith: ['NZA'] })).visit.id;
    const other = (await plan(igj, { providerIds: [provider], start: dayAt(base, 2), themes: ['intern'] })).visit.id;
    await igj.ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [other] } });
    expect(await themesSeenBy(igj, lead)).toEqual(['intern', 'medicatie']);
    expect(await themesSeenBy(nza, lead)).toEqual(['medicatie']);
  });

  it('a joint visit is never merged into another: its participants agreed to it, not to the other', async () => {
    const joint = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0) })).visit.id;
    const theirs = (await plan(gm, { providerIds: [provider], start: dayAt(base, 1) })).visit.id;
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: joint, visitIds: [theirs] } });
    await gm.ok(RESPOND, { input: { proposalId: coordinateVisits.proposals[0].id, accept: true } });

    const another = (await plan(igj, { providerIds: [provider], start: dayAt(base, 3) })).visit.id;
    const refused = await igj.fails(COORDINATE, { input: { leadVisitId: another, visitIds: [joint] } });
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.visitIds[0]' });
    expect(refused.message).toMatch(/joint visit with GM0363/);
    const { visit } = await gm.ok(VISIT, { id: joint });
    expect(visit).toMatchObject({ status: 'PLANNED', participants: [{ code: 'GM0363' }] });
    // The other way round is fine: the joint visit absorbs the new one, and GM0363 stays where it agreed to be.
    await igj.ok(COORDINATE, { input: { leadVisitId: joint, visitIds: [another] } });
  });
});
