import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { COORDINATE, dayAt, plan, PROPOSALS, RESPOND, VISIT } from '../support/visits.js';

describe('merging visits needs consent', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let igjPlanner: GraphQLClient;
  let gm: GraphQLClient;
  let gmPlanner: GraphQLClient;
  let provider: string;
  const base = new Date('2027-04-05T00:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR], 'coordinator@igj');
    igjPlanner = await t.as('IGJ', [Role.PLANNER], 'planner@igj');
    gm = await t.as('GM0363', [Role.PLANNER, Role.COORDINATOR], 'coordinator@amsterdam');
    gmPlanner = await t.as('GM0363', [Role.PLANNER], 'planner@amsterdam');
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
  });

  it("merges the coordinator's own organisation's visits at once", async () => {
    const lead = await plan(igj, { providerIds: [provider], start: dayAt(base, 0), themes: ['medicatieveiligheid'] });
    const other = await plan(igjPlanner, { providerIds: [provider], start: dayAt(base, 2), themes: ['infectiepreventie'] });
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: lead.visit.id, visitIds: [other.visit.id] } });
    expect(coordinateVisits.proposals).toEqual([]);
    expect(coordinateVisits.merged).toEqual([{ id: other.visit.id, status: 'CANCELLED', mergedInto: { id: lead.visit.id } }]);
    expect(coordinateVisits.visit.themes).toEqual(['infectiepreventie', 'medicatieveiligheid']);
    expect(coordinateVisits.visit.conflicts).toEqual([expect.objectContaining({ visit: { id: other.visit.id }, resolution: 'MERGED' })]);
  });

  it("turns another organisation's visit into a proposal and changes nothing of it", async () => {
    const lead = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const theirs = await plan(gm, { providerIds: [provider], start: dayAt(base, 3), themes: ['wmo-kwaliteit'] });
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: lead.visit.id, visitIds: [theirs.visit.id], note: 'Samen gaan?' } });
    expect(coordinateVisits.merged).toEqual([]);
    expect(coordinateVisits.proposals).toEqual([{ id: expect.any(String), status: 'PROPOSED' }]);
    const untouched = await gm.ok(VISIT, { id: theirs.visit.id });
    expect(untouched.visit).toMatchObject({ status: 'PLANNED', mergedInto: null, themes: ['wmo-kwaliteit'] });
    const { coordinationProposals } = await gm.ok(PROPOSALS, { filter: { direction: 'INCOMING', status: 'PROPOSED' } });
    expect(coordinationProposals).toEqual(
      expect.arrayContaining([expect.objectContaining({ note: 'Samen gaan?', from: { code: 'IGJ' }, to: { code: 'GM0363' }, leadVisit: { id: lead.visit.id } })]),
    );
    expect((await igj.ok(PROPOSALS, { filter: { direction: 'OUTGOING' } })).coordinationProposals.map((p: any) => p.id)).toContain(coordinateVisits.proposals[0].id);
  });

  it('declining leaves both visits untouched', async () => {
    const lead = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const theirs = await plan(gm, { providerIds: [provider], start: dayAt(base, 3) });
    const before = await Promise.all([igj.ok(VISIT, { id: lead.visit.id }), gm.ok(VISIT, { id: theirs.visit.id })]);
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: lead.visit.id, visitIds: [theirs.visit.id] } });
    const { respondToCoordination } = await gm.ok(RESPOND, { input: { proposalId: coordinateVisits.proposals[0].id, accept: false, note: 'Eigen traject' } });
    expect(respondToCoordination.proposal.status).toBe('DECLINED');
    const after = await Promise.all([igj.ok(VISIT, { id: lead.visit.id }), gm.ok(VISIT, { id: theirs.visit.id })]);
    const strip = (visit: any) => ({ ...visit, history: undefined });
    expect(strip(after[0].visit)).toEqual(strip(before[0].visit));
    expect(after[1].visit).toEqual(before[1].visit);
    const again = await gm.fails(RESPOND, { input: { proposalId: coordinateVisits.proposals[0].id, accept: true } });
    expect(again).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.proposalId' });
  });

  it("accepting cancels the other visit into the joint one, whose detail view the organisation then has", async () => {
    const lead = await plan(igj, { providerIds: [provider], start: dayAt(base, 0), announced: false, themes: ['goed bestuur'] });
    const theirs = await plan(gm, { providerIds: [provider], start: dayAt(base, 3), themes: ['wmo-kwaliteit'] });
    const before = await gm.ok(VISIT, { id: lead.visit.id });
    expect(before.visit).toMatchObject({ detail: false, window: { precision: 'WEEK' } });

    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: lead.visit.id, visitIds: [theirs.visit.id] } });
    const proposalId = coordinateVisits.proposals[0].id;
    // Neither a planner without the coordinator role nor the proposing organisation can answer it.
    expect((await gmPlanner.fails(RESPOND, { input: { proposalId, accept: true } })).code).toBe('FORBIDDEN');
    expect((await igj.fails(RESPOND, { input: { proposalId, accept: true } })).code).toBe('FORBIDDEN');
    expect((await (await t.as('NZA', [Role.COORDINATOR])).fails(RESPOND, { input: { proposalId, accept: true } })).code).toBe('NOT_FOUND');

    const { respondToCoordination } = await gm.ok(RESPOND, { input: { proposalId, accept: true } });
    expect(respondToCoordination.proposal).toMatchObject({
      status: 'ACCEPTED',
      visit: { id: theirs.visit.id, status: 'CANCELLED', mergedInto: { id: lead.visit.id } },
    });
    const joint = await gm.ok(VISIT, { id: lead.visit.id });
    expect(joint.visit).toMatchObject({
      detail: true,
      participants: [{ code: 'GM0363' }],
      window: { precision: 'EXACT', start: dayAt(base, 0).toISOString() },
      themes: ['goed bestuur', 'wmo-kwaliteit'],
    });
    expect(joint.visit.history.map((entry: any) => entry.action)).toEqual(['PLANNED', 'MERGE_PROPOSED', 'JOINED']);
  });

  it("never lets a coordinator change another organisation's visit directly, or merge unrelated visits", async () => {
    const lead = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const theirs = await plan(gm, { providerIds: [provider], start: dayAt(base, 3) });
    // Using their visit as the joint visit is changing it: refused.
    expect((await igj.fails(COORDINATE, { input: { leadVisitId: theirs.visit.id, visitIds: [lead.visit.id] } })).code).toBe('FORBIDDEN');
    const elsewhere = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    const unrelated = await plan(igjPlanner, { providerIds: [elsewhere], start: dayAt(base, 1) });
    expect(await igj.fails(COORDINATE, { input: { leadVisitId: lead.visit.id, visitIds: [unrelated.visit.id] } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.visitIds[0]',
    });
    expect((await igjPlanner.fails(COORDINATE, { input: { leadVisitId: lead.visit.id, visitIds: [theirs.visit.id] } })).code).toBe('FORBIDDEN');
  });

  it('withdraws the other open proposals of a visit once it is merged', async () => {
    const nza = await t.as('NZA', [Role.PLANNER, Role.COORDINATOR]);
    const igjLead = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const nzaLead = await plan(nza, { providerIds: [provider], start: dayAt(base, 1) });
    const theirs = await plan(gm, { providerIds: [provider], start: dayAt(base, 3) });
    const toIgj = (await igj.ok(COORDINATE, { input: { leadVisitId: igjLead.visit.id, visitIds: [theirs.visit.id] } })).coordinateVisits.proposals[0].id;
    const toNza = (await nza.ok(COORDINATE, { input: { leadVisitId: nzaLead.visit.id, visitIds: [theirs.visit.id] } })).coordinateVisits.proposals[0].id;
    await gm.ok(RESPOND, { input: { proposalId: toIgj, accept: true } });
    const { coordinationProposals } = await gm.ok(PROPOSALS, {});
    const status = (id: string) => coordinationProposals.find((proposal: any) => proposal.id === id).status;
    expect([status(toIgj), status(toNza)]).toEqual(['ACCEPTED', 'WITHDRAWN']);
  });

  it('withdraws open proposals when a visit is cancelled', async () => {
    const lead = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const theirs = await plan(gm, { providerIds: [provider], start: dayAt(base, 3) });
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: lead.visit.id, visitIds: [theirs.visit.id] } });
    const { CANCEL_VISIT } = await import('../support/visits.js');
    await igj.ok(CANCEL_VISIT, { input: { visitId: lead.visit.id, reason: 'Bezoek vervalt' } });
    const { coordinationProposals } = await gm.ok(PROPOSALS, {});
    expect(coordinationProposals.find((p: any) => p.id === coordinateVisits.proposals[0].id).status).toBe('WITHDRAWN');
    expect(await gm.fails(RESPOND, { input: { proposalId: coordinateVisits.proposals[0].id, accept: true } })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
