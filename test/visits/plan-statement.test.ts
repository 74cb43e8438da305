import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dayAt, plan, RESCHEDULE_VISIT, VISIT } from '../support/visits.js';

/**
 * planVisit runs as one statement (src/visits/visit-plan-statement.ts). Its payload and its events come from the
 * statement's snapshot; these tests hold it to what a second, ordinary read shows, and drive the race in which a
 * visit at the same provider commits while the statement waits for the providers' lock.
 */
describe('planVisit and rescheduleVisit in one statement', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let nza: GraphQLClient;
  const base = new Date('2027-04-05T00:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER]);
    nza = await t.as('NZA', [Role.PLANNER]);
  });
  afterAll(async () => t?.close());

  const conflictEvents = (resourceIds: string[]) =>
    t.sql<{ organisation: string; resourceId: string; id: string }>(
      `select organisation, resource_id as "resourceId", id from event where type = 'VISIT_CONFLICT_DETECTED' and resource_id = any($1::uuid[]) order by organisation`,
      [resourceIds],
    );

  /** Runs `work` with a superuser session whose transaction is open (begun, not yet committed); closes it after. */
  async function inOpenTransaction(work: (admin: pg.Client) => Promise<void>): Promise<void> {
    const admin = new pg.Client({ connectionString: t.adminUrl });
    await admin.connect();
    try {
      await admin.query('begin');
      await work(admin);
    } finally {
      await admin.end();
    }
  }

  it('answers with what an ordinary read of the visit shows afterwards', async () => {
    const location = dutchLocation('GM0363');
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [location] });
    const [locationId] = (await t.sql<{ id: string }>('select id from location where provider_id = $1', [provider])).map((row) => row.id);
    const theirs = await plan(nza, { providerIds: [provider], start: dayAt(base, 0), announced: false, themes: ['tarieven'] });
    const mine = await plan(igj, {
      providerIds: [provider],
      locationId,
      start: dayAt(base, 3),
      announced: false,
      themes: ['veiligheid', 'medicatieveiligheid'],
      notes: 'Eerst de apotheek',
      sharedWith: ['NZA'],
    });
    const read = (await igj.ok(VISIT, { id: mine.visit.id })).visit;
    const { history: _history, ...stored } = read;
    expect(mine.visit).toEqual(stored);
    expect(mine.visit.conflicts).toHaveLength(1);
    expect(mine.conflicts.map((conflict) => conflict.visit.id)).toEqual([theirs.visit.id]);
    // NZA's visit is unannounced and not shared with IGJ: the payload shows its week, as every read does.
    expect(mine.conflicts[0].visit.window.precision).toBe('WEEK');
    // Each lead is told about its own visit, once.
    const events = await conflictEvents([mine.visit.id, theirs.visit.id]);
    expect(events.map((event) => [event.organisation, event.resourceId])).toEqual([
      ['IGJ', mine.visit.id],
      ['NZA', theirs.visit.id],
    ]);
    // The statement's own event ids are UUID version 7 of the planning moment, like those made in the service.
    const planned = t.clock.now().getTime();
    for (const event of events) {
      expect(event.id[14]).toBe('7');
      expect(parseInt(event.id.replace(/-/g, '').slice(0, 12), 16)).toBe(planned);
    }
  });

  it('sees a visit at the same provider that commits while it waits for the lock', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    // Another planner holds the provider's lock and has planned NZA's visit there, not yet committed.
    await inOpenTransaction(async (admin) => {
      const theirs = await planUncommitted(admin, provider, dayAt(base, 1));
      const planning = plan(igj, { providerIds: [provider], start: dayAt(base, 2) });
      await waitForLockWaiter(admin);
      await admin.query('commit');
      const mine = await planning;
      expect(mine.conflicts.map((conflict) => conflict.visit.id)).toEqual([theirs]);
      expect(mine.visit.conflicts.map((conflict: { visit: { id: string } }) => conflict.visit.id)).toEqual([theirs]);
      const events = await conflictEvents([mine.visit.id, theirs]);
      expect(events.map((event) => [event.organisation, event.resourceId])).toEqual([
        ['IGJ', mine.visit.id],
        ['NZA', theirs],
      ]);
      const stored = await t.sql('select count(*)::int as n from visit_conflict where $1 in (visit_a_id, visit_b_id)', [theirs]);
      expect(stored[0]!.n).toBe(1);
    });
  });

  it('shows and audits at most 100 conflicts, however many there are', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    await t.sql(
      `select visit_plan(gen_random_uuid(), 'NZA', null, tstzrange(t, t + interval '6 hours'), true, 'RISK_BASED', '{tarieven}', null, '{}',
         array[$1::uuid], 28, now(), 'nza-planner', null)
       from (select $2::timestamptz + n * interval '1 hour' as t from generate_series(0, 104) as n) as times`,
      [provider, dayAt(base, 1).toISOString()],
    );
    const before = await t.sql<{ n: string }>(`select coalesce(max(id), 0) as n from audit_event`);
    const mine = await plan(igj, { providerIds: [provider], start: dayAt(base, 2) });
    expect(mine.conflicts).toHaveLength(100);
    expect(mine.visit.conflicts).toHaveLength(20);
    const audited = await t.sql<{ ids: string[] }>(
      `select resource_ids::text[] as ids from audit_event where id > $1 and operation = 'visit.conflicts' and actor_organisation = 'IGJ'`,
      [before[0]!.n],
    );
    const shown = new Set(mine.conflicts.map((conflict) => conflict.visit.id));
    expect(new Set(audited.flatMap((row) => row.ids))).toEqual(shown);
  });

  const reschedule = (visitId: string, start: Date) =>
    igj.request(RESCHEDULE_VISIT, { input: { visitId, start: start.toISOString(), end: new Date(start.getTime() + 8 * 3600_000).toISOString() } });

  it('audits showing its conflicts in the statement itself, as the loaders would: once per answer, and the chain verifies', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    const ours = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const theirs = await plan(nza, { providerIds: [provider], start: dayAt(base, 1) });
    const shownEvents = async (after: string) =>
      t.sql<{ operation: string; actor: string; ids: string[]; owners: string[]; byOwner: Record<string, string[]> | null }>(
        `select operation, actor_organisation as actor, resource_ids::text[] as ids, owner_organisations::text[] as owners, resource_owners as "byOwner"
         from audit_event where id > $1 and operation = 'visit.conflicts' order by id`,
        [after],
      );
    const last = async () => (await t.sql<{ n: string }>('select coalesce(max(id), 0)::text as n from audit_event'))[0]!.n;
    // IGJ's own visit and NZA's: each owner owns one of the ids, so the event says which.
    const expected = (shown: string[]) => [{ operation: 'visit.conflicts', actor: 'IGJ', ids: shown, owners: ['IGJ', 'NZA'], byOwner: { IGJ: [ours.visit.id], NZA: [theirs.visit.id] } }];

    let before = await last();
    const mine = await plan(igj, { providerIds: [provider], start: dayAt(base, 2) });
    const planned = mine.conflicts.map((conflict) => conflict.visit.id);
    expect(new Set(planned)).toEqual(new Set([ours.visit.id, theirs.visit.id]));
    expect(await shownEvents(before)).toEqual(expected(planned));

    before = await last();
    const moved = (await reschedule(mine.visit.id, dayAt(base, 3))).data!.rescheduleVisit;
    const shown = moved.conflicts.map((conflict: { visit: { id: string } }) => conflict.visit.id);
    expect(new Set(shown)).toEqual(new Set(planned));
    expect(await shownEvents(before)).toEqual(expected(shown));
    expect((await verifyAuditLog(await t.ownerEm())).problems).toEqual([]);
  });

  it('moves a visit and answers with what an ordinary read shows, the closed conflict and the new one included', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    const first = await plan(nza, { providerIds: [provider], start: dayAt(base, 0) });
    const later = await plan(nza, { providerIds: [provider], start: dayAt(base, 70) });
    const mine = await plan(igj, { providerIds: [provider], start: dayAt(base, 2), sharedWith: ['NZA'] });
    const moved = (await reschedule(mine.visit.id, dayAt(base, 72))).data!.rescheduleVisit;
    const { history, ...stored } = (await igj.ok(VISIT, { id: mine.visit.id })).visit;
    expect(stored.conflicts).toEqual(moved.visit.conflicts);
    expect(moved.visit).toEqual(stored);
    expect(moved.conflicts.map((conflict: { visit: { id: string } }) => conflict.visit.id)).toEqual([later.visit.id]);
    expect(stored.conflicts.map((conflict: { visit: { id: string }; resolution: string | null }) => [conflict.visit.id, conflict.resolution])).toEqual([
      [later.visit.id, null],
      [first.visit.id, 'MOVED'],
    ]);
    expect(history.at(-1)).toMatchObject({ action: 'RESCHEDULED', organisation: { code: 'IGJ' } });
    const events = await conflictEvents([mine.visit.id, later.visit.id]);
    expect(events.map((event) => [event.organisation, event.resourceId])).toEqual([
      ['IGJ', mine.visit.id], // told twice over time (planning, then the move), each a new pair
      ['IGJ', mine.visit.id],
      ['NZA', later.visit.id],
    ]);
  });

  it('sees a visit that commits at the new moment while the move waits for the lock', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    const mine = await plan(igj, { providerIds: [provider], start: dayAt(base, 40) });
    await inOpenTransaction(async (admin) => {
      const theirs = await planUncommitted(admin, provider, dayAt(base, 1));
      const moving = reschedule(mine.visit.id, dayAt(base, 2));
      await waitForLockWaiter(admin);
      await admin.query('commit');
      const moved = (await moving).data!.rescheduleVisit;
      expect(moved.conflicts.map((conflict: { visit: { id: string } }) => conflict.visit.id)).toEqual([theirs]);
      const events = await conflictEvents([mine.visit.id, theirs]);
      expect(events.map((event) => [event.organisation, event.resourceId])).toEqual([
        ['IGJ', mine.visit.id],
        ['NZA', theirs],
      ]);
    });
  });

  it('refuses to move a visit cancelled while the move waited for it, in the same words as before', async () => {
    const provider = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    const mine = await plan(igj, { providerIds: [provider], start: dayAt(base, 40) });
    await inOpenTransaction(async (admin) => {
      await admin.query(`update visit set status = 'CANCELLED' where id = $1`, [mine.visit.id]);
      const moving = reschedule(mine.visit.id, dayAt(base, 42));
      await waitForLockWaiter(admin, 'transactionid');
      await admin.query('commit');
      const result = await moving;
      expect(result.errors?.map((error) => [error.extensions?.code, error.extensions?.field, error.message])).toEqual([
        ['BAD_USER_INPUT', 'input.visitId', 'This visit is cancelled; it can no longer be changed.'],
      ]);
      const history = await t.sql('select count(*)::int as n from visit_history where visit_id = $1 and action = $2', [mine.visit.id, 'RESCHEDULED']);
      expect(history[0]!.n).toBe(0);
    });
  });
});

/** NZA's visit at the provider, planned in the admin's open transaction: it holds the provider's lock until commit. */
async function planUncommitted(admin: pg.Client, provider: string, start: Date): Promise<string> {
  const id = randomUUID();
  await admin.query(
    `select visit_plan($3::uuid, 'NZA', null, tstzrange($2::timestamptz, $2::timestamptz + interval '6 hours'),
       true, 'RISK_BASED', '{tarieven}', null, '{}', array[$1::uuid], 28, now(), 'nza-planner', null)`,
    [provider, start.toISOString(), id],
  );
  return id;
}

/** Until some other session waits for a lock of this kind (the statement behind the held transaction). */
async function waitForLockWaiter(admin: pg.Client, lock = 'advisory'): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await admin.query(
      `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and wait_event = $1 and pid <> pg_backend_pid()
         and datname = current_database()`,
      [lock],
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`No session came to wait for a lock (${lock}).`);
}
