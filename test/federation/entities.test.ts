import { readFileSync } from 'node:fs';
import { Kind, parse, type ObjectTypeDefinitionNode, type StringValueNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../src/platform/database/sql.js';
import { actionInput, record } from '../support/enforcement.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { signalInput, submit } from '../support/signals.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { plan } from '../support/visits.js';

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  __typename
  ... on Organisation { code name }
  ... on Provider { id name }
  ... on Visit { id window { precision } themes }
  ... on Signal { id summary }
  ... on EnforcementAction { id type notes }
} }`;

/** The keys partners compose against. Changing one breaks every partner's graph: this test makes that deliberate. */
const EXPECTED_KEYS = { EnforcementAction: 'id', Organisation: 'code', Provider: 'id', Signal: 'id', Visit: 'id' };

describe('the subgraph', () => {
  it('schema/subgraph.graphql links Federation 2 and declares exactly the agreed entity keys, each a field of its type', () => {
    const sdl = readFileSync('schema/subgraph.graphql', 'utf8');
    expect(sdl).toMatch(/extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+", import: \["@key", "@shareable"\]\)/);
    const types = parse(sdl).definitions.filter((definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION);
    const keys: Record<string, string> = {};
    for (const type of types) {
      for (const directive of type.directives ?? []) {
        if (directive.name.value !== 'key') continue;
        const fields = (directive.arguments?.find((arg) => arg.name.value === 'fields')?.value as StringValueNode).value;
        keys[type.name.value] = fields;
        expect(type.fields?.map((field) => field.name.value), `${type.name.value} has its key field`).toContain(fields);
      }
    }
    expect(keys).toEqual(EXPECTED_KEYS);
  });

  it('shares only public reference data: nothing that carries access-restricted fields is @shareable', () => {
    const sdl = readFileSync('schema/subgraph.graphql', 'utf8');
    const shareable = parse(sdl)
      .definitions.filter((definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION)
      .flatMap((type) => [
        ...(type.directives?.some((directive) => directive.name.value === 'shareable') ? [type.name.value] : []),
        ...(type.fields ?? []).filter((field) => field.directives?.some((directive) => directive.name.value === 'shareable')).map((field) => `${type.name.value}.${field.name.value}`),
      ]);
    expect(shareable.sort()).toEqual(['Organisation.kind', 'Organisation.name', 'Organisation.oin', 'PageInfo']);
  });
});

describe('_entities', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  const ids: Record<string, string> = {};
  const many: Array<{ __typename: string; [key: string]: string }> = [];

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-12-01T09:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.INTAKE, Role.ENFORCEMENT_OFFICER]);
    ids.amsterdam = await registerProvider(igj, { name: 'Amstelzorg', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    ids.utrecht = await registerProvider(igj, { name: 'Domzorg', kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0344')] });
    ids.unannounced = (await plan(igj, { providerIds: [ids.amsterdam], start: new Date('2026-12-16T09:00:00Z'), announced: false, themes: ['medicatie'] })).visit.id;
    ids.signal = (await submit(igj, signalInput({ providers: [{ id: ids.amsterdam }], summary: 'Melding over Amstelzorg' }))).signal.id;
    ids.privateAction = (await record(igj, actionInput(ids.amsterdam, { notes: 'intern' }))).id;
    ids.publishedAction = (await record(igj, actionInput(ids.amsterdam, { type: 'VERSCHERPT_TOEZICHT', notes: 'intern' }))).id;
    const providers: string[] = [];
    for (let index = 0; index < 20; index++) {
      providers.push(await registerProvider(igj, { name: `Zorg ${index}`, kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] }));
    }
    const visits = await Promise.all(providers.slice(0, 20).map((provider, index) => plan(igj, { providerIds: [provider], start: new Date(Date.UTC(2027, 0, 4 + index, 9)) })));
    const signals = await Promise.all(providers.slice(0, 20).map((provider) => submit(igj, signalInput({ providers: [{ id: provider }] }))));
    const actions = await Promise.all(providers.slice(0, 20).map((provider) => record(igj, actionInput(provider))));
    providers.forEach((id) => many.push({ __typename: 'Provider', id }));
    visits.forEach(({ visit }) => many.push({ __typename: 'Visit', id: visit.id }));
    signals.forEach(({ signal }) => many.push({ __typename: 'Signal', id: signal.id }));
    actions.forEach(({ id }) => many.push({ __typename: 'EnforcementAction', id }));
    ['IGJ', 'NZA', 'OM', 'GM0363', 'ZORGINSPECTIE'].forEach((code) => many.push({ __typename: 'Organisation', code }));
    while (many.length < 100) many.push({ __typename: 'Organisation', code: `GM0${String(100 + many.length)}` });
  });
  afterAll(async () => t?.close());

  it('resolves 100 representations of mixed types in order, with a bounded number of statements whatever their number', async () => {
    const statements = async (representations: typeof many) => {
      const tally = { count: 0 };
      const { _entities } = await countStatements(tally, () => igj.ok(ENTITIES, { representations }));
      expect(_entities.map((entity: any) => entity?.id ?? entity?.code)).toEqual(representations.map((representation) => representation.id ?? representation.code));
      return tally.count;
    };
    const few = await statements([many[0]!, many[20]!, many[40]!, many[60]!, many[99]!]);
    const before = Number((await t.sql('select coalesce(max(id), 0) as max from audit_event'))[0]!.max);
    const all = await statements(many);
    expect(all).toBe(few);
    // …and every read is audited: per type, the ids shown with their owners.
    const audited = await t.sql<{ resource_type: string; outcome: string; count: number }>(
      `select resource_type, outcome, cardinality(resource_ids) as count from audit_event where id > $1 and operation = '_entities' order by resource_type`,
      [before],
    );
    expect(audited).toEqual([
      { resource_type: 'EnforcementAction', outcome: 'SUCCESS', count: 20 },
      { resource_type: 'Organisation', outcome: 'SUCCESS', count: 20 },
      { resource_type: 'Provider', outcome: 'SUCCESS', count: 20 },
      { resource_type: 'Signal', outcome: 'SUCCESS', count: 20 },
      { resource_type: 'Visit', outcome: 'SUCCESS', count: 20 },
    ]);
    // One read per entity type — providers, visits, municipalities, and signals and measures each in a short
    // transaction that names the caller for row security (begin, name, read, commit) — the signals' owners for the
    // audit (likewise), and the audit itself: 16, never one per representation.
    expect(all).toBe(16);
  });

  it('applies the same views: an unannounced visit shows its week and no themes to others, its details to the lead', async () => {
    const representations = [{ __typename: 'Visit', id: ids.unannounced }];
    const nza = await t.as('NZA', [Role.PLANNER]);
    expect((await nza.ok(ENTITIES, { representations }))._entities).toEqual([{ __typename: 'Visit', id: ids.unannounced, window: { precision: 'WEEK' }, themes: [] }]);
    expect((await igj.ok(ENTITIES, { representations }))._entities).toEqual([{ __typename: 'Visit', id: ids.unannounced, window: { precision: 'EXACT' }, themes: ['medicatie'] }]);
  });

  it('what the caller may not see resolves to null, exactly like what does not exist, and each attempt is audited', async () => {
    const utrecht = await t.as('GM0344', [Role.PLANNER, Role.INTAKE]);
    const nowhere = '00000000-0000-7000-8000-0000000000aa';
    const representations = [
      { __typename: 'Provider', id: ids.amsterdam },
      { __typename: 'Provider', id: nowhere },
      { __typename: 'Provider', id: ids.utrecht },
      { __typename: 'Signal', id: ids.signal },
      { __typename: 'Visit', id: ids.unannounced },
      { __typename: 'EnforcementAction', id: ids.privateAction },
    ];
    const { _entities } = await utrecht.ok(ENTITIES, { representations });
    expect(_entities).toEqual([null, null, { __typename: 'Provider', id: ids.utrecht, name: 'Domzorg' }, null, null, null]);
    await t.app.auditCheckpoint.checkpoint();
    const audit = await t.sql<{ resource_type: string; outcome: string; resource_ids: string[] }>(
      `select resource_type, outcome, resource_ids from audit_event where operation = '_entities' and actor_organisation = 'GM0344' order by id`,
    );
    const byOutcome = (outcome: string) => Object.fromEntries(audit.filter((row) => row.outcome === outcome).map((row) => [row.resource_type, [...row.resource_ids].sort()]));
    expect(byOutcome('SUCCESS')).toEqual({ Provider: [ids.utrecht] });
    expect(byOutcome('NOT_FOUND')).toEqual({
      Provider: [ids.amsterdam, nowhere].sort(),
      Signal: [ids.signal],
      Visit: [ids.unannounced],
      EnforcementAction: [ids.privateAction],
    });
  });

  it('without a token: published measures (in the public view) and organisations only', async () => {
    const representations = [
      { __typename: 'EnforcementAction', id: ids.publishedAction },
      { __typename: 'EnforcementAction', id: ids.privateAction },
      { __typename: 'Provider', id: ids.amsterdam },
      { __typename: 'Organisation', code: 'OM' },
    ];
    const { _entities } = await t.anonymous().ok(ENTITIES, { representations });
    expect(_entities).toEqual([
      { __typename: 'EnforcementAction', id: ids.publishedAction, type: 'VERSCHERPT_TOEZICHT', notes: null },
      null,
      null,
      { __typename: 'Organisation', code: 'OM', name: 'Openbaar Ministerie' },
    ]);
  });

  it('the same bounded statements for a caller who sees less (a municipality)', async () => {
    const gm = await t.as('GM0363', [Role.PLANNER, Role.INTAKE, Role.ENFORCEMENT_OFFICER]);
    const count = async (representations: typeof many) => {
      const tally = { count: 0 };
      await countStatements(tally, () => gm.ok(ENTITIES, { representations }));
      return tally.count;
    };
    expect(await count(many)).toBe(await count([many[0]!, many[20]!, many[40]!, many[60]!, many[99]!]));
  });

  it('audits an entity once by its own id, however it was asked for; malformed keys only as a count', async () => {
    const before = Number((await t.sql('select coalesce(max(id), 0) as max from audit_event'))[0]!.max);
    const representations = [
      { __typename: 'Provider', id: ids.amsterdam },
      { __typename: 'Provider', id: ids.amsterdam!.toUpperCase() },
      { __typename: 'Provider', id: 'x'.repeat(60) },
      { __typename: 'Provider', id: ids.amsterdam },
    ];
    const { _entities } = await igj.ok(ENTITIES, { representations });
    expect(_entities.map((entity: any) => entity?.id ?? null)).toEqual([ids.amsterdam, ids.amsterdam, null, ids.amsterdam]);
    const rows = await t.sql<{ outcome: string; resource_ids: string[]; details: any }>(
      `select outcome, resource_ids, details from audit_event where id > $1 and operation = '_entities' order by id`,
      [before],
    );
    expect(rows).toEqual([
      { outcome: 'SUCCESS', resource_ids: [ids.amsterdam], details: null },
      { outcome: 'NOT_FOUND', resource_ids: [], details: { malformedKeys: 1 } },
    ]);
  });

  it('a __typename that names a property of every object is no entity: BAD_USER_INPUT, never an internal error', async () => {
    for (const client of [igj, t.anonymous()]) {
      for (const typename of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
        const error = await client.fails(ENTITIES, { representations: [{ __typename: typename, id: 'x', undefined: 'x' }] });
        expect(error.code, typename).toBe('BAD_USER_INPUT');
        expect(error.field, typename).toBe('representations[0]');
      }
    }
  });

  it('sends no Apollo trace data to anyone who asks for it (inline tracing is off)', async () => {
    const response = await t.app.http.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1', authorization: `Bearer ${igj.token}` },
      payload: JSON.stringify({ query: ENTITIES, variables: { representations: [{ __typename: 'Provider', id: ids.amsterdam }] } }),
    });
    expect(response.json().extensions?.ftv1).toBeUndefined();
  });

  it('refuses representations that name no entity of ours, or lack their key, naming each', async () => {
    const error = await igj.fails(ENTITIES, { representations: [{ __typename: 'Case', id: 'x' }, { __typename: 'Provider' }, 'text'] });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect((error.extensions?.problems as Array<{ field: string }>).map((problem) => problem.field)).toEqual([
      'representations[0]',
      'representations[1].id',
      'representations[2]',
    ]);
  });

  it('_service answers the committed subgraph SDL, to anyone', async () => {
    const { _service } = await t.anonymous().ok('{ _service { sdl } }');
    expect(`# Generated by \`npm run schema:emit\` from the resolvers in src/. Do not edit by hand.\n\n${_service.sdl}`).toBe(readFileSync('schema/subgraph.graphql', 'utf8'));
  });
});
