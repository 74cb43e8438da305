import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { belgianLocation, dutchLocation, freshKvk, REGISTER_PROVIDER, registerProvider } from '../support/providers.js';

describe('registerProvider', () => {
  let t: TestApp;
  let igj: GraphQLClient;

  beforeAll(async () => {
    t = await startTestApp();
    igj = await t.as('IGJ', [Role.PLANNER]);
  });
  afterAll(async () => t?.close());

  it('registers a Dutch provider and normalises what it stores', async () => {
    const kvkNumber = freshKvk();
    const data = await igj.ok(REGISTER_PROVIDER, {
      input: {
        name: '  Zorggroep Test  ',
        kvkNumber,
        agbCode: '12345678',
        sectors: ['VERPLEEGHUIS', 'THUISZORG'],
        locations: [dutchLocation('GM0363', { postcode: '1012ab', vestigingsnummer: '000012345678' })],
      },
    });
    expect(data.registerProvider.created).toBe(true);
    const provider = data.registerProvider.provider;
    expect(provider).toMatchObject({ name: 'Zorggroep Test', kvkNumber, kboNumber: null, agbCode: '12345678', sectors: ['VERPLEEGHUIS', 'THUISZORG'] });
    expect(provider.locations).toEqual([
      expect.objectContaining({ postcode: '1012 AB', municipalityCode: 'GM0363', country: 'NL', vestigingsnummer: '000012345678' }),
    ]);
  });

  it('registers a Flemish provider by KBO number', async () => {
    const data = await (await t.as('ZORGINSPECTIE', [Role.PLANNER])).ok(REGISTER_PROVIDER, {
      input: { name: 'WZC De Linde', kboNumber: '0876543270', sectors: ['VERPLEEGHUIS'], locations: [belgianLocation()] },
    });
    expect(data.registerProvider.provider).toMatchObject({ kboNumber: '0876543270', kvkNumber: null });
    expect(data.registerProvider.provider.locations[0]).toMatchObject({ country: 'BE', municipalityCode: null });
  });

  describe('is idempotent on the KvK number', () => {
    it('returns the existing provider, adds only new locations and sectors', async () => {
      const kvkNumber = freshKvk();
      const first = dutchLocation('GM0363', { vestigingsnummer: '000099990001' });
      const id = await registerProvider(igj, { kvkNumber, sectors: ['THUISZORG'], locations: [first] });

      const again = await igj.ok(REGISTER_PROVIDER, {
        input: { name: 'Another name', kvkNumber, sectors: ['THUISZORG', 'WMO'], locations: [first, dutchLocation('GM0344')] },
      });
      expect(again.registerProvider.created).toBe(false);
      expect(again.registerProvider.provider.id).toBe(id);
      expect(again.registerProvider.provider.name).toBe('Zorgaanbieder');
      expect(again.registerProvider.addedLocations).toHaveLength(1);
      expect(again.registerProvider.provider.locations).toHaveLength(2);
      expect(again.registerProvider.provider.sectors).toEqual(['THUISZORG', 'WMO']);

      const third = await igj.ok(REGISTER_PROVIDER, { input: { name: 'x', kvkNumber, sectors: ['WMO'], locations: [] } });
      expect(third.registerProvider).toMatchObject({ created: false, addedLocations: [] });
      expect(third.registerProvider.provider.locations).toHaveLength(2);
      const [{ count }] = await t.sql('select count(*)::int as count from provider where kvk_number = $1', [kvkNumber]);
      expect(count).toBe(1);
    });

    it('keeps one provider when the same registration arrives many times at once', async () => {
      const kvkNumber = freshKvk();
      const location = dutchLocation('GM0599');
      const results = await Promise.all(
        Array.from({ length: 12 }, () => igj.request(REGISTER_PROVIDER, { input: { name: 'Gelijktijdig', kvkNumber, sectors: ['GGZ'], locations: [location] } })),
      );
      expect(results.every((result) => !result.errors)).toBe(true);
      const ids = new Set(results.map((result) => (result.data as any).registerProvider.provider.id));
      expect(ids.size).toBe(1);
      expect(results.filter((result) => (result.data as any).registerProvider.created)).toHaveLength(1);
      const [{ providers, locations }] = await t.sql(
        `select count(distinct p.id)::int as providers, count(l.id)::int as locations
         from provider p join location l on l.provider_id = p.id where p.kvk_number = $1`,
        [kvkNumber],
      );
      expect({ providers, locations }).toEqual({ providers: 1, locations: 1 });
    });

    it('two providers claiming one vestigingsnummer at the same moment: one wins, the other hears why, never a 500', async () => {
      const vestigingsnummer = '0000' + freshKvk();
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          igj.request(REGISTER_PROVIDER, {
            input: { name: 'Twist', kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0363', { vestigingsnummer })] },
          }),
        ),
      );
      const codes = results.map((result) => result.errors?.[0]?.extensions?.code ?? 'OK');
      expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
      for (const code of codes) expect(['OK', 'BAD_USER_INPUT', 'CONFLICT']).toContain(code);
    });

    it('refuses a different AGB code for a known provider', async () => {
      const kvkNumber = freshKvk();
      await registerProvider(igj, { kvkNumber, agbCode: '11111111', locations: [dutchLocation('GM0363')] });
      const error = await igj.fails(REGISTER_PROVIDER, { input: { name: 'x', kvkNumber, agbCode: '22222222', sectors: ['GGZ'], locations: [] } });
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agbCode' });
    });
  });

  describe('rejects bad input with BAD_USER_INPUT naming the field, and writes nothing', () => {
    const valid = () => ({ name: 'Goed', kvkNumber: freshKvk(), sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    const cases: Array<[string, (input: ReturnType<typeof valid>) => Record<string, unknown>, string]> = [
      ['KvK number of 7 digits', (input) => ({ ...input, kvkNumber: '1234567' }), 'input.kvkNumber'],
      ['KvK number with letters', (input) => ({ ...input, kvkNumber: '1234567A' }), 'input.kvkNumber'],
      ['both KvK and KBO', (input) => ({ ...input, kboNumber: '0412345614' }), 'input.kvkNumber'],
      ['neither KvK nor KBO', (input) => ({ ...input, kvkNumber: null }), 'input.kvkNumber'],
      ['KBO failing mod 97', (input) => ({ ...input, kvkNumber: null, kboNumber: '0412345615' }), 'input.kboNumber'],
      ['AGB code of 9 digits', (input) => ({ ...input, agbCode: '123456789' }), 'input.agbCode'],
      ['empty name', (input) => ({ ...input, name: '   ' }), 'input.name'],
      ['oversized name', (input) => ({ ...input, name: 'x'.repeat(201) }), 'input.name'],
      ['no sectors', (input) => ({ ...input, sectors: [] }), 'input.sectors'],
      ['duplicate sectors', (input) => ({ ...input, sectors: ['WMO', 'WMO'] }), 'input.sectors'],
      ['a new provider without locations', (input) => ({ ...input, locations: [] }), 'input.locations'],
      ['bad gemeentecode', (input) => ({ ...input, locations: [dutchLocation('GM363')] }), 'input.locations[0].municipalityCode'],
      ['Dutch location without gemeentecode', (input) => ({ ...input, locations: [dutchLocation('GM0363', { municipalityCode: null })] }), 'input.locations[0].municipalityCode'],
      ['bad Dutch postcode', (input) => ({ ...input, locations: [dutchLocation('GM0363', { postcode: '123 AB' })] }), 'input.locations[0].postcode'],
      ['bad vestigingsnummer', (input) => ({ ...input, locations: [dutchLocation('GM0363', { vestigingsnummer: '12345' })] }), 'input.locations[0].vestigingsnummer'],
      ['Belgian location with a gemeentecode', (input) => ({ ...input, locations: [dutchLocation('GM0363'), belgianLocation({ municipalityCode: 'GM0363' })] }), 'input.locations[1].municipalityCode'],
      ['the same location twice', (input) => ({ ...input, locations: [input.locations[0], input.locations[0]] }), 'input.locations'],
      ['unknown sector', (input) => ({ ...input, sectors: ['KAPPER'] }), 'input.sectors'],
      ['unknown country', (input) => ({ ...input, locations: [dutchLocation('GM0363', { country: 'DE' })] }), 'input.locations'],
    ];

    it.each(cases)('%s', async (_name, breakIt, field) => {
      const input = breakIt(valid());
      const result = await igj.request(REGISTER_PROVIDER, { input });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(String(result.errors?.[0]?.extensions?.field)).toContain(field);
      expect(result.data ?? null).toBeNull();
      if (typeof input.kvkNumber === 'string') {
        expect(await t.sql('select 1 from provider where kvk_number = $1', [input.kvkNumber])).toHaveLength(0);
      }
    });

    it('reports every problem at once', async () => {
      const error = await igj.fails(REGISTER_PROVIDER, {
        input: { name: '', kvkNumber: '1', agbCode: 'x', sectors: [], locations: [dutchLocation('GM1')] },
      });
      const fields = (error.extensions?.problems as Array<{ field: string }>).map((problem) => problem.field);
      expect(fields).toEqual(expect.arrayContaining(['input.name', 'input.kvkNumber', 'input.agbCode', 'input.sectors', 'input.locations[0].municipalityCode']));
    });

    it('never answers arbitrary input with an internal error', async () => {
      const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('12345678', '0412345614', 'GM0363', '1234 AB', '2000', ''));
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            name: text,
            kvkNumber: fc.option(text),
            kboNumber: fc.option(text),
            agbCode: fc.option(text),
            sectors: fc.array(fc.constantFrom('WMO', 'GGZ', 'THUISZORG'), { maxLength: 3 }),
            locations: fc.array(
              fc.record({ name: text, postcode: text, municipalityCode: fc.option(text), vestigingsnummer: fc.option(text), country: fc.constantFrom('NL', 'BE') }),
              { maxLength: 3 },
            ),
          }),
          async (input) => {
            const result = await igj.request(REGISTER_PROVIDER, { input });
            const code = result.errors?.[0]?.extensions?.code;
            expect(result.status).toBeLessThan(500);
            expect(code === undefined || code === 'BAD_USER_INPUT').toBe(true);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe('stays within reach', () => {
    it('a municipality registers locations only in its own territory', async () => {
      const amsterdam = await t.as('GM0363', [Role.PLANNER]);
      const error = await amsterdam.fails(REGISTER_PROVIDER, {
        input: { name: 'Elders', kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363'), dutchLocation('GM0344')] },
      });
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.locations[1]' });
      await registerProvider(amsterdam, { kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363')] });
    });

    it('Zorginspectie registers Belgian locations, Dutch supervisors Dutch ones', async () => {
      const zorginspectie = await t.as('ZORGINSPECTIE', [Role.PLANNER]);
      expect(
        await zorginspectie.fails(REGISTER_PROVIDER, { input: { name: 'x', kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0363')] } }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.locations[0]' });
      expect(
        await igj.fails(REGISTER_PROVIDER, { input: { name: 'x', kboNumber: '0234567873', sectors: ['GGZ'], locations: [belgianLocation()] } }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.locations[0]' });
    });

    it('the OM and roles without registration rights are refused', async () => {
      const input = { name: 'x', kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0363')] };
      expect((await (await t.as('OM', [Role.PROSECUTOR])).fails(REGISTER_PROVIDER, { input })).code).toBe('FORBIDDEN');
      expect((await (await t.as('IGJ', [Role.AUDITOR, Role.INSPECTOR])).fails(REGISTER_PROVIDER, { input })).code).toBe('FORBIDDEN');
      expect(await t.sql('select 1 from provider where kvk_number = $1', [input.kvkNumber])).toHaveLength(0);
    });
  });
});
