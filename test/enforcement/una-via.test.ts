import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionInput, RECORD, record } from '../support/enforcement.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { DECIDE, signalInput, submit } from '../support/signals.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';

const START = '2026-12-01T09:00:00Z';

/**
 * Samenloop (Awb 5:44, una via): an administrative fine on facts routed to the OM is refused until the OM
 * declined, or 13 weeks passed without its decision. The check and the insert are one transaction, under the
 * routings' locks.
 */
describe('una via: no fine the OM has not released', () => {
  let t: TestApp;
  let officer: GraphQLClient;
  let nza: GraphQLClient;
  let om: GraphQLClient;
  let provider: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock(START), env: { DATABASE_POOL_SIZE: '12' } });
    provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    await clients();
  });
  afterAll(async () => t?.close());

  /** Tokens made at the test clock's time (they must not be issued in the clock's future or past). */
  async function clients() {
    officer = await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]);
    nza = await t.as('NZA', [Role.INTAKE]);
    om = await t.as('OM', [Role.PROSECUTOR]);
  }

  /** A signal about a possible criminal offence, routed to the OM (and to IGJ, which therefore sees it). */
  async function flaggedSignal() {
    const { signal, routings } = await submit(nza, signalInput({ possibleCriminalOffence: true, providers: [{ id: provider }] }));
    const routing = routings.find((each: any) => each.recipient.code === 'OM');
    expect(routings.map((each: any) => each.recipient.code).sort()).toEqual(['IGJ', 'OM']);
    return { signalId: signal.id as string, routingId: routing.id as string, dueAt: routing.dueAt as string };
  }

  const fine = (signalIds: string[]) => actionInput(provider, { type: 'BESTUURLIJKE_BOETE', legalBasis: 'Wkkgz art. 30', relatedSignalIds: signalIds });
  const decide = (routingId: string, outcome: string) => om.request(DECIDE, { input: { routingId, outcome, note: 'Besluit van het OM' } });

  it('PENDING: refused, naming the routing and the moment from which a fine becomes possible', async () => {
    const { signalId, routingId, dueAt } = await flaggedSignal();
    const error = await officer.fails(RECORD, { input: fine([signalId]) });
    expect(error.code).toBe('SAMENLOOP_CONFLICT');
    expect(error.extensions).toMatchObject({ routingId, fineAllowedFrom: dueAt, routingIds: [routingId] });
    expect(dueAt).toBe('2027-03-02T09:00:00.000Z'); // 13 weeks (91 calendar days) after receipt, the same Dutch time
    expect(error.message).toContain(dueAt);
    const stored = await t.sql(`select count(*)::int as count from enforcement_action e join enforcement_action_signal s on s.enforcement_action_id = e.id
      where s.signal_id = $1`, [signalId]);
    expect(stored[0]!.count).toBe(0);
  });

  it.each(['ACCEPT', 'JOINT'])('%s: refused while the OM pursues the facts, with no date', async (outcome) => {
    const { signalId, routingId } = await flaggedSignal();
    expect((await decide(routingId, outcome)).errors).toBeUndefined();
    const error = await officer.fails(RECORD, { input: fine([signalId]) });
    expect(error.code).toBe('SAMENLOOP_CONFLICT');
    expect(error.extensions).toMatchObject({ routingId, fineAllowedFrom: null });
  });

  it('DECLINED: allowed', async () => {
    const { signalId, routingId } = await flaggedSignal();
    expect((await decide(routingId, 'DECLINE')).errors).toBeUndefined();
    const action = await record(officer, fine([signalId]));
    expect(action).toMatchObject({ type: 'BESTUURLIJKE_BOETE', status: 'ACTIVE', relatedSignals: [{ id: signalId }] });
  });

  it('13 weeks without a decision: refused one millisecond before, allowed from the due moment', async () => {
    const { signalId, dueAt } = await flaggedSignal();
    try {
      t.clock.set(new Date(Date.parse(dueAt) - 1).toISOString());
      await clients();
      expect((await officer.fails(RECORD, { input: fine([signalId]) })).code).toBe('SAMENLOOP_CONFLICT');
      t.clock.set(dueAt);
      await clients();
      const action = await record(officer, fine([signalId]));
      expect(action.status).toBe('ACTIVE');
    } finally {
      t.clock.set(START);
      await clients();
    }
  });

  it('a fine without related signals, or on a signal never routed to the OM, is allowed', async () => {
    expect((await record(officer, fine([]))).type).toBe('BESTUURLIJKE_BOETE');
    const { signal } = await submit(nza, signalInput({ providers: [{ id: provider }] }));
    expect((await record(officer, fine([signal.id]))).relatedSignals).toEqual([{ id: signal.id }]);
  });

  it('one unreleased routing among several signals is enough to refuse', async () => {
    const released = await flaggedSignal();
    await decide(released.routingId, 'DECLINE');
    const pending = await flaggedSignal();
    const error = await officer.fails(RECORD, { input: fine([released.signalId, pending.signalId]) });
    expect(error.extensions).toMatchObject({ routingId: pending.routingId, routingIds: [pending.routingId] });
  });

  it('other measures are not held back by una via', async () => {
    const { signalId } = await flaggedSignal();
    const action = await record(officer, actionInput(provider, { type: 'AANWIJZING', deadline: '2027-01-15', relatedSignalIds: [signalId] }));
    expect(action.type).toBe('AANWIJZING');
  });

  it('a fine and the OM’s decline at the same moment end consistently: refused, or recorded after the decline', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const { signalId, routingId } = await flaggedSignal();
      const [fined, declined] = await Promise.all([officer.request(RECORD, { input: fine([signalId]) }), decide(routingId, 'DECLINE')]);
      expect(declined.errors).toBeUndefined();
      if (fined.errors) {
        expect(fined.errors[0]!.extensions).toMatchObject({ code: 'SAMENLOOP_CONFLICT', routingId });
        outcomes.push('refused');
      } else {
        // The fine says what it stood on: the routing, declined. Never a pending one.
        const [audit] = await t.sql<{ details: any }>(
          `select details from audit_event where operation = 'recordEnforcementAction' and $1 = any(resource_ids)`,
          [(fined.data as any).recordEnforcementAction.enforcementAction.id],
        );
        expect(audit!.details.unaVia).toEqual([{ routingId, status: 'DECLINED' }]);
        outcomes.push('recorded');
      }
    }
    const unreleased = await t.sql(
      `select e.id from enforcement_action e join enforcement_action_signal es on es.enforcement_action_id = e.id
         join signal_routing r on r.signal_id = es.signal_id and r.recipient = 'OM'
         left join routing_decision d on d.routing_id = r.id
       where e.type = 'BESTUURLIJKE_BOETE' and (d.id is null and r.due_at > e.recorded_at or d.outcome in ('ACCEPT', 'JOINT') and d.decided_at <= e.recorded_at)`,
    );
    expect(unreleased).toEqual([]);
    expect(outcomes).toHaveLength(8);
  });
});
