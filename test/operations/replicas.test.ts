import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dutchLocation, freshKvk, REGISTER_PROVIDER } from '../support/providers.js';
import { graphql, Installation, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { DECIDE, SUBMIT_SIGNAL, signalInput } from '../support/signals.js';
import { createTestDatabase, type TestDatabase } from '../support/test-app.js';
import { COORDINATE, dayAt, PLAN_VISIT, planInput, RESPOND } from '../support/visits.js';

/**
 * Two server processes — two replicas of one deployment — against one database, driven at the same time. Nothing
 * in a process's memory keeps the rules: the advisory locks, row locks and unique keys live in PostgreSQL, so what
 * holds for one process holds for several.
 */
describe('two server processes, one database', () => {
  let database: TestDatabase;
  let installation: Installation;
  let servers: ServerProcess[];
  let db: pg.Client;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    installation = await Installation.create();
    servers = await Promise.all([0, 1].map(() => startServerProcess(installation.env(database.appUrl))));
    db = new pg.Client({ connectionString: database.adminUrl });
    await db.connect();
    tokens.igj = await installation.token('IGJ', ['PLANNER', 'COORDINATOR', 'INTAKE'], 'coordinator@igj');
    tokens.gm = await installation.token('GM0363', ['PLANNER', 'COORDINATOR'], 'coordinator@amsterdam');
    tokens.nza = await installation.token('NZA', ['INTEGRATION'], 'koppeling@nza');
    tokens.om = await installation.token('OM', ['PROSECUTOR'], 'officier@om');
  });
  afterAll(async () => {
    await db?.end();
    await Promise.all((servers ?? []).map((server) => server.stop()));
  });

  /** Sends the request to server `index % 2`; fails the test on an error. */
  async function ok(index: number, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
    const answer = await graphql(servers[index % 2]!.url, token, query, variables);
    expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    return answer.body.data;
  }

  async function provider(): Promise<string> {
    const input = { name: 'Zorg op twee servers', kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] };
    return (await ok(0, tokens.igj!, REGISTER_PROVIDER, { input })).registerProvider.provider.id;
  }

  const base = new Date(Date.now() + 60 * 86_400_000);

  it('records every conflicting pair when planVisit for one provider is split across both', async () => {
    for (let round = 0; round < 3; round++) {
      const providerId = await provider();
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, index) =>
          ok(index, index % 4 < 2 ? tokens.igj! : tokens.gm!, PLAN_VISIT, { input: planInput({ providerIds: [providerId], start: dayAt(base, index % 6) }) }),
        ),
      );
      const ids = answers.map((answer) => answer.planVisit.visit.id as string);
      const { rows } = await db.query<{ a: string; b: string }>('select visit_a_id as a, visit_b_id as b from visit_conflict where visit_a_id = any($1)', [ids]);
      const recorded = new Set(rows.map((row) => `${row.a}|${row.b}`));
      expect(recorded.size).toBe(rows.length);
      expect(rows).toHaveLength((16 * 15) / 2);
      const reported = new Set<string>();
      answers.forEach((answer, index) => {
        for (const conflict of answer.planVisit.conflicts) reported.add([ids[index], conflict.visit.id].sort().join('|'));
      });
      expect(reported.size).toBe(120);
    }
  });

  it('keeps one signal when the same one is submitted 30 times across both', async () => {
    const kvkNumber = freshKvk();
    await ok(0, tokens.igj!, REGISTER_PROVIDER, { input: { name: 'Eén melding', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] } });
    const input = signalInput({ providers: [{ kvkNumber }] });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => ok(index, tokens.nza!, SUBMIT_SIGNAL, { input })));
    const ids = new Set(answers.map((answer) => answer.submitSignal.signal.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => !answer.submitSignal.duplicate)).toHaveLength(1);
    // SIGNAL_ROUTED is relayed from the routings by the servers' delivery workers, within a poll or so.
    const unpublished = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from signal_routing where signal_id = any($1::uuid[]) and published_at is null`, [[...ids]])).rows[0]!.n;
    for (let attempt = 0; attempt < 200 && (await unpublished()) > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    const { rows } = await db.query<{ signals: number; routings: number; events: number }>(
      `select (select count(*)::int from signal where external_id = $1) as signals,
              (select count(*)::int from signal_routing where signal_id = any($2::uuid[])) as routings,
              (select count(*)::int from event where resource_id = any($2::uuid[]) and type = 'SIGNAL_ROUTED') as events`,
      [input.externalId, [...ids]],
    );
    expect(rows[0]!.signals).toBe(1);
    expect(rows[0]!.routings).toBe(answers[0].submitSignal.routings.length);
    expect(rows[0]!.events).toBe(rows[0]!.routings); // each routing's event, once, whichever server relayed it
    const single = await db.query<{ n: number }>(
      `select count(*)::int as n from event where resource_id = any($1::uuid[]) group by type, organisation having count(*) > 1`,
      [[...ids]],
    );
    expect(single.rows).toEqual([]); // no event written twice
  });

  it('lets one of two crossing merges win and leaves no visit merged into a cancelled one', async () => {
    for (let round = 0; round < 5; round++) {
      const providerId = await provider();
      const [first, second] = await Promise.all(
        [0, 3].map((day) => ok(0, tokens.igj!, PLAN_VISIT, { input: planInput({ providerIds: [providerId], start: dayAt(base, day) }) })),
      );
      const [a, b] = [first.planVisit.visit.id as string, second.planVisit.visit.id as string];
      const answers = await Promise.all([
        graphql(servers[0]!.url, tokens.igj, COORDINATE, { input: { leadVisitId: a, visitIds: [b] } }),
        graphql(servers[1]!.url, tokens.igj, COORDINATE, { input: { leadVisitId: b, visitIds: [a] } }),
      ]);
      const won = answers.filter((answer) => !answer.body.errors);
      expect(won).toHaveLength(1);
      const lost = answers.find((answer) => answer.body.errors)!;
      expect(lost.status).toBe(200);
      expect(lost.body.errors[0].extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
      const lead = won[0]!.body.data.coordinateVisits.visit.id;
      const { rows } = await db.query<{ id: string; status: string; merged_into: string | null }>(
        'select id, status, merged_into from visit where id = any($1) order by id',
        [[a, b]],
      );
      expect(rows.find((row) => row.id === lead)).toMatchObject({ status: 'PLANNED', merged_into: null });
      expect(rows.find((row) => row.id !== lead)).toMatchObject({ status: 'CANCELLED', merged_into: lead });
    }
  });

  it('takes exactly one answer to a proposal accepted on one server and declined on the other', async () => {
    for (let round = 0; round < 5; round++) {
      const providerId = await provider();
      const lead = (await ok(0, tokens.igj!, PLAN_VISIT, { input: planInput({ providerIds: [providerId], start: dayAt(base, 0) }) })).planVisit.visit.id;
      const theirs = (await ok(1, tokens.gm!, PLAN_VISIT, { input: planInput({ providerIds: [providerId], start: dayAt(base, 2) }) })).planVisit.visit.id;
      const proposalId = (await ok(0, tokens.igj!, COORDINATE, { input: { leadVisitId: lead, visitIds: [theirs] } })).coordinateVisits.proposals[0].id;
      const answers = await Promise.all([
        graphql(servers[0]!.url, tokens.gm, RESPOND, { input: { proposalId, accept: true } }),
        graphql(servers[1]!.url, tokens.gm, RESPOND, { input: { proposalId, accept: false, note: 'Toch niet' } }),
      ]);
      const won = answers.findIndex((answer) => !answer.body.errors);
      expect(answers.filter((answer) => !answer.body.errors)).toHaveLength(1);
      // The later answer finds the proposal answered: the same error as answering twice on one server.
      expect(answers[1 - won]!.body.errors[0]).toMatchObject({
        message: `This proposal was already ${won === 0 ? 'accepted' : 'declined'}.`,
        extensions: { code: 'BAD_USER_INPUT', field: 'input.proposalId' },
      });
      const { rows } = await db.query<{ status: string; visit_status: string }>(
        'select p.status, v.status as visit_status from coordination_proposal p join visit v on v.id = p.visit_id where p.id = $1',
        [proposalId],
      );
      expect(rows[0]).toEqual(won === 0 ? { status: 'ACCEPTED', visit_status: 'CANCELLED' } : { status: 'DECLINED', visit_status: 'PLANNED' });
    }
  });

  it('takes exactly one decision on a routing decided on both servers at once', async () => {
    const kvkNumber = freshKvk();
    await ok(0, tokens.igj!, REGISTER_PROVIDER, { input: { name: 'Fraude', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] } });
    for (let round = 0; round < 5; round++) {
      const input = signalInput({ category: 'ZORGFRAUDE', possibleCriminalOffence: true, providers: [{ kvkNumber }] });
      const routings = (await ok(0, tokens.nza!, SUBMIT_SIGNAL, { input })).submitSignal.routings as Array<{ id: string; recipient: { code: string } }>;
      const routingId = routings.find((routing) => routing.recipient.code === 'OM')!.id;
      const answers = await Promise.all([
        graphql(servers[0]!.url, tokens.om, DECIDE, { input: { routingId, outcome: 'ACCEPT' } }),
        graphql(servers[1]!.url, tokens.om, DECIDE, { input: { routingId, outcome: 'DECLINE', note: 'Geen strafbaar feit' } }),
      ]);
      const won = answers.findIndex((answer) => !answer.body.errors);
      expect(answers.filter((answer) => !answer.body.errors)).toHaveLength(1);
      expect(answers[1 - won]!.body.errors[0].extensions.code).toBe('CONFLICT');
      const { rows } = await db.query<{ outcome: string }>('select outcome from routing_decision where routing_id = $1', [routingId]);
      expect(rows).toEqual([{ outcome: won === 0 ? 'ACCEPT' : 'DECLINE' }]);
      expect(answers[won]!.body.data.decideRouting.routing.status).toBe(won === 0 ? 'ACCEPTED' : 'DECLINED');
    }
  });
});
