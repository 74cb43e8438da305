import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, REGISTER_PROVIDER } from '../support/providers.js';

const PROVIDER_AS_SEEN = `query Provider($id: ID!) {
  provider(id: $id) { id name kvkNumber kboNumber agbCode sectors locations { id name vestigingsnummer street postcode city municipalityCode country } }
}`;
const AUDIT = `query { auditEvents(first: 100) { edges { node { actorOrganisationCode operation resourceIds ownerOrganisationCodes details } } } }`;

/**
 * Registration finds an existing provider by its KvK number whoever asks: adding one location in one's own reach
 * to a provider one could not see widens one's reach to that provider, its visits and its future signals. That
 * may happen, but never quietly, and never telling more than the caller may see afterwards.
 */
describe('adding a location to a provider one could not see', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let utrecht: GraphQLClient;
  let amsterdam: GraphQLClient;

  beforeAll(async () => {
    t = await startTestApp();
    igj = await t.as('IGJ', [Role.PLANNER]);
    utrecht = await t.as('GM0344', [Role.PLANNER]);
    amsterdam = await t.as('GM0363', [Role.PLANNER], 'planner@amsterdam');
  });
  afterAll(async () => t?.close());

  /** A provider IGJ registered in Utrecht, with a location Utrecht added: invisible to Amsterdam. */
  async function utrechtProvider(overrides: Record<string, unknown> = {}) {
    const kvkNumber = freshKvk();
    const input = { name: 'Zorg Utrecht', kvkNumber, agbCode: '11112222', sectors: ['THUISZORG'], locations: [dutchLocation('GM0344')], ...overrides };
    const { registerProvider } = await igj.ok(REGISTER_PROVIDER, { input });
    await utrecht.ok(REGISTER_PROVIDER, { input: { ...input, locations: [dutchLocation('GM0344', { name: 'Tweede vestiging' })] } });
    return { id: registerProvider.provider.id as string, kvkNumber };
  }

  it('is audited with the earlier registering organisations as owners, whose auditors see it', async () => {
    const { id, kvkNumber } = await utrechtProvider();
    expect((await amsterdam.fails(PROVIDER_AS_SEEN, { id })).code).toBe('NOT_FOUND');
    await amsterdam.ok(REGISTER_PROVIDER, { input: { name: 'Wat dan ook', kvkNumber, sectors: ['WMO'], locations: [dutchLocation('GM0363')] } });

    for (const organisation of ['IGJ', 'GM0344']) {
      const { auditEvents } = await (await t.as(organisation, [Role.AUDITOR])).ok(AUDIT);
      const event = auditEvents.edges.map((edge: any) => edge.node).find((node: any) => node.actorOrganisationCode === 'GM0363');
      expect(event, organisation).toEqual({
        actorOrganisationCode: 'GM0363',
        operation: 'registerProvider',
        resourceIds: [id],
        ownerOrganisationCodes: [organisation],
        details: null,
      });
    }
    const [stored] = await t.sql<{ owner_organisations: string[]; details: Record<string, unknown> }>(
      `select owner_organisations, details from audit_event where actor_sub = 'planner@amsterdam' and operation = 'registerProvider'`,
    );
    expect(stored!.owner_organisations).toEqual(['GM0344', 'GM0363', 'IGJ']);
    expect(stored!.details).toMatchObject({ created: false, reachWidened: true });
    // …and announced to them: a PROVIDER_LOCATION_ADDED event each, not to the one that added the location.
    const announced = await t.sql<{ organisation: string }>(`select organisation from event where type = 'PROVIDER_LOCATION_ADDED' and resource_id = $1 order by 1`, [id]);
    // IGJ twice (when Utrecht added its location, and now), GM0344 once (now), Amsterdam itself never.
    expect(announced.map((row) => row.organisation)).toEqual(['GM0344', 'IGJ', 'IGJ']);
  });

  it('answers with exactly what provider(id) shows the caller afterwards', async () => {
    const { id, kvkNumber } = await utrechtProvider();
    const { registerProvider } = await amsterdam.ok(REGISTER_PROVIDER, {
      input: { name: 'Andere naam', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] },
    });
    const { provider } = await amsterdam.ok(PROVIDER_AS_SEEN, { id });
    const { locations: answered, ...answeredRest } = registerProvider.provider;
    const { locations: seen, ...seenRest } = provider;
    expect(answeredRest).toEqual(seenRest);
    expect(new Set(answered.map((location: any) => location.id))).toEqual(new Set(seen.map((location: any) => location.id)));
    expect(registerProvider.provider.name).toBe('Zorg Utrecht'); // the register's name, not the caller's
  });

  it("a different AGB code does not reveal the one on record to a caller who could not see it", async () => {
    const { kvkNumber } = await utrechtProvider();
    const result = await amsterdam.request(REGISTER_PROVIDER, {
      input: { name: 'X', kvkNumber, agbCode: '99998888', sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] },
    });
    expect(result.errors).toBeUndefined(); // before: "registered with another AGB code (11112222)"
    // Now it can see the provider, and with it the code on record, which was kept.
    expect((result.data as any).registerProvider.provider.agbCode).toBe('11112222');
    // A caller that could see it already is told, as before.
    const again = await utrecht.fails(REGISTER_PROVIDER, {
      input: { name: 'X', kvkNumber, agbCode: '99998888', sectors: ['THUISZORG'], locations: [dutchLocation('GM0344')] },
    });
    expect(again).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agbCode' });
  });

  it('a vestigingsnummer in use is refused in the same words, whether or not the caller can see who holds it', async () => {
    const invisibleHolder = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Houder', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0344', { vestigingsnummer: '000011112222' })] },
    });
    expect(invisibleHolder.registerProvider.provider.id).toBeDefined();
    await amsterdam.ok(REGISTER_PROVIDER, {
      input: { name: 'Eigen houder', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363', { vestigingsnummer: '000033334444' })] },
    });
    const attempt = (vestigingsnummer: string) =>
      amsterdam.fails(REGISTER_PROVIDER, {
        input: { name: 'Nieuw', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363', { vestigingsnummer })] },
      });
    const hidden = await attempt('000011112222');
    const visible = await attempt('000033334444');
    expect(hidden.message.replace('000011112222', 'N')).toBe(visible.message.replace('000033334444', 'N'));
    expect(hidden).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.locations[0].vestigingsnummer' });
    expect(hidden.message).not.toMatch(/provider/i);
  });

  it("a number the invisible provider itself holds is refused like any other: the answer does not tell whose it is", async () => {
    const holder = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Houder Utrecht', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0344', { vestigingsnummer: '000055556666' })] },
    });
    const other = await igj.ok(REGISTER_PROVIDER, {
      input: { name: 'Ander', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0344', { vestigingsnummer: '000077778888' })] },
    });
    const join = (kvkNumber: string, vestigingsnummer: string) =>
      amsterdam.fails(REGISTER_PROVIDER, {
        input: { name: 'Houder Utrecht', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363', { vestigingsnummer })] },
      });
    const holdersKvk = holder.registerProvider.provider.kvkNumber as string;
    const ownNumber = await join(holdersKvk, '000055556666');
    const elsewhere = await join(holdersKvk, '000077778888');
    expect(other.registerProvider.provider.id).toBeDefined();
    expect({ code: ownNumber.code, field: ownNumber.field, message: ownNumber.message.replace('000055556666', 'N') }).toEqual({
      code: elsewhere.code,
      field: elsewhere.field,
      message: elsewhere.message.replace('000077778888', 'N'),
    });
    expect(ownNumber.field).toBe('input.locations[0].vestigingsnummer');
  });
});
