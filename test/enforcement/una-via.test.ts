import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionInput, RECORD, record } from '../support/enforcement.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { DECIDE, signalInput, submit } from '../support/signals.js';
import pg from 'pg';
import { calendarDay } from '../../src/platform/time.js';
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

  /** A fine imposed today (by the test clock, Dutch day) or on `imposedOn`. */
  const fine = (signalIds: string[], imposedOn = calendarDay(t.clock.now())) =>
    actionInput(provider, { type: 'BESTUURLIJKE_BOETE', legalBasis: 'Wkkgz art. 30', relatedSignalIds: signalIds, imposedOn });
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

  it('a fine imposed before the OM released the facts is refused, even when recorded after the release', async () => {
    const { signalId, routingId } = await flaggedSignal();
    try {
      t.clock.set('2026-12-20T10:00:00Z');
      await clients();
      await decide(routingId, 'DECLINE');
      const backdated = await officer.fails(RECORD, { input: fine([signalId], '2026-12-05') });
      expect(backdated.code).toBe('SAMENLOOP_CONFLICT');
      expect(backdated.extensions).toMatchObject({ reason: 'IMPOSED_BEFORE_RELEASE', routingId, fineAllowedFrom: '2026-12-20T10:00:00.000Z' });
      expect((await record(officer, fine([signalId], '2026-12-20'))).type).toBe('BESTUURLIJKE_BOETE');
    } finally {
      t.clock.set(START);
      await clients();
    }
  });

  it('a criminal report on facts the OM declined goes to the OM again, and holds back fines on them', async () => {
    const { signalId, routingId } = await flaggedSignal();
    await decide(routingId, 'DECLINE');
    // Another organisation reports the same facts as a crime: the OM gets them again, as a report of their own.
    const nzaOfficer = await t.as('NZA', [Role.ENFORCEMENT_OFFICER]);
    const aangifte = await record(nzaOfficer, actionInput(provider, { type: 'AANGIFTE', legalBasis: 'Sr art. 225', relatedSignalIds: [signalId] }));
    expect(aangifte.relatedSignals).toHaveLength(2);
    const [report] = await t.sql<{ id: string; due_at: Date }>(
      `select r.id, r.due_at from signal_routing r join enforcement_action_signal es on es.signal_id = r.signal_id
       where es.enforcement_action_id = $1 and r.recipient = 'OM' and r.rule_id = 'OM-AANGIFTE'`,
      [aangifte.id],
    );
    expect(report).toBeDefined();
    // IGJ cannot see NZa's report signal, but una via still knows the OM holds the facts.
    const error = await officer.fails(RECORD, { input: fine([signalId]) });
    expect(error.extensions).toMatchObject({ code: 'SAMENLOOP_CONFLICT', reason: 'PENDING', routingId: report!.id });
  });

  it('a decision landing at the same moment is seen: the fine waits for the decision’s transaction, then sees it', async () => {
    const { signalId, routingId } = await flaggedSignal();
    // The OM's decision, half done: its transaction holds the routing's lock and has written the decline.
    const om = new pg.Client({ connectionString: t.databaseUrl });
    await om.connect();
    try {
      await om.query('begin');
      await om.query(`select set_config('app.organisation', 'OM', true)`);
      await om.query(`select pg_advisory_xact_lock(hashtextextended('routing:' || $1, 0))`, [routingId]);
      await om.query(
        `insert into routing_decision (id, routing_id, outcome, note, decided_by_organisation, decided_by_sub, decided_at)
         values (gen_random_uuid(), $1, 'DECLINE', 'Geen onderzoek', 'OM', 'officier@om.test', $2)`,
        [routingId, t.clock.now()],
      );
      let settled = false;
      const fined = officer.request(RECORD, { input: fine([signalId]) }).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(settled).toBe(false); // waiting for the routing's lock
      await om.query('commit');
      const result = await fined;
      expect(result.errors).toBeUndefined(); // after the lock it read the routing again, and saw the decline
    } finally {
      await om.end();
    }
  });

  it('the una-via refusal is audited with the routing that held the fine back', async () => {
    const { signalId, routingId } = await flaggedSignal();
    await officer.fails(RECORD, { input: fine([signalId]) });
    const rows = await t.sql<{ outcome: string; details: any }>(
      `select outcome, details from audit_event where operation = 'recordEnforcementAction' and outcome = 'SAMENLOOP_CONFLICT' order by id desc limit 1`,
    );
    expect(rows[0]).toMatchObject({ outcome: 'SAMENLOOP_CONFLICT', details: { field: 'input.relatedSignalIds', routingId } });
  });
});
