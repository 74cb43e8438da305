import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, ACTIONS, actionInput, PUBLIC_ACTIONS, record } from '../support/enforcement.js';
import { belgianLocation, dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { signalInput, submit } from '../support/signals.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { plan } from '../support/visits.js';

const NOWHERE = '00000000-0000-7000-8000-00000000abcd';

describe('who sees which enforcement measures', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let amsterdam: string;
  let crossBorder: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-12-01T09:00:00Z') });
    igj = await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]);
    const planner = await t.as('IGJ', [Role.PLANNER]);
    amsterdam = await registerProvider(planner, { name: 'Verpleeghuis Amstel', kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    const kvkNumber = freshKvk();
    crossBorder = await registerProvider(planner, { name: 'Grenszorg', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0744')] });
    await registerProvider(await t.as('ZORGINSPECTIE', [Role.PLANNER]), { name: 'Grenszorg', kvkNumber, locations: [belgianLocation()] });

    ids.private = (await record(igj, actionInput(amsterdam, { notes: 'intern: directeur werkt niet mee', imposedOn: '2026-11-10' }))).id;
    ids.published = (await record(igj, actionInput(amsterdam, { type: 'AANWIJZING', deadline: '2027-01-31', notes: 'intern', imposedOn: '2026-11-20' }))).id;
    ids.crossBorder = (await record(igj, actionInput(crossBorder, { imposedOn: '2026-11-15' }))).id;
    const flagged = await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ possibleCriminalOffence: true, providers: [{ id: amsterdam }] }));
    ids.omRelated = (await record(igj, actionInput(amsterdam, { type: 'TUCHTKLACHT', relatedSignalIds: [flagged.signal.id], imposedOn: '2026-11-25' }))).id;
    ids.signal = flagged.signal.id;
  });
  afterAll(async () => t?.close());

  const listed = async (client: GraphQLClient, filter: Record<string, unknown> = {}) =>
    ((await client.ok(ACTIONS, { filter, first: 100 })).enforcementActions.edges as any[]).map((edge) => edge.node.id as string);

  it('the recording organisation sees everything, internal notes included', async () => {
    const { enforcementAction } = await igj.ok(ACTION, { id: ids.private });
    expect(enforcementAction).toMatchObject({ organisation: { code: 'IGJ' }, notes: 'intern: directeur werkt niet mee', published: false });
    expect(enforcementAction.history).toEqual([{ status: 'ACTIVE', note: null, changedBy: { code: 'IGJ' } }]);
  });

  it('partners whose domain covers the provider see it without the notes', async () => {
    for (const [organisation, roles] of [
      ['NZA', [Role.INSPECTOR]],
      ['IJENV', [Role.PLANNER]],
      ['GM0363', [Role.COORDINATOR]],
    ] as const) {
      const client = await t.as(organisation, [...roles]);
      const { enforcementAction } = await client.ok(ACTION, { id: ids.private });
      expect(enforcementAction, organisation).toMatchObject({ id: ids.private, notes: null, provider: { id: amsterdam, name: 'Verpleeghuis Amstel' } });
      expect(enforcementAction.provider.locations.length, organisation).toBeGreaterThan(0);
      // Newest imposition first; the municipality does not see the cross-border provider's measure (GM0744).
      const expected = organisation === 'GM0363' ? [ids.omRelated, ids.published, ids.private] : [ids.omRelated, ids.published, ids.crossBorder, ids.private];
      expect(await listed(client), organisation).toEqual(expected);
    }
  });

  it('a municipality sees its territory only; Zorginspectie only what is in Flanders: elsewhere as if it did not exist', async () => {
    const utrecht = await t.as('GM0344', [Role.ENFORCEMENT_OFFICER]);
    const hidden = await utrecht.fails(ACTION, { id: ids.private });
    const random = await utrecht.fails(ACTION, { id: NOWHERE });
    expect(hidden.code).toBe('NOT_FOUND');
    expect(hidden.message.replace(ids.private!, 'X')).toBe(random.message.replace(NOWHERE, 'X'));
    expect(await listed(utrecht)).toEqual([]);

    const zorginspectie = await t.as('ZORGINSPECTIE', [Role.INSPECTOR]);
    expect((await zorginspectie.fails(ACTION, { id: ids.private })).code).toBe('NOT_FOUND');
    expect(await listed(zorginspectie)).toEqual([ids.crossBorder]);
  });

  it('the OM sees only measures related to signals routed to it', async () => {
    const om = await t.as('OM', [Role.PROSECUTOR]);
    expect(await listed(om)).toEqual([ids.omRelated]);
    expect((await om.fails(ACTION, { id: ids.private })).code).toBe('NOT_FOUND');
    const { enforcementAction } = await om.ok(ACTION, { id: ids.omRelated });
    expect(enforcementAction).toMatchObject({ notes: null, relatedSignals: [{ id: ids.signal }] });
  });

  it('roles that read nothing of enforcement are refused', async () => {
    expect((await (await t.as('IGJ', [Role.AUDITOR])).fails(ACTIONS, {})).code).toBe('FORBIDDEN');
    expect((await (await t.as('NZA', [Role.INTEGRATION])).fails(ACTION, { id: ids.private })).code).toBe('FORBIDDEN');
  });

  it('filters by provider, organisation, type, status and period, newest imposition first, with cursors', async () => {
    expect(await listed(igj, { providerId: amsterdam })).toEqual([ids.omRelated, ids.published, ids.private]);
    expect(await listed(igj, { type: 'AANWIJZING' })).toEqual([ids.published]);
    expect(await listed(igj, { from: '2026-11-12', to: '2026-11-20' })).toEqual([ids.published, ids.crossBorder]);
    expect(await listed(igj, { organisationCode: 'NZA' })).toEqual([]);
    expect(await listed(igj, { status: 'ACTIVE', providerId: crossBorder })).toEqual([ids.crossBorder]);
    const first = await igj.ok(ACTIONS, { first: 2 });
    expect(first.enforcementActions).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    const second = await igj.ok(ACTIONS, { first: 2, after: first.enforcementActions.pageInfo.endCursor });
    expect(second.enforcementActions.edges.map((edge: any) => edge.node.id)).toEqual([ids.crossBorder, ids.private]);
    expect((await igj.fails(ACTIONS, { filter: { from: '2026-11-20', to: '2026-11-01' } })).field).toBe('filter.to');
  });

  describe('published measures are public', () => {
    it('without a token: published ones only, and none of the private fields', async () => {
      const { publicEnforcementActions } = await t.anonymous().ok(PUBLIC_ACTIONS, {});
      expect(publicEnforcementActions.totalCount).toBe(1);
      expect(publicEnforcementActions.edges[0].node).toEqual({
        id: ids.published,
        organisation: { code: 'IGJ' },
        provider: { id: amsterdam, name: 'Verpleeghuis Amstel', kvkNumber: expect.stringMatching(/^\d{8}$/), kboNumber: null, locations: [] },
        type: 'AANWIJZING',
        legalBasis: 'Wkkgz art. 27',
        imposedOn: '2026-11-20',
        validUntil: null,
        deadline: '2027-01-31',
        status: 'ACTIVE',
        published: true,
        publishedAt: '2026-12-01T09:00:00.000Z',
        notes: null,
        relatedSignals: [],
        relatedVisits: [],
        history: [],
      });
    });

    it('with a token it is the same list, in the same public view — also for the recording organisation', async () => {
      const anonymous = await t.anonymous().ok(PUBLIC_ACTIONS, {});
      for (const client of [igj, await t.as('GM0344', [Role.PLANNER]), await t.as('OM', [Role.PROSECUTOR])]) {
        expect(await client.ok(PUBLIC_ACTIONS, {})).toEqual(anonymous);
      }
    });

    it('a provider seen through a published measure shows its name and register number, nothing more, whatever is asked under it', async () => {
      const { publicEnforcementActions } = await t
        .anonymous()
        .ok(`{ publicEnforcementActions { edges { node { provider { agbCode sectors locations { id } enforcementActions { id } } } } } }`);
      expect(publicEnforcementActions.edges[0].node.provider).toEqual({ agbCode: null, sectors: [], locations: [], enforcementActions: [] });
    });

    it('is audited, an anonymous read as anonymous', async () => {
      await t.anonymous().ok(PUBLIC_ACTIONS, {});
      await t.app.auditCheckpoint.checkpoint();
      const rows = await t.sql(`select actor_sub, actor_organisation, resource_ids, owner_organisations from audit_event
        where operation = 'publicEnforcementActions' and actor_sub = '(anonymous)'`);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]).toMatchObject({ actor_organisation: '-', resource_ids: [ids.published], owner_organisations: ['IGJ'] });
    });

    it('an anonymous caller reads nothing else', async () => {
      expect((await t.anonymous().fails(ACTIONS, {})).code).toBe('UNAUTHENTICATED');
      expect((await t.anonymous().fails(ACTION, { id: ids.published })).code).toBe('UNAUTHENTICATED');
    });
  });

  describe('the enforcement picture of a provider', () => {
    it('supervisoryLoad counts measures in force, not those that ended before the period', async () => {
      const provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0363')] });
      const old = await record(igj, actionInput(provider, { type: 'AANWIJZING', imposedOn: '2026-06-01', deadline: '2026-12-31' }));
      const ended = await record(igj, actionInput(provider, { imposedOn: '2026-06-02' }));
      await igj.ok(`mutation($id: ID!) { updateEnforcementActionStatus(input: { enforcementActionId: $id, status: COMPLIED }) { enforcementAction { status } } }`, { id: ended.id });
      const query = `query($id: ID!) { supervisoryLoad(providerId: $id, days: 30) { enforcementCount byOrganisation { organisation { code } enforcementCount } } }`;
      expect((await igj.ok(query, { id: provider })).supervisoryLoad).toEqual({ enforcementCount: 1, byOrganisation: [{ organisation: { code: 'IGJ' }, enforcementCount: 1 }] });
      expect(old.status).toBe('ACTIVE');
    });

    it('Provider.enforcementActions lists what the caller may see, newest first', async () => {
      const query = `query($id: ID!) { provider(id: $id) { enforcementActions { id notes } } }`;
      expect((await igj.ok(query, { id: amsterdam })).provider.enforcementActions.map((action: any) => action.id)).toEqual([ids.omRelated, ids.published, ids.private]);
      const nza = await t.as('NZA', [Role.PLANNER]);
      const seen = (await nza.ok(query, { id: amsterdam })).provider.enforcementActions;
      expect(seen.map((action: any) => action.notes)).toEqual([null, null, null]);
      // A role that may read providers but not measures sees none.
      expect((await (await t.as('NZA', [Role.INTEGRATION])).ok(query, { id: amsterdam })).provider.enforcementActions).toEqual([]);
    });

    it('supervisoryLoad counts measures per organisation beside the visits', async () => {
      await plan(await t.as('NZA', [Role.PLANNER]), { providerIds: [amsterdam], start: new Date('2026-12-14T09:00:00Z') });
      const query = `query($id: ID!) { supervisoryLoad(providerId: $id, days: 60) { visitCount enforcementCount byOrganisation { organisation { code } visitCount enforcementCount } } }`;
      const { supervisoryLoad } = await (await t.as('GM0363', [Role.PLANNER])).ok(query, { id: amsterdam });
      expect(supervisoryLoad).toEqual({
        visitCount: 1,
        enforcementCount: 3,
        byOrganisation: [
          { organisation: { code: 'NZA' }, visitCount: 1, enforcementCount: 0 },
          { organisation: { code: 'IGJ' }, visitCount: 0, enforcementCount: 3 },
        ],
      });
      // A shorter period: from 20 November. The measure of 10 November is still in force, so it counts too.
      const short = `query($id: ID!) { supervisoryLoad(providerId: $id, days: 11) { enforcementCount } }`;
      expect((await (await t.as('GM0363', [Role.PLANNER])).ok(short, { id: amsterdam })).supervisoryLoad.enforcementCount).toBe(3);
      // Only what the caller may see counts: Utrecht sees none of it (and the provider not at all).
      expect((await (await t.as('GM0344', [Role.PLANNER])).fails(short, { id: amsterdam })).code).toBe('NOT_FOUND');
    });
  });
});
