import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import {
  ACKNOWLEDGE,
  CANCEL_VISIT,
  COMPLETE_VISIT,
  CONFLICT_CHECK,
  COORDINATE,
  dayAt,
  LOAD,
  plan,
  PROPOSALS,
  RESCHEDULE_VISIT,
  RESPOND,
  VISIT,
  VISITS,
} from '../support/visits.js';

describe('every visit write and every read of visit data is in the audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
  });
  afterAll(async () => t?.close());

  it('with who, which organisation, what and which visits', async () => {
    const igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR, Role.INSPECTOR], 'audit-igj');
    const gm = await t.as('GM0363', [Role.PLANNER, Role.COORDINATOR], 'audit-gm');
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    const base = new Date('2027-02-01T00:00:00Z');

    const a = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0) })).visit.id;
    const b = (await plan(gm, { providerIds: [provider], start: dayAt(base, 2) })).visit.id;
    const c = (await plan(igj, { providerIds: [provider], start: dayAt(base, 5) })).visit.id;
    const today = (await plan(igj, { providerIds: [provider], start: new Date('2027-01-04T07:00:00Z') })).visit.id;
    await igj.ok(RESCHEDULE_VISIT, { input: { visitId: c, start: dayAt(base, 6).toISOString(), end: dayAt(base, 6, 12).toISOString() } });
    await igj.ok(ACKNOWLEDGE, { input: { visitId: c, conflictingVisitId: b, justification: 'Los van elkaar' } });
    const proposal = (await igj.ok(COORDINATE, { input: { leadVisitId: a, visitIds: [b] } })).coordinateVisits.proposals[0].id;
    await gm.ok(RESPOND, { input: { proposalId: proposal, accept: true } });
    await igj.ok(CANCEL_VISIT, { input: { visitId: c, reason: 'Niet meer nodig' } });
    await igj.ok(COMPLETE_VISIT, { input: { visitId: today } });
    await gm.ok(VISIT, { id: a });
    await gm.ok(VISITS, { filter: { providerId: provider } });
    await gm.ok(PROPOSALS, {});
    await gm.ok(LOAD, { providerId: provider });
    await gm.ok(CONFLICT_CHECK, { input: { providerIds: [provider], start: dayAt(base, 1).toISOString(), end: dayAt(base, 1, 12).toISOString() } });

    const events = await t.sql<{ actor_sub: string; actor_organisation: string; operation: string; resource_ids: string[]; outcome: string; owner_organisations: string[] }>(
      `select actor_sub, actor_organisation, operation, resource_ids, outcome, owner_organisations from audit_event
       where actor_sub in ('audit-igj', 'audit-gm') order by id`,
    );
    const has = (sub: string, operation: string, ids: string[]) =>
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ actor_sub: sub, operation, outcome: 'SUCCESS', resource_ids: expect.arrayContaining(ids) }),
        ]),
      );
    has('audit-igj', 'planVisit', [a]);
    has('audit-gm', 'planVisit', [b]);
    has('audit-igj', 'rescheduleVisit', [c]);
    has('audit-igj', 'acknowledgeConflict', [c, b]);
    has('audit-igj', 'coordinateVisits', [a, b]);
    has('audit-gm', 'respondToCoordination', [proposal, a, b]);
    has('audit-igj', 'cancelVisit', [c]);
    has('audit-igj', 'completeVisit', [today]);
    has('audit-gm', 'visit', [a]);
    has('audit-gm', 'visits', [a, b]);
    has('audit-gm', 'coordinationProposals', [proposal]);
    has('audit-gm', 'supervisoryLoad', [provider]);
    has('audit-gm', 'visitConflicts', [a]);
    // The detail read of IGJ's joint visit by the municipality is IGJ's business too.
    expect(events.find((event) => event.actor_sub === 'audit-gm' && event.operation === 'visit')!.owner_organisations).toEqual(['GM0363', 'IGJ']);
  });
});
