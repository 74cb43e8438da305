import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Action } from '../../src/access/policy.js';
import { ALL_ROLES, Role } from '../../src/access/roles.js';
import { startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { belgianLocation, dutchLocation, freshKvk, PROVIDER, PROVIDERS, REGISTER_PROVIDER, registerProvider } from '../support/providers.js';
import { COORDINATE, dayAt, plan, RESPOND, VISIT, VISITS } from '../support/visits.js';
import { DECIDE, SIGNAL, SIGNALS, signalInput, submit, SUBMIT_SIGNAL } from '../support/signals.js';

/** The access matrix of docs/authorization.md, read as data: the document is the specification. */
type Cell = 'yes' | 'no' | 'detail' | 'planning' | 'week';
const CELLS: readonly Cell[] = ['yes', 'no', 'detail', 'planning', 'week'];

function readMatrix(): { organisations: string[]; rows: Array<{ record: string; level: string; cells: Cell[] }> } {
  const document = readFileSync('docs/authorization.md', 'utf8');
  const block = /<!-- matrix -->\n([\s\S]*?)\n<!-- end matrix -->/.exec(document)?.[1];
  if (!block) throw new Error('docs/authorization.md has no access matrix');
  const lines = block.split('\n').map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  const [header, , ...body] = lines;
  return {
    organisations: header!.slice(2),
    rows: body.map((cells) => ({
      record: cells[0]!,
      level: cells[1]!,
      cells: cells.slice(2).map((cell) => {
        if (!CELLS.includes(cell as Cell)) throw new Error(`matrix cell "${cell}" must be one of ${CELLS.join(', ')}`);
        return cell as Cell;
      }),
    })),
  };
}

/** How to create a record at each sharing level the matrix names. A new level needs a fixture here. */
const FIXTURES: Record<string, (t: TestApp) => Promise<string>> = {
  'provider|located in GM0363': async (t) =>
    registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] }),
  'provider|located only in GM0344': async (t) =>
    registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation('GM0344')] }),
  'provider|Flemish: located only in Belgium': async (t) =>
    registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kboNumber: '0678901218', locations: [belgianLocation()] }),
  'provider|cross-border: located in GM0744 and in Belgium': async (t) => {
    const kvkNumber = freshKvk();
    const id = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, locations: [dutchLocation('GM0744')] });
    await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kvkNumber, locations: [belgianLocation()] });
    return id;
  },
};

const base = new Date('2027-03-01T00:00:00Z');
const igjPlans = async (t: TestApp, providerId: string, options: { announced: boolean; sharedWith?: string[] }) =>
  (await plan(await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR]), { providerIds: [providerId], start: dayAt(base, 2), themes: ['toets'], ...options })).visit.id;
const located = async (t: TestApp, municipality: string) =>
  registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation(municipality)] });

Object.assign(FIXTURES, {
  'visit|announced, lead IGJ, provider located in GM0363': async (t: TestApp) => igjPlans(t, await located(t, 'GM0363'), { announced: true }),
  'visit|unannounced, lead IGJ, provider located in GM0363': async (t: TestApp) => igjPlans(t, await located(t, 'GM0363'), { announced: false }),
  'visit|unannounced, lead IGJ, provider located in GM0363, shared with GM0363': async (t: TestApp) =>
    igjPlans(t, await located(t, 'GM0363'), { announced: false, sharedWith: ['GM0363'] }),
  'visit|unannounced, lead IGJ, provider located only in GM0344': async (t: TestApp) => igjPlans(t, await located(t, 'GM0344'), { announced: false }),
  'visit|unannounced, joint: lead IGJ, NZA joined by accepting a merge': async (t: TestApp) => {
    const provider = await located(t, 'GM0363');
    const lead = await igjPlans(t, provider, { announced: false });
    const nza = await t.as('NZA', [Role.PLANNER, Role.COORDINATOR]);
    const theirs = (await plan(nza, { providerIds: [provider], start: dayAt(base, 4) })).visit.id;
    const coordinated = await (await t.as('IGJ', [Role.COORDINATOR])).ok(COORDINATE, { input: { leadVisitId: lead, visitIds: [theirs] } });
    await nza.ok(RESPOND, { input: { proposalId: coordinated.coordinateVisits.proposals[0].id, accept: true } });
    return lead;
  },
  'visit|announced, lead ZORGINSPECTIE, Flemish provider': async (t: TestApp) => {
    const zorginspectie = await t.as('ZORGINSPECTIE', [Role.PLANNER]);
    const provider = await registerProvider(zorginspectie, { kboNumber: '0876543270', locations: [belgianLocation()] });
    return (await plan(zorginspectie, { providerIds: [provider], start: dayAt(base, 2), themes: ['toets'] })).visit.id;
  },
  'visit|unannounced, lead ZORGINSPECTIE, cross-border provider': async (t: TestApp) => {
    const kvkNumber = freshKvk();
    await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, locations: [dutchLocation('GM0744')] });
    const zorginspectie = await t.as('ZORGINSPECTIE', [Role.PLANNER]);
    const provider = await registerProvider(zorginspectie, { kvkNumber, locations: [belgianLocation()] });
    return (await plan(zorginspectie, { providerIds: [provider], start: dayAt(base, 2), themes: ['toets'], announced: false })).visit.id;
  },
});

const signalBy = async (t: TestApp, organisation: string, provider: string, overrides: Record<string, unknown>) =>
  (await submit(await t.as(organisation, [Role.INTAKE]), signalInput({ providers: [{ id: provider }], ...overrides }))).signal.id as string;

Object.assign(FIXTURES, {
  'provider|located in GM0344, named in a signal routed to the OM': async (t: TestApp) => {
    const provider = await located(t, 'GM0344');
    await signalBy(t, 'IGJ', provider, { possibleCriminalOffence: true });
    return provider;
  },
  'signal|submitted by NZA, possible criminal offence, nursing home in GM0363 (routed to OM and IGJ)': async (t: TestApp) =>
    signalBy(t, 'NZA', await located(t, 'GM0363'), { possibleCriminalOffence: true }),
  'signal|submitted by GM0363, Wmo provider in GM0363 and GM0344 (routed to GM0344)': async (t: TestApp) => {
    const provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), {
      kvkNumber: freshKvk(),
      sectors: ['WMO'],
      locations: [dutchLocation('GM0363'), dutchLocation('GM0344')],
    });
    return signalBy(t, 'GM0363', provider, {});
  },
  'signal|submitted by ZORGINSPECTIE, cross-border provider (routed to IGJ)': async (t: TestApp) => {
    const kvkNumber = freshKvk();
    await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, locations: [dutchLocation('GM0744')] });
    const provider = await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kvkNumber, locations: [belgianLocation()] });
    return signalBy(t, 'ZORGINSPECTIE', provider, {});
  },
  'signal|submitted by IJENV, care fraud at a prison in GM0363 (routed to NZA and IGJ)': async (t: TestApp) => {
    const provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), {
      kvkNumber: freshKvk(),
      sectors: ['PENITENTIAIRE_INRICHTING'],
      locations: [dutchLocation('GM0363')],
    });
    return signalBy(t, 'IJENV', provider, { category: 'ZORGFRAUDE' });
  },
});

const READS: Record<string, { byId: string; list: string; listField: string }> = {
  provider: { byId: PROVIDER, list: PROVIDERS, listField: 'providers' },
  visit: { byId: VISIT, list: VISITS, listField: 'visits' },
  signal: { byId: SIGNAL, list: SIGNALS, listField: 'signals' },
};

/** What a successful read must show for the cell's view. */
function expectView(record: string, cell: Cell, data: any): void {
  if (record !== 'visit') return;
  const visit = data.visit;
  const expected = {
    detail: { detail: true, precision: 'EXACT', themes: expect.arrayContaining(['toets']) },
    planning: { detail: false, precision: 'EXACT', themes: [] },
    week: { detail: false, precision: 'WEEK', themes: [] },
  }[cell as 'detail' | 'planning' | 'week'];
  expect({ detail: visit.detail, precision: visit.window.precision, themes: visit.themes }).toEqual(expected);
}

describe('access matrix (docs/authorization.md)', () => {
  const matrix = readMatrix();
  let t: TestApp;
  const records = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    for (const row of matrix.rows) {
      const fixture = FIXTURES[`${row.record}|${row.level}`];
      if (!fixture) throw new Error(`no fixture for matrix row "${row.record} | ${row.level}"`);
      records.set(`${row.record}|${row.level}`, await fixture(t));
    }
  });
  afterAll(async () => t?.close());

  const cells = matrix.rows.flatMap((row) =>
    matrix.organisations.map((organisation, index) => ({ ...row, organisation, cell: row.cells[index]! })),
  );

  it.each(cells)('$record "$level" for $organisation: $cell', async ({ record, level, organisation, cell }) => {
    const id = records.get(`${record}|${level}`)!;
    const read = READS[record]!;
    // Reading needs no more than this; each organisation kind can hold one of these roles.
    const client = await t.as(organisation, [Role.INSPECTOR, Role.PROSECUTOR]);
    const single = await client.request(read.byId, { id });
    const listed = await client.request(read.list, { first: 100 });
    if (cell === 'no') {
      const code = single.errors?.[0]?.extensions?.code;
      expect(single.data?.[record] ?? null).toBeNull();
      if (code === 'FORBIDDEN') {
        expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // the organisation kind may not read this at all
      } else {
        expect(code).toBe('NOT_FOUND');
        expect(listed.data![read.listField].edges.map((edge: any) => edge.node.id)).not.toContain(id);
      }
    } else {
      expect(single.errors).toBeUndefined();
      expectView(record, cell, single.data);
      expect(listed.data![read.listField].edges.map((edge: any) => edge.node.id)).toContain(id);
    }
  });
});

/**
 * Who may attempt what, written out here by hand from the roles in domain.md — not read from policy.ts, so that a
 * change to the policy fails this test until someone decides the change is meant. "S" is every supervisor (an
 * inspectorate, the NZa, a municipality, Zorginspectie) and "OM" the prosecution.
 */
const R = Role;
const EXPECTED: Record<Action, { S: readonly Role[]; OM: readonly Role[] }> = {
  'organisation.list': { S: ALL_ROLES, OM: ALL_ROLES },
  'provider.read': { S: ALL_ROLES, OM: ALL_ROLES },
  'provider.register': { S: [R.PLANNER, R.COORDINATOR, R.INTAKE, R.INTEGRATION], OM: [] },
  'visit.read': { S: [R.PLANNER, R.COORDINATOR, R.INSPECTOR, R.ENFORCEMENT_OFFICER], OM: [] },
  'visit.plan': { S: [R.PLANNER, R.COORDINATOR], OM: [] },
  'visit.complete': { S: [R.PLANNER, R.COORDINATOR, R.INSPECTOR], OM: [] },
  'visit.coordinate': { S: [R.COORDINATOR], OM: [] },
  'signal.submit': { S: [R.INTAKE, R.INTEGRATION], OM: [] },
  'signal.read': { S: [R.INTAKE, R.INTEGRATION, R.COORDINATOR, R.INSPECTOR, R.ENFORCEMENT_OFFICER], OM: [R.PROSECUTOR] },
  'signal.decide': { S: [R.INTAKE, R.COORDINATOR], OM: [R.PROSECUTOR] },
  'enforcement.read': { S: [R.PLANNER, R.COORDINATOR, R.INSPECTOR, R.ENFORCEMENT_OFFICER, R.INTAKE], OM: [R.PROSECUTOR] },
  'enforcement.record': { S: [R.ENFORCEMENT_OFFICER], OM: [] },
  'event.read': { S: [R.PLANNER, R.COORDINATOR, R.INSPECTOR, R.INTAKE, R.INTEGRATION, R.ENFORCEMENT_OFFICER], OM: [R.PROSECUTOR, R.INTEGRATION] },
  'webhook.manage': { S: [R.INTEGRATION, R.COORDINATOR], OM: [R.INTEGRATION, R.COORDINATOR] },
  'audit.read': { S: [R.AUDITOR], OM: [R.AUDITOR] },
};

const NOWHERE = '00000000-0000-7000-8000-000000000000';
const pastDay = (days: number) => new Date(Date.now() - days * 86_400_000);

interface Fixtures {
  /** A provider each organisation can see. */
  provider: Record<string, string>;
  setup(organisation: string, roles: Role[]): Promise<GraphQLClient>;
}

/**
 * One operation per action. When the cell is allowed, `prepare` makes what the operation needs so that it answers
 * with data (an allowed cell that answers with any error fails); when it is not, the operation is refused before
 * anything is looked up, so dummy ids do.
 */
const SAMPLES: Record<Action, { query: string; prepare?: (f: Fixtures, organisation: string, allowed: boolean) => Promise<Record<string, unknown>> }> = {
  'organisation.list': { query: '{ organisations { code } }' },
  'provider.read': { query: '{ providers { totalCount } }' },
  'audit.read': { query: '{ auditEvents { totalCount } }' },
  'visit.read': { query: '{ visits { totalCount } }' },
  'signal.read': { query: '{ signals { totalCount } }' },
  'enforcement.read': { query: '{ enforcementActions { totalCount } }' },
  'event.read': { query: '{ events { totalCount } }' },
  'webhook.manage': { query: '{ webhookSubscriptions { id } }' },
  'enforcement.record': {
    query: 'mutation($input: RecordEnforcementActionInput!) { recordEnforcementAction(input: $input) { enforcementAction { id status } } }',
    prepare: async (f, organisation) => ({
      input: {
        providerId: f.provider[organisation] ?? NOWHERE,
        type: organisation === 'ZORGINSPECTIE' ? 'VEILIGHEIDSMAATREGEL' : 'NORMOVERDRAGEND_GESPREK',
        legalBasis: organisation === 'ZORGINSPECTIE' ? 'Kwaliteitsdecreet art. 12' : 'Wkkgz art. 27',
        imposedOn: new Date().toISOString().slice(0, 10),
      },
    }),
  },
  'provider.register': {
    query: REGISTER_PROVIDER,
    prepare: async (_f, organisation) => ({
      input: {
        name: 'Rolproef',
        sectors: ['WMO'],
        ...(organisation === 'ZORGINSPECTIE'
          ? { kboNumber: '0234567873', locations: [belgianLocation()] }
          : { kvkNumber: freshKvk(), locations: [dutchLocation(organisation.startsWith('GM') ? organisation : 'GM0363')] }),
      },
    }),
  },
  'visit.plan': {
    query: 'query($input: VisitConflictCheckInput!) { visitConflicts(input: $input) { gapDays } }',
    prepare: async (f, organisation) => ({
      input: { providerIds: [f.provider[organisation] ?? NOWHERE], start: '2027-06-01T09:00:00Z', end: '2027-06-01T12:00:00Z' },
    }),
  },
  'visit.complete': {
    query: 'mutation($input: CompleteVisitInput!) { completeVisit(input: $input) { visit { id status } } }',
    prepare: async (f, organisation, allowed) => {
      if (!allowed) return { input: { visitId: NOWHERE } };
      const visit = await plan(await f.setup(organisation, [Role.PLANNER]), { providerIds: [f.provider[organisation]!], start: pastDay(1) });
      return { input: { visitId: visit.visit.id } };
    },
  },
  'visit.coordinate': {
    query: COORDINATE,
    prepare: async (f, organisation, allowed) => {
      if (!allowed) return { input: { leadVisitId: NOWHERE, visitIds: [NOWHERE.replace(/0$/, '1')] } };
      const planner = await f.setup(organisation, [Role.PLANNER]);
      const lead = await plan(planner, { providerIds: [f.provider[organisation]!], start: new Date('2027-06-01T09:00:00Z') });
      const other = await plan(planner, { providerIds: [f.provider[organisation]!], start: new Date('2027-06-03T09:00:00Z') });
      return { input: { leadVisitId: lead.visit.id, visitIds: [other.visit.id] } };
    },
  },
  'signal.submit': {
    query: SUBMIT_SIGNAL,
    prepare: async (f, organisation) => ({ input: signalInput({ providers: [{ id: f.provider[organisation] ?? NOWHERE }] }) }),
  },
  'signal.decide': {
    query: DECIDE,
    prepare: async (f, organisation, allowed) => {
      if (!allowed) return { input: { routingId: NOWHERE, outcome: 'ACCEPT' } };
      // A signal that the protocol routes to `organisation`, from an organisation that is not it.
      const submitter = organisation === 'IGJ' ? 'NZA' : 'IGJ';
      const overrides: Record<string, unknown> =
        organisation === 'OM' ? { possibleCriminalOffence: true } : organisation === 'NZA' ? { category: 'ZORGFRAUDE' } : {};
      const provider = { OM: f.provider.IGJ, NZA: f.provider.IGJ, GM0363: f.provider.wmo, IGJ: f.provider.IGJ, ZORGINSPECTIE: f.provider.crossBorder }[organisation]!;
      const { routings } = await submit(await f.setup(submitter, [Role.INTAKE]), signalInput({ providers: [{ id: provider }], ...overrides }));
      return { input: { routingId: routings.find((routing: any) => routing.recipient.code === organisation).id, outcome: 'JOINT', note: 'Samen' } };
    },
  },
};

describe('actions by role and organisation kind (written out in this test, enforced by policy.ts)', () => {
  let t: TestApp;
  const organisations = ['IGJ', 'NZA', 'GM0363', 'OM', 'ZORGINSPECTIE'];
  const fixtures: Fixtures = { provider: {}, setup: (organisation, roles) => t.as(organisation, roles) };

  beforeAll(async () => {
    t = await startTestApp();
    const igj = await t.as('IGJ', [Role.PLANNER]);
    const amsterdam = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    fixtures.provider = {
      IGJ: amsterdam,
      NZA: amsterdam,
      GM0363: amsterdam,
      wmo: await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363')] }),
      ZORGINSPECTIE: await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kboNumber: '0412345614', locations: [belgianLocation()] }),
    };
    const kvkNumber = freshKvk();
    fixtures.provider.crossBorder = await registerProvider(igj, { kvkNumber, locations: [dutchLocation('GM0744')] });
    await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { kvkNumber, locations: [belgianLocation()] });
  });
  afterAll(async () => t?.close());

  const cases = (Object.keys(EXPECTED) as Action[]).flatMap((action) =>
    organisations.flatMap((organisation) =>
      ALL_ROLES.map((role) => ({ action, organisation, role, allowed: EXPECTED[action][organisation === 'OM' ? 'OM' : 'S'].includes(role) })),
    ),
  );

  it('covers every action the policy knows', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  it.each(cases)('$action by $organisation $role: allowed=$allowed', async ({ action, organisation, role, allowed }) => {
    const sample = SAMPLES[action];
    const variables = await sample.prepare?.(fixtures, organisation, allowed);
    const result = await (await t.as(organisation, [role])).request(sample.query, variables);
    if (allowed) {
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data ?? {}).every((value) => value !== null && value !== undefined)).toBe(true);
    } else {
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.data ?? null).toBeNull();
    }
  });

  it('a token without any role can only say who it is, read the routing rules and read what is public', async () => {
    const client = await t.as('IGJ', []);
    expect((await client.ok('{ me { roles } }')).me.roles).toEqual([]);
    expect((await client.ok('{ routingRules { version } }')).routingRules.version).toBeTruthy();
    expect((await client.ok('{ publicEnforcementActions { totalCount } }')).publicEnforcementActions.totalCount).toBeGreaterThanOrEqual(0);
    for (const sample of Object.values(SAMPLES)) {
      expect((await client.request(sample.query, await sample.prepare?.(fixtures, 'IGJ', false))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
