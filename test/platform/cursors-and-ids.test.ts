import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, PROVIDER, REGISTER_PROVIDER } from '../support/providers.js';
import { DECIDE, SIGNAL, signalInput, submit } from '../support/signals.js';
import { actionInput, record } from '../support/enforcement.js';
import { COORDINATE, dayAt, plan, PLAN_VISIT, planInput, VISIT } from '../support/visits.js';

const CONNECTIONS = {
  providers: (client: GraphQLClient, after: string) => client.request(`query($after: String) { providers(first: 2, after: $after) { edges { cursor } } }`, { after }),
  visits: (client: GraphQLClient, after: string) => client.request(`query($after: String) { visits(first: 2, after: $after) { edges { cursor } } }`, { after }),
  signals: (client: GraphQLClient, after: string) => client.request(`query($after: String) { signals(first: 2, after: $after) { edges { cursor } } }`, { after }),
  auditEvents: (client: GraphQLClient, after: string) =>
    client.request(`query($after: String) { auditEvents(first: 2, after: $after) { edges { cursor } } }`, { after }),
  enforcementActions: (client: GraphQLClient, after: string) =>
    client.request(`query($after: String) { enforcementActions(first: 2, after: $after) { edges { cursor } } }`, { after }),
  publicEnforcementActions: (client: GraphQLClient, after: string) =>
    client.request(`query($after: String) { publicEnforcementActions(first: 2, after: $after) { edges { cursor } } }`, { after }),
};

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Any `after` a client sends is either a cursor this server made, or BAD_USER_INPUT — never an internal error. */
describe('cursors', () => {
  let t: TestApp;
  let client: GraphQLClient;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    client = await t.as('IGJ', [Role.PLANNER, Role.INTAKE, Role.AUDITOR, Role.ENFORCEMENT_OFFICER]);
    for (let index = 0; index < 3; index++) {
      const provider = (await client.ok(REGISTER_PROVIDER, { input: { name: `Cursor ${index}`, kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] } }))
        .registerProvider.provider.id;
      await plan(client, { providerIds: [provider], start: dayAt(new Date('2027-03-01T00:00:00Z'), index * 40) });
      await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ providers: [{ id: provider }] }));
      await record(client, actionInput(provider, { type: 'VERSCHERPT_TOEZICHT', imposedOn: `2026-12-0${index + 1}` }));
    }
  });
  afterAll(async () => t?.close());

  const refusal = (result: Awaited<ReturnType<GraphQLClient['request']>>) => ({
    status: result.status,
    code: result.errors?.[0]?.extensions?.code,
    field: result.errors?.[0]?.extensions?.field,
  });

  it.each(Object.keys(CONNECTIONS))('%s: the next page follows from a cursor it made', async (name) => {
    const fetch = CONNECTIONS[name as keyof typeof CONNECTIONS];
    const first = await fetch(client, undefined as never);
    expect(first.errors).toBeUndefined();
    const edges = (first.data as any)[name].edges;
    expect(edges.length).toBe(2);
    const next = await fetch(client, edges[1].cursor);
    expect(next.errors).toBeUndefined();
  });

  it('the crafted cursor of the review (year 275760) is BAD_USER_INPUT', async () => {
    const crafted = b64(['+275760-09-13T00:00:00.000Z', '018f3c2e-0000-7000-8000-000000000000']);
    expect(refusal(await CONNECTIONS.visits(client, crafted))).toEqual({ status: 200, code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('a cursor edited after the server made it is refused', async () => {
    const { data } = await CONNECTIONS.visits(client, undefined as never);
    const cursor: string = (data as any).visits.edges[0].cursor;
    const [body, tag] = cursor.split('.');
    const key = JSON.parse(Buffer.from(body!, 'base64url').toString());
    key[0] = '2000-01-01T00:00:00.000Z';
    expect(refusal(await CONNECTIONS.visits(client, `${b64(key)}.${tag}`))).toEqual({ status: 200, code: 'BAD_USER_INPUT', field: 'after' });
  });

  it.each(Object.keys(CONNECTIONS))('%s: arbitrary after values never cause an internal error (property)', async (name) => {
    const fetch = CONNECTIONS[name as keyof typeof CONNECTIONS];
    const json = fc.oneof(
      fc.json(),
      fc.tuple(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.uuid()).map((pair) => JSON.stringify(pair)),
      fc.tuple(fc.string(), fc.uuid()).map((pair) => JSON.stringify(pair)),
      fc.tuple(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String)).map((single) => JSON.stringify(single)),
    );
    const after = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      json.map(b64),
      fc.tuple(json.map(b64), fc.base64String()).map(([body, tag]) => `${body}.${tag}`),
    );
    await fc.assert(
      fc.asyncProperty(after, async (value) => {
        const { status, code } = refusal(await fetch(client, value));
        // Text that cannot be stored is refused before anything runs (text-guard.ts), as a 400; any other a 200.
        const unstorable = value.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
        expect(status).toBe(unstorable ? 400 : 200);
        expect(code).toBe('BAD_USER_INPUT');
      }),
      { numRuns: 60 },
    );
  });
});

/** UUIDs compare case-insensitively: an id in capitals is the same id, on every path. */
describe('ids in capitals', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let gm: GraphQLClient;
  const upper = (id: string) => id.toUpperCase();

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR, Role.INTAKE]);
    gm = await t.as('GM0363', [Role.PLANNER, Role.COORDINATOR]);
  });
  afterAll(async () => t?.close());

  it('read, plan, merge, submit and decide with ids in capitals', async () => {
    const { registerProvider } = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Hoofdletters', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] },
    });
    const provider = registerProvider.provider.id as string;
    const location = registerProvider.provider.locations[0].id as string;
    expect((await igj.ok(PROVIDER, { id: upper(provider) })).provider.id).toBe(provider);

    const planned = await igj.ok(PLAN_VISIT, {
      input: planInput({ providerIds: [upper(provider)], locationId: upper(location), start: dayAt(new Date('2027-03-01T00:00:00Z'), 1) }),
    });
    const lead = planned.planVisit.visit.id as string;
    expect(planned.planVisit.visit.providers).toEqual([{ id: provider }]);
    expect((await igj.ok(VISIT, { id: upper(lead) })).visit.id).toBe(lead);
    const theirs = (await plan(gm, { providerIds: [provider], start: dayAt(new Date('2027-03-01T00:00:00Z'), 2) })).visit.id as string;
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: upper(lead), visitIds: [upper(theirs)] } });
    expect(coordinateVisits.proposals).toHaveLength(1);
    expect((await igj.fails(COORDINATE, { input: { leadVisitId: lead, visitIds: [upper(lead)] } })).field).toBe('input.visitIds');

    const { signal, routings } = await submit(igj, signalInput({ providers: [{ id: upper(provider) }], possibleCriminalOffence: true }));
    expect(signal.providers).toEqual([{ id: provider }]);
    expect((await igj.ok(SIGNAL, { id: upper(signal.id) })).signal.id).toBe(signal.id);
    const om = routings.find((routing: any) => routing.recipient.code === 'OM').id as string;
    const decided = await (await t.as('OM', [Role.PROSECUTOR])).ok(DECIDE, { input: { routingId: upper(om), outcome: 'ACCEPT' } });
    expect(decided.decideRouting.routing.id).toBe(om);
  });
});
