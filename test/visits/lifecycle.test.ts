import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../src/platform/database/sql.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { belgianLocation, dutchLocation, freshKvk, registerProvider, REGISTER_PROVIDER } from '../support/providers.js';
import { CANCEL_VISIT, COMPLETE_VISIT, dayAt, LOAD, plan, PLAN_VISIT, planInput, RESCHEDULE_VISIT, VISIT } from '../support/visits.js';

describe('visit lifecycle and bad input', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let nza: GraphQLClient;
  let provider: string;
  let locationId: string;
  const now = '2027-01-04T08:00:00Z';
  const base = new Date('2027-02-01T00:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock(now) });
    igj = await t.as('IGJ', [Role.PLANNER, Role.INSPECTOR], 'planner@igj');
    nza = await t.as('NZA', [Role.PLANNER], 'planner@nza');
    const data = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Levenscyclus Zorg', kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0363'), dutchLocation('GM0344')] },
    });
    provider = data.registerProvider.provider.id;
    locationId = data.registerProvider.provider.locations.find((location: any) => location.municipalityCode === 'GM0363').id;
  });
  afterAll(async () => t?.close());

  it('plans a visit at a location, with all its fields', async () => {
    const { visit } = await plan(igj, { providerIds: [provider], start: dayAt(base, 0), locationId, kind: 'THEMATIC', themes: ['medicatieveiligheid'] });
    expect(visit).toMatchObject({
      status: 'PLANNED',
      announced: true,
      kind: 'THEMATIC',
      organisation: { code: 'IGJ' },
      providers: [{ id: provider }],
      location: { id: locationId },
      window: { start: dayAt(base, 0).toISOString(), precision: 'EXACT' },
      detail: true,
    });
  });

  it('cancels with a reason, after which the visit can no longer change', async () => {
    const { visit } = await plan(igj, { providerIds: [provider], start: dayAt(base, 40) });
    expect(await igj.fails(CANCEL_VISIT, { input: { visitId: visit.id, reason: ' ' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    const cancelled = await igj.ok(CANCEL_VISIT, { input: { visitId: visit.id, reason: 'Zorgaanbieder gesloten' } });
    expect(cancelled.cancelVisit.visit.status).toBe('CANCELLED');
    for (const [document, input] of [
      [CANCEL_VISIT, { visitId: visit.id, reason: 'nogmaals' }],
      [RESCHEDULE_VISIT, { visitId: visit.id, start: dayAt(base, 41).toISOString(), end: dayAt(base, 41, 12).toISOString() }],
      [COMPLETE_VISIT, { visitId: visit.id }],
    ] as const) {
      expect(await igj.fails(document, { input })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.visitId' });
    }
    const history = (await igj.ok(VISIT, { id: visit.id })).visit.history;
    expect(history.map((entry: any) => [entry.action, entry.reason, entry.actorSub])).toEqual([
      ['PLANNED', null, 'planner@igj'],
      ['CANCELLED', 'Zorgaanbieder gesloten', 'planner@igj'],
    ]);
  });

  it('completes a visit only once it has started', async () => {
    const { visit } = await plan(igj, { providerIds: [provider], start: new Date('2027-01-04T07:00:00Z'), end: new Date('2027-01-04T15:00:00Z') });
    const future = await plan(igj, { providerIds: [provider], start: dayAt(base, 80) });
    expect(await igj.fails(COMPLETE_VISIT, { input: { visitId: future.visit.id } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.visitId' });
    expect((await igj.ok(COMPLETE_VISIT, { input: { visitId: visit.id } })).completeVisit.visit.status).toBe('COMPLETED');
  });

  it("refuses another organisation's change with FORBIDDEN, and an invisible visit with NOT_FOUND", async () => {
    const { visit } = await plan(igj, { providerIds: [provider], start: dayAt(base, 100) });
    expect((await nza.fails(CANCEL_VISIT, { input: { visitId: visit.id, reason: 'x' } })).code).toBe('FORBIDDEN');
    expect(
      (await nza.fails(RESCHEDULE_VISIT, { input: { visitId: visit.id, start: dayAt(base, 101).toISOString(), end: dayAt(base, 101, 12).toISOString() } })).code,
    ).toBe('FORBIDDEN');
    const rotterdam = await t.as('GM0599', [Role.PLANNER]);
    const hidden = await rotterdam.fails(CANCEL_VISIT, { input: { visitId: visit.id, reason: 'x' } });
    const missing = await rotterdam.fails(CANCEL_VISIT, { input: { visitId: randomUUID(), reason: 'x' } });
    expect([hidden.code, missing.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    const auditor = await t.as('IGJ', [Role.AUDITOR]);
    expect((await auditor.fails(PLAN_VISIT, { input: planInput({ providerIds: [provider], start: dayAt(base, 1) }) })).code).toBe('FORBIDDEN');
  });

  describe('each bad input is a BAD_USER_INPUT naming its field, and nothing is written', () => {
    const cases: Array<[string, () => Record<string, unknown>, string]> = [
      ['end before start', () => ({ ...planInput({ providerIds: [provider], start: dayAt(base, 2) }), end: dayAt(base, 1).toISOString() }), 'input.end'],
      ['end equal to start', () => ({ ...planInput({ providerIds: [provider], start: dayAt(base, 2) }), end: dayAt(base, 2).toISOString() }), 'input.end'],
      ['a window longer than 14 days', () => ({ ...planInput({ providerIds: [provider], start: dayAt(base, 2) }), end: dayAt(base, 17).toISOString() }), 'input.end'],
      ['more than two years ahead', () => planInput({ providerIds: [provider], start: new Date('2029-02-01T09:00:00Z') }), 'input.start'],
      ['no providers', () => planInput({ providerIds: [], start: dayAt(base, 2) }), 'input.providerIds'],
      ['a provider twice', () => planInput({ providerIds: [provider, provider], start: dayAt(base, 2) }), 'input.providerIds'],
      ['an unknown provider', () => planInput({ providerIds: [randomUUID()], start: dayAt(base, 2) }), 'input.providerIds[0]'],
      ['a malformed provider id', () => planInput({ providerIds: ['zorg'], start: dayAt(base, 2) }), 'input.providerIds[0]'],
      ['a location of another provider', () => planInput({ providerIds: [provider], start: dayAt(base, 2), locationId: randomUUID() }), 'input.locationId'],
      ['an unknown organisation in sharedWith', () => planInput({ providerIds: [provider], start: dayAt(base, 2), sharedWith: ['GM12'] }), 'input.sharedWith[0]'],
      ['the OM in sharedWith', () => planInput({ providerIds: [provider], start: dayAt(base, 2), sharedWith: ['OM'] }), 'input.sharedWith[0]'],
      ['a partner outside the supervision domain', () => planInput({ providerIds: [provider], start: dayAt(base, 2), sharedWith: ['ZORGINSPECTIE'] }), 'input.sharedWith[0]'],
      ['duplicate themes', () => planInput({ providerIds: [provider], start: dayAt(base, 2), themes: ['Wmo', 'wmo'] }), 'input.themes'],
      ['an oversized theme', () => planInput({ providerIds: [provider], start: dayAt(base, 2), themes: ['x'.repeat(61)] }), 'input.themes[0]'],
      ['oversized notes', () => planInput({ providerIds: [provider], start: dayAt(base, 2), notes: 'x'.repeat(4001) }), 'input.notes'],
      ['an unknown kind', () => ({ ...planInput({ providerIds: [provider], start: dayAt(base, 2) }), kind: 'SURPRISE' }), 'input.kind'],
    ];

    it.each(cases)('%s', async (_name, input, field) => {
      const before = await t.sql('select count(*)::int as n from visit');
      const result = await igj.request(PLAN_VISIT, { input: input() });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
      expect(await t.sql('select count(*)::int as n from visit')).toEqual(before);
    });

    it('a municipality plans only at locations in its own territory', async () => {
      const gm = await t.as('GM0363', [Role.PLANNER]);
      const data = await igj.ok(REGISTER_PROVIDER, { input: { name: 'x', kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363'), dutchLocation('GM0344')] } });
      const elsewhere = data.registerProvider.provider.locations.find((location: any) => location.municipalityCode === 'GM0344').id;
      const error = await gm.fails(PLAN_VISIT, { input: planInput({ providerIds: [data.registerProvider.provider.id], start: dayAt(base, 2), locationId: elsewhere }) });
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.locationId' });
    });

    it('property: arbitrary planVisit input never causes an internal error', async () => {
      const belgian = await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kboNumber: '0412345614', locations: [belgianLocation()] });
      const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-01-01T00:00:00Z'), noInvalidDate: true });
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            providerIds: fc.array(fc.oneof(fc.constant(provider), fc.constant(belgian), fc.uuid(), fc.string({ maxLength: 8 })), { maxLength: 3 }),
            start: date,
            end: date,
            announced: fc.boolean(),
            kind: fc.constantFrom('RISK_BASED', 'NETWORK', 'INCIDENT'),
            themes: fc.array(fc.string({ maxLength: 70 }), { maxLength: 4 }),
            sharedWith: fc.array(fc.constantFrom('NZA', 'GM0363', 'OM', 'IGJ', 'XX', 'GM0344'), { maxLength: 3 }),
          }),
          async (input) => {
            const result = await igj.request(PLAN_VISIT, { input: { ...input, start: input.start.toISOString(), end: input.end.toISOString() } });
            expect(result.status).toBeLessThan(500);
            const code = result.errors?.[0]?.extensions?.code;
            expect([undefined, 'BAD_USER_INPUT']).toContain(code);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  it('counts the supervisory load per organisation, a joint visit once', async () => {
    const load = await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
    await plan(igj, { providerIds: [load], start: new Date('2027-01-10T09:00:00Z') });
    await plan(igj, { providerIds: [load], start: new Date('2027-01-20T09:00:00Z') });
    await plan(nza, { providerIds: [load], start: new Date('2027-01-12T09:00:00Z') });
    await plan(nza, { providerIds: [load], start: new Date('2027-06-12T09:00:00Z') });
    const cancelled = await plan(nza, { providerIds: [load], start: new Date('2027-01-14T09:00:00Z') });
    await nza.ok(CANCEL_VISIT, { input: { visitId: cancelled.visit.id, reason: 'dubbel' } });
    const { supervisoryLoad } = await igj.ok(LOAD, { providerId: load, days: 30 });
    expect(supervisoryLoad).toMatchObject({
      provider: { id: load },
      days: 30,
      visitCount: 3,
      organisationCount: 2,
      byOrganisation: [
        { organisation: { code: 'IGJ' }, visitCount: 2 },
        { organisation: { code: 'NZA' }, visitCount: 1 },
      ],
    });
    expect(await igj.fails(LOAD, { providerId: load, days: 0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
    expect((await (await t.as('GM0599', [Role.PLANNER])).fails(LOAD, { providerId: load })).code).toBe('NOT_FOUND');
  });
});

describe('a page of visits costs the same number of statements at 10 and at 100', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
  });
  afterAll(async () => t?.close());

  it('with providers, organisation, participants, location and conflicts nested', async () => {
    const igj = await t.as('IGJ', [Role.PLANNER]);
    const gm = await t.as('GM0363', [Role.PLANNER]);
    const providers = [];
    for (let i = 0; i < 10; i++) providers.push(await registerProvider(igj, { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] }));
    for (let i = 0; i < 110; i++) {
      await plan(i % 2 ? igj : gm, { providerIds: [providers[i % 10]!], start: dayAt(new Date('2027-03-01T00:00:00Z'), i % 60), announced: i % 3 !== 0 });
    }
    const statements = async (query: string, first: number) => {
      const tally = { count: 0 };
      const data = await countStatements(tally, () => igj.ok(query, { first }));
      expect(data.visits.edges).toHaveLength(first);
      return tally.count;
    };
    // The page, providers, municipality names, conflicts, and the audit insert: five statements.
    const page = `query Page($first: Int) { visits(first: $first) { edges { node {
      id window { start end precision } status kind themes organisation { code name } participants { code }
      providers { id name } location { id name } conflicts { gapDays scope resolution visit { id organisation { code } } } } } } }`;
    expect(await statements(page, 10)).toBe(5);
    expect(await statements(page, 100)).toBe(5);
    // Each further kind of nested field costs one statement, whatever the page size.
    const deeper = page.replace('providers { id name }', 'providers { id name locations(first: 5) { id } }');
    expect(await statements(deeper, 100)).toBe(await statements(deeper, 10));
    expect(await statements(deeper, 10)).toBe(6);
  });
});
