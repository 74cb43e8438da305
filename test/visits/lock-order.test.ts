import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type GraphQLResult, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { CANCEL_VISIT, COORDINATE, dayAt, plan, RESPOND } from '../support/visits.js';

/**
 * Every visit write takes its locks in one documented order (src/visits/visit-writes.ts): visit rows, then the
 * providers' advisory locks, then proposal rows, then conflict rows. Operations that meet at the same proposal from
 * opposite sides then queue behind each other instead of deadlocking — a deadlock would reach the caller as
 * CONFLICT ("try again") for no reason of theirs.
 */
describe('lock order: opposing writes queue, never deadlock', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let gm: GraphQLClient;
  const base = new Date('2027-04-05T00:00:00Z');
  const ROUNDS = 16;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z'), env: { DATABASE_POOL_SIZE: '24' } });
    igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR]);
    gm = await t.as('GM0363', [Role.PLANNER, Role.COORDINATOR]);
  });
  afterAll(async () => t?.close());

  /** A lead visit of IGJ and a proposal to merge GM0363's visit into it. */
  async function proposal(): Promise<{ lead: string; theirs: string; proposalId: string }> {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    const lead = (await plan(igj, { providerIds: [provider], start: dayAt(base, 0) })).visit.id as string;
    const theirs = (await plan(gm, { providerIds: [provider], start: dayAt(base, 2) })).visit.id as string;
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [theirs] } });
    return { lead, theirs, proposalId: coordinateVisits.proposals[0].id };
  }

  const codes = (results: GraphQLResult[]) => results.flatMap((result) => (result.errors ?? []).map((error) => String(error.extensions?.code)));

  it('accepting a proposal while its lead visit is cancelled', async () => {
    const cases = await Promise.all(Array.from({ length: ROUNDS }, () => proposal()));
    const results = await Promise.all(
      cases.flatMap(({ lead, proposalId }) => [
        gm.request(RESPOND, { input: { proposalId, accept: true } }),
        igj.request(CANCEL_VISIT, { input: { visitId: lead, reason: 'Gaat niet door' } }),
      ]),
    );
    const seen = codes(results);
    expect(seen.filter((code) => code === 'CONFLICT' || code === 'INTERNAL_SERVER_ERROR')).toEqual([]);
    // Whoever came second was told plainly what happened first.
    expect(seen.every((code) => code === 'BAD_USER_INPUT')).toBe(true);
  });

  it('accepting a proposal while the proposer sends it again', async () => {
    const cases = await Promise.all(Array.from({ length: ROUNDS }, () => proposal()));
    const results = await Promise.all(
      cases.flatMap(({ lead, theirs, proposalId }) => [
        gm.request(RESPOND, { input: { proposalId, accept: true } }),
        igj.request(COORDINATE, { input: { leadVisitId: lead, visitIds: [theirs], note: 'Herinnering' } }),
      ]),
    );
    const seen = codes(results);
    expect(seen.filter((code) => code === 'CONFLICT' || code === 'INTERNAL_SERVER_ERROR')).toEqual([]);
    expect(seen.every((code) => code === 'BAD_USER_INPUT')).toBe(true);
  });

  it('declining a proposal while the visit it concerns is cancelled', async () => {
    const cases = await Promise.all(Array.from({ length: ROUNDS }, () => proposal()));
    const results = await Promise.all(
      cases.flatMap(({ theirs, proposalId }) => [
        gm.request(RESPOND, { input: { proposalId, accept: false, note: 'Liever niet' } }),
        gm.request(CANCEL_VISIT, { input: { visitId: theirs, reason: 'Gaat niet door' } }),
      ]),
    );
    const seen = codes(results);
    expect(seen.filter((code) => code === 'CONFLICT' || code === 'INTERNAL_SERVER_ERROR')).toEqual([]);
    expect(seen.every((code) => code === 'BAD_USER_INPUT')).toBe(true);
  });
});
