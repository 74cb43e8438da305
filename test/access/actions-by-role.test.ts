import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Action } from '../../src/access/policy.js';
import { ALL_ROLES, Role } from '../../src/access/roles.js';
import { startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { belgianLocation, dutchLocation, freshKvk, REGISTER_PROVIDER, registerProvider } from '../support/providers.js';
import { COORDINATE, plan } from '../support/visits.js';
import { DECIDE, signalInput, submit, SUBMIT_SIGNAL } from '../support/signals.js';

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
