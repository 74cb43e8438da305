import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../src/platform/database/sql.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, REGISTER_PROVIDER } from '../support/providers.js';
import { SUBMIT_SIGNAL, signalInput } from '../support/signals.js';
import { dayAt, plan, PLAN_VISIT, planInput } from '../support/visits.js';

/**
 * Every input list has a cap (stated in the schema), checking a list costs the same number of statements however
 * long it is, and every nested list shows a bounded number of items, by its `first` or a documented cap.
 */
describe('list limits', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let provider: string;
  const base = new Date('2027-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    igj = await t.as('IGJ', [Role.PLANNER, Role.INTAKE]);
    const { registerProvider } = await igj.ok(REGISTER_PROVIDER, {
      input: {
        name: 'Veel vestigingen',
        kvkNumber: freshKvk(),
        sectors: ['THUISZORG'],
        locations: Array.from({ length: 8 }, (_, index) => dutchLocation('GM0363', { name: `Vestiging ${index}`, postcode: `10${10 + index} AB` })),
      },
    });
    provider = registerProvider.provider.id;
  });
  afterAll(async () => t?.close());

  it('sharedWith is checked in one statement, however many organisations it names', async () => {
    const attempt = async (sharedWith: string[]) => {
      const tally = { count: 0 };
      const result = await countStatements(tally, () => igj.request(PLAN_VISIT, { input: planInput({ providerIds: [provider], start: dayAt(base, 1), sharedWith }) }));
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return tally.count;
    };
    // Municipalities elsewhere do not supervise this provider: every entry is refused, each by its own path.
    const one = await attempt(['GM0001']);
    const many = await attempt(Array.from({ length: 20 }, (_, index) => `GM${String(index + 1).padStart(4, '0')}`));
    expect(many).toBe(one);
    const result = await igj.request(PLAN_VISIT, {
      input: planInput({ providerIds: [provider], start: dayAt(base, 1), sharedWith: ['GM0363', 'GM0001'] }),
    });
    expect(result.errors?.[0]?.extensions?.problems ?? [result.errors?.[0]?.extensions]).toEqual([
      expect.objectContaining({ field: 'input.sharedWith[1]' }),
    ]);
  });

  it.each([
    ['sharedWith', () => planInput({ providerIds: [provider], start: dayAt(base, 1), sharedWith: Array.from({ length: 21 }, (_, i) => `GM${String(i + 1).padStart(4, '0')}`) }), 'input.sharedWith'],
    ['themes', () => planInput({ providerIds: [provider], start: dayAt(base, 1), themes: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 'input.themes'],
    ['providerIds', () => planInput({ providerIds: Array.from({ length: 21 }, () => provider), start: dayAt(base, 1) }), 'input.providerIds'],
  ])('a %s list over its cap is refused, naming the field', async (_name, input, field) => {
    const error = await igj.fails(PLAN_VISIT, { input: input() });
    expect(error.code).toBe('BAD_USER_INPUT');
    const fields = ((error.extensions?.problems as Array<{ field: string }>) ?? [{ field: error.field }]).map((problem) => problem.field);
    expect(fields).toContain(field);
  });

  it('a signal names at most 20 providers', async () => {
    const error = await igj.fails(SUBMIT_SIGNAL, { input: signalInput({ providers: Array.from({ length: 21 }, () => ({ kvkNumber: freshKvk() })) }) });
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.providers' });
  });

  it('every input list states its cap in the schema', async () => {
    const { data } = await igj.request<any>(`{ __schema { types { name kind inputFields { name description type { kind ofType { kind ofType { kind } } } } } } }`);
    const lists = data.__schema.types
      .filter((type: any) => type.kind === 'INPUT_OBJECT')
      .flatMap((type: any) =>
        type.inputFields
          .filter((field: any) => [field.type.kind, field.type.ofType?.kind].includes('LIST'))
          .map((field: any) => ({ field: `${type.name}.${field.name}`, description: field.description ?? '' })),
      );
    expect(lists.length).toBeGreaterThanOrEqual(8);
    for (const { field, description } of lists) expect(description, field).toMatch(/at most|\d+ to \d+|each at most once/);
  });

  it('every nested list of objects has a `first` argument or states its cap in the schema', async () => {
    const { data } = await igj.request<any>(
      `{ __schema { queryType { name } mutationType { name } types { name kind fields { name description args { name } type { kind ofType { kind ofType { kind ofType { kind name } name } name } name } } } } }`,
    );
    const roots = new Set([data.__schema.queryType.name, data.__schema.mutationType.name]);
    const named = (type: any): any => (type.ofType ? named(type.ofType) : type);
    const isList = (type: any): boolean => type.kind === 'LIST' || (type.ofType ? isList(type.ofType) : false);
    const kinds = new Map(data.__schema.types.map((type: any) => [type.name, type.kind]));
    const unstated = data.__schema.types
      .filter((type: any) => type.kind === 'OBJECT' && !type.name.startsWith('__') && !roots.has(type.name))
      .flatMap((type: any) =>
        type.fields
          .filter((field: any) => isList(field.type) && kinds.get(named(field.type).name) === 'OBJECT' && field.name !== 'edges')
          .filter((field: any) => !field.args.some((arg: any) => arg.name === 'first') && !/at most \d|newest \d/i.test(field.description ?? ''))
          .map((field: any) => `${type.name}.${field.name}`),
      );
    expect(unstated).toEqual([]);
  });

  it('nested lists show at most `first` items, and refuse a `first` beyond their cap', async () => {
    const locations = async (first?: number) =>
      (await igj.ok(`query($id: ID!, $first: Int) { provider(id: $id) { locations(first: $first) { id } } }`, { id: provider, first })).provider.locations;
    expect(await locations(3)).toHaveLength(3);
    expect(await locations()).toHaveLength(8);
    const tooMany = await igj.fails(`query($id: ID!) { provider(id: $id) { locations(first: 501) { id } } }`, { id: provider });
    expect(tooMany).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });

    const visits: string[] = [];
    for (let day = 0; day < 5; day++) visits.push((await plan(igj, { providerIds: [provider], start: dayAt(base, day * 2) })).visit.id);
    const conflicts = async (first: number) =>
      (await igj.ok(`query($id: ID!, $first: Int) { visit(id: $id) { conflicts(first: $first) { visit { id } } } }`, { id: visits[0], first })).visit.conflicts;
    expect(await conflicts(2)).toHaveLength(2);
    expect(await conflicts(10)).toHaveLength(4);
    // Batched: a page of visits, each asking for its first conflict, costs one statement for the conflicts.
    const tally = { count: 0 };
    const page = await countStatements(tally, () => igj.ok(`{ visits(first: 5) { edges { node { conflicts(first: 1) { gapDays } } } } }`));
    expect(page.visits.edges.map((edge: any) => edge.node.conflicts.length)).toEqual([1, 1, 1, 1, 1]);
    expect(tally.count).toBe(3); // the page, the conflicts, the audit insert
  });
});
