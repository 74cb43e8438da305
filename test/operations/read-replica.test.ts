import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging.js';
import { dutchLocation, freshKvk, REGISTER_PROVIDER } from '../support/providers.js';
import { startReplicatedDatabase, type ReplicatedDatabase } from '../support/replica.js';
import { graphql, Installation, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { SIGNALS, SUBMIT_SIGNAL, signalInput } from '../support/signals.js';
import { dayAt, LOAD, PLAN_VISIT, planInput, VISIT, VISITS } from '../support/visits.js';

/**
 * DATABASE_READ_URL with a real streaming replica. While the standby's replay is paused, whatever was written
 * since is missing on it: a list that does not show a visit the primary has proves the list came from the
 * replica, and a mutation that does see it proves a request reads its own writes on the primary.
 */
describe('a read replica', () => {
  let database: ReplicatedDatabase;
  let server: ServerProcess;
  let planner: string;
  let intake: string;
  let installation: Installation;
  const base = new Date(Date.now() + 45 * 86_400_000);

  beforeAll(async () => {
    database = await startReplicatedDatabase(createLogger('silent'));
    installation = await Installation.create();
    server = await startServerProcess(installation.env(database.appUrl, { DATABASE_READ_URL: database.readUrl }));
    planner = await installation.token('IGJ', ['PLANNER', 'INTAKE'], 'planner@igj');
    intake = await installation.token('NZA', ['INTEGRATION'], 'koppeling@nza');
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await database?.stop();
  });

  async function ok(token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const answer = await graphql(server.url, token, query, variables);
    expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    return answer.body.data;
  }

  async function onReplica(statement: string): Promise<void> {
    const client = new pg.Client({ connectionString: database.replicaAdminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  it('the replica is a hot standby of the primary', async () => {
    const client = new pg.Client({ connectionString: database.readUrl });
    await client.connect();
    const { rows } = await client.query<{ recovery: boolean }>('select pg_is_in_recovery() as recovery');
    await client.end();
    expect(rows[0]!.recovery).toBe(true);
  });

  it('serves lists, planning views and the load from the replica, and mutations with their read-back from the primary', async () => {
    const kvkNumber = freshKvk();
    const input = { name: 'Replica Zorg', kvkNumber, sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] };
    const providerId = (await ok(planner, REGISTER_PROVIDER, { input })).registerProvider.provider.id;
    const first = (await ok(planner, PLAN_VISIT, { input: planInput({ providerIds: [providerId], start: dayAt(base, 0) }) })).planVisit.visit.id;
    await database.caughtUp();
    expect((await ok(planner, VISITS, { filter: { providerId } })).visits.totalCount).toBe(1);

    await onReplica('select pg_wal_replay_pause()');
    try {
      // One request, two writes: the second sees the first (both on the primary).
      const both = await ok(
        planner,
        `mutation Two($a: PlanVisitInput!, $b: PlanVisitInput!) {
          a: planVisit(input: $a) { visit { id } }
          b: planVisit(input: $b) { visit { id } conflicts { visit { id } } }
        }`,
        { a: planInput({ providerIds: [providerId], start: dayAt(base, 1) }), b: planInput({ providerIds: [providerId], start: dayAt(base, 2) }) },
      );
      expect(both.b.conflicts.map((conflict: any) => conflict.visit.id).sort()).toEqual([first, both.a.visit.id].sort());

      // The lists, the what-if check and the load come from the paused replica: the two new visits are not there yet.
      const listed = await ok(planner, VISITS, { filter: { providerId } });
      expect(listed.visits.edges.map((edge: any) => edge.node.id)).toEqual([first]);
      const whatIf = await ok(planner, `query W($input: VisitConflictCheckInput!) { visitConflicts(input: $input) { visit { id } } }`, {
        input: { providerIds: [providerId], start: dayAt(base, 3).toISOString(), end: dayAt(base, 3, 17).toISOString() },
      });
      expect(whatIf.visitConflicts.map((conflict: any) => conflict.visit.id)).toEqual([first]);
      expect((await ok(planner, LOAD, { providerId, days: 120 })).supervisoryLoad.visitCount).toBe(1);
      // A visit read by its id comes from the primary: a client finds what it just wrote.
      expect((await ok(planner, VISIT, { id: both.b.visit.id })).visit.id).toBe(both.b.visit.id);
    } finally {
      await onReplica('select pg_wal_replay_resume()');
    }
    await database.caughtUp();
    expect((await ok(planner, VISITS, { filter: { providerId } })).visits.totalCount).toBe(3);
    expect((await ok(planner, LOAD, { providerId, days: 120 })).supervisoryLoad.visitCount).toBe(3);
  });

  it('reads row-secured signals on the replica under the same row-level security', async () => {
    const kvkNumber = freshKvk();
    const providerId = (await ok(planner, REGISTER_PROVIDER, { input: { name: 'Signaal Zorg', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] } }))
      .registerProvider.provider.id;
    const before = (await ok(intake, SUBMIT_SIGNAL, { input: signalInput({ providers: [{ kvkNumber }] }) })).submitSignal.signal.id;
    await database.caughtUp();
    await onReplica('select pg_wal_replay_pause()');
    let during: string;
    try {
      during = (await ok(intake, SUBMIT_SIGNAL, { input: signalInput({ providers: [{ kvkNumber }] }) })).submitSignal.signal.id;
      expect((await ok(intake, SIGNALS, { filter: { providerId } })).signals.edges.map((edge: any) => edge.node.id)).toEqual([before]);
    } finally {
      await onReplica('select pg_wal_replay_resume()');
    }
    await database.caughtUp();
    expect((await ok(intake, SIGNALS, { filter: { providerId } })).signals.edges.map((edge: any) => edge.node.id)).toEqual([during, before]);
    // Row-level security holds on the replica as on the primary: an organisation the signal was not routed to sees none.
    const stranger = await installation.token('GM0518', ['INTAKE']);
    expect((await ok(stranger, SIGNALS, { filter: { providerId } })).signals.edges).toEqual([]);
  });

  it('finds a provider registered a moment ago by its id, also in the what-if check and the load, while the lists lag', async () => {
    await onReplica('select pg_wal_replay_pause()');
    try {
      const kvkNumber = freshKvk();
      const providerId = (await ok(planner, REGISTER_PROVIDER, { input: { name: 'Net geregistreerd', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] } }))
        .registerProvider.provider.id;
      const whatIf = await ok(planner, `query W($input: VisitConflictCheckInput!) { visitConflicts(input: $input) { visit { id } } }`, {
        input: { providerIds: [providerId], start: dayAt(base, 5).toISOString(), end: dayAt(base, 5, 17).toISOString() },
      });
      expect(whatIf.visitConflicts).toEqual([]);
      expect((await ok(planner, LOAD, { providerId, days: 30 })).supervisoryLoad).toMatchObject({ provider: { id: providerId }, visitCount: 0 });
      expect((await ok(planner, `query P($kvk: String) { providers(filter: { kvkNumber: $kvk }) { edges { node { id } } } }`, { kvk: kvkNumber })).providers.edges).toEqual([]);
    } finally {
      await onReplica('select pg_wal_replay_resume()');
    }
  });

  it("keeps row-level security on the standby: the service's role sees no signal without an organisation named", async () => {
    await database.caughtUp();
    const client = new pg.Client({ connectionString: database.readUrl });
    await client.connect();
    try {
      const unnamed = await client.query<{ n: number }>('select count(*)::int as n from signal');
      await client.query('begin read only');
      await client.query(`select set_config('app.organisation', 'GM0518', true)`);
      const stranger = await client.query<{ n: number }>('select count(*)::int as n from signal');
      await client.query(`select set_config('app.organisation', 'NZA', true)`);
      const submitter = await client.query<{ n: number }>('select count(*)::int as n from signal');
      await client.query('rollback');
      expect([unnamed.rows[0]!.n, stranger.rows[0]!.n]).toEqual([0, 0]);
      expect(submitter.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('without the replica: still ready, lists read from the primary within seconds, mutations work', async () => {
    await database.stopReplica();
    const providerId = (await ok(planner, REGISTER_PROVIDER, { input: { name: 'Zonder replica', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] } }))
      .registerProvider.provider.id;
    const planned = (await ok(planner, PLAN_VISIT, { input: planInput({ providerIds: [providerId], start: dayAt(base, 10) }) })).planVisit.visit.id;
    const deadline = Date.now() + 10_000;
    let listed: any;
    while (Date.now() < deadline) {
      listed = await graphql(server.url, planner, VISITS, { filter: { providerId } });
      if (!listed.body.errors) break;
      expect(listed.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE'); // only until the probe notices
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.visits.edges.map((edge: any) => edge.node.id)).toEqual([planned]); // from the primary: nothing lags
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
