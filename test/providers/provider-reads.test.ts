import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, PROVIDER, PROVIDERS, registerProvider } from '../support/providers.js';

describe('provider visibility: a municipality sees only its own territory', () => {
  let t: TestApp;
  let utrechtOnly: string;
  let amsterdamProvider: string;
  let amsterdam: GraphQLClient;

  beforeAll(async () => {
    t = await startTestApp();
    const igj = await t.as('IGJ', [Role.PLANNER]);
    utrechtOnly = await registerProvider(igj, { name: 'Alleen Utrecht', kvkNumber: freshKvk(), locations: [dutchLocation('GM0344')] });
    amsterdamProvider = await registerProvider(igj, { name: 'Ook Amsterdam', kvkNumber: freshKvk(), locations: [dutchLocation('GM0344'), dutchLocation('GM0363')] });
    amsterdam = await t.as('GM0363', [Role.PLANNER]);
  });
  afterAll(async () => t?.close());

  it('GM0363 cannot read a provider located only in GM0344, and cannot tell it exists', async () => {
    const hidden = await amsterdam.fails(PROVIDER, { id: utrechtOnly });
    const missing = await amsterdam.fails(PROVIDER, { id: randomUUID() });
    const garbage = await amsterdam.fails(PROVIDER, { id: 'not-an-id' });
    for (const error of [hidden, missing, garbage]) {
      expect(error.code).toBe('NOT_FOUND');
      expect(error.result.data).toEqual({ provider: null });
    }
    const shape = (error: typeof hidden, id: string) => ({ ...error, message: error.message.replace(id, '<id>'), extensions: { ...error.extensions, id: '<id>' }, result: undefined });
    expect(shape(hidden, utrechtOnly)).toEqual(shape(missing, missing.extensions?.id as string));
  });

  it('GM0363 reads a provider with a location in its territory, all locations included', async () => {
    const data = await amsterdam.ok(PROVIDER, { id: amsterdamProvider });
    expect(data.provider.locations.map((location: any) => location.municipalityCode).sort()).toEqual(['GM0344', 'GM0363']);
  });

  it('GM0363 does not find it in lists, by name or by filter', async () => {
    const all = await amsterdam.ok(PROVIDERS, {});
    const ids = all.providers.edges.map((edge: any) => edge.node.id);
    expect(ids).toContain(amsterdamProvider);
    expect(ids).not.toContain(utrechtOnly);
    expect(all.providers.totalCount).toBe(ids.length);
    expect((await amsterdam.ok(PROVIDERS, { filter: { name: 'Alleen Utrecht' } })).providers.totalCount).toBe(0);
    const filtered = await amsterdam.ok(PROVIDERS, { filter: { municipalityCode: 'GM0344' } });
    expect(filtered.providers.edges.map((edge: any) => edge.node.id)).toEqual([amsterdamProvider]);
  });

  it('GM0344 and IGJ see both', async () => {
    for (const client of [await t.as('GM0344', [Role.INSPECTOR]), await t.as('IGJ', [Role.INSPECTOR])]) {
      await client.ok(PROVIDER, { id: utrechtOnly });
      const ids = (await client.ok(PROVIDERS, {})).providers.edges.map((edge: any) => edge.node.id);
      expect(ids).toEqual(expect.arrayContaining([utrechtOnly, amsterdamProvider]));
    }
  });
});

describe('providers list', () => {
  let t: TestApp;
  let igj: GraphQLClient;

  beforeAll(async () => {
    t = await startTestApp();
    igj = await t.as('IGJ', [Role.PLANNER]);
    const names = ['Apotheek Noord', 'Beweegzorg 50% Korting', 'Centrum voor GGZ', 'Dagbesteding Oost', 'Eerstelijn West'];
    for (const [index, name] of names.entries()) {
      await registerProvider(igj, { name, kvkNumber: freshKvk(), sectors: [index % 2 ? 'GGZ' : 'WMO'], locations: [dutchLocation('GM0518')] });
    }
  });
  afterAll(async () => t?.close());

  it('pages through all providers in name order without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { providers } = await igj.ok(PROVIDERS, { first: 2, after });
      seen.push(...providers.edges.map((edge: any) => edge.node.name));
      if (!providers.pageInfo.hasNextPage) break;
      after = providers.pageInfo.endCursor;
    }
    expect(seen).toEqual(['Apotheek Noord', 'Beweegzorg 50% Korting', 'Centrum voor GGZ', 'Dagbesteding Oost', 'Eerstelijn West']);
  });

  it('filters by name (case-insensitive, wildcards taken literally) and sector', async () => {
    expect((await igj.ok(PROVIDERS, { filter: { name: 'OOST' } })).providers.edges.map((e: any) => e.node.name)).toEqual(['Dagbesteding Oost']);
    expect((await igj.ok(PROVIDERS, { filter: { name: '50%' } })).providers.totalCount).toBe(1);
    expect((await igj.ok(PROVIDERS, { filter: { name: '%' } })).providers.totalCount).toBe(1);
    expect((await igj.ok(PROVIDERS, { filter: { sector: 'GGZ' } })).providers.totalCount).toBe(2);
  });

  it('rejects a bad page size or cursor as BAD_USER_INPUT', async () => {
    expect(await igj.fails(PROVIDERS, { first: 0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await igj.fails(PROVIDERS, { first: 101 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await igj.fails(PROVIDERS, { after: 'bm9wZQ' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const forged = Buffer.from(JSON.stringify(['a', "x' or 1=1"])).toString('base64url');
    expect(await igj.fails(PROVIDERS, { after: forged })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await igj.fails(PROVIDERS, { filter: { municipalityCode: 'Amsterdam' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.municipalityCode' });
  });
});
