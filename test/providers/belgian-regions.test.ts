import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { belgianRegionOf } from '../../src/providers/identifiers.js';
import { belgianLocation, dutchLocation, freshKvk, PROVIDER, REGISTER_PROVIDER, registerProvider } from '../support/providers.js';
import { signalInput, submit } from '../support/signals.js';
import { Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';

/** A valid KBO number nobody else in this run uses (mod-97 check digits). */
let kboCounter = 0;
function freshKbo(): string {
  kboCounter += 1;
  const base = 4_000_000 + ((process.pid * 100 + kboCounter) % 5_000_000);
  const check = 97 - (base % 97);
  return `0${String(base).padStart(7, '0')}${String(check).padStart(2, '0')}`;
}

describe('Belgian locations: the region follows from the postcode, and decides who reaches them', () => {
  let t: TestApp;
  let zorginspectie: GraphQLClient;
  let igj: GraphQLClient;

  beforeAll(async () => {
    t = await startTestApp();
    zorginspectie = await t.as('ZORGINSPECTIE', [Role.PLANNER, Role.INTAKE]);
    igj = await t.as('IGJ', [Role.PLANNER, Role.INTAKE]);
  });
  afterAll(async () => t?.close());

  it('maps postcodes to regions at the edges of every range', () => {
    expect([1000, 1299, 1300, 1499, 1500, 3999, 4000, 7999, 8000, 9999].map((code) => belgianRegionOf(String(code)))).toEqual([
      'BRUSSELS', 'BRUSSELS', 'WALLONIA', 'WALLONIA', 'FLANDERS', 'FLANDERS', 'WALLONIA', 'WALLONIA', 'FLANDERS', 'FLANDERS',
    ]);
  });

  it('refuses a Walloon location, naming the field', async () => {
    const error = await zorginspectie.fails(REGISTER_PROVIDER, {
      input: { name: 'Maison de soins Namur', kboNumber: freshKbo(), sectors: ['VERPLEEGHUIS'], locations: [belgianLocation({ postcode: '5000', city: 'Namur' })] },
    });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('input.locations[0].postcode');
    expect(error.message).toMatch(/Wallonia/);
  });

  it('stores the region, and Zorginspectie reaches its Flemish and its own Brussels locations', async () => {
    const data = await zorginspectie.ok(REGISTER_PROVIDER, {
      input: {
        name: 'Zorggroep Brussel-Gent',
        kboNumber: freshKbo(),
        sectors: ['ZIEKENHUIS'],
        locations: [belgianLocation({ postcode: '1000', city: 'Brussel' }), belgianLocation({ postcode: '9000', city: 'Gent' })],
      },
    });
    expect(data.registerProvider.provider.locations.map((location: { country: string }) => location.country)).toEqual(['BE', 'BE']);
    const stored = await t.sql<{ postcode: string; region: string }>('select postcode, region from location where provider_id = $1 order by postcode', [
      data.registerProvider.provider.id,
    ]);
    expect(stored).toEqual([
      { postcode: '1000', region: 'BRUSSELS' },
      { postcode: '9000', region: 'FLANDERS' },
    ]);
  });

  it('leaves a provider with only a Walloon location, or a Brussels location someone else registered, out of Zorginspectie’s reach', async () => {
    const walloon = randomUUID();
    const brussels = randomUUID();
    for (const [id, postcode, region, registrant] of [
      [walloon, '4000', 'WALLONIA', 'ZORGINSPECTIE'],
      [brussels, '1050', 'BRUSSELS', 'IGJ'],
    ] as const) {
      await t.sql(`insert into provider (id, name, kbo_number, sectors, registered_by, created_at) values ($1, 'Legacy', $2, '{ZIEKENHUIS}', $3, now())`, [
        id,
        freshKbo(),
        registrant,
      ]);
      await t.sql(
        `insert into location (id, provider_id, name, postcode, country, region, registered_by, created_at) values ($1, $2, 'Site', $3, 'BE', $4, $5, now())`,
        [randomUUID(), id, postcode, region, registrant],
      );
    }
    for (const id of [walloon, brussels]) {
      const error = await zorginspectie.fails(PROVIDER, { id });
      expect(error.code).toBe('NOT_FOUND');
    }
  });

  it('routes a signal about a cross-border provider to Zorginspectie by the same reach', async () => {
    const kvkNumber = freshKvk();
    await registerProvider(igj, { name: 'Grenszorg', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0744')] });
    await zorginspectie.ok(REGISTER_PROVIDER, {
      input: { name: 'Grenszorg', kvkNumber, sectors: ['THUISZORG'], locations: [belgianLocation({ postcode: '2300', city: 'Turnhout' })] },
    });
    const nzaIntake = await t.as('NZA', [Role.INTAKE]);
    const result = await submit(nzaIntake, signalInput({ providers: [{ kvkNumber }] }));
    expect(Object.fromEntries(result.routings.map((routing) => [routing.recipient.code, routing.ruleId]))).toEqual({
      ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN',
      IGJ: 'IGJ-GEZONDHEIDSZORG',
    });
  });

  it('keeps a Flemish-only provider out of the OM’s reach, even when a signal routed to the OM names it', async () => {
    const dutch = await registerProvider(igj, { name: 'Apotheek Noord', kvkNumber: freshKvk(), sectors: ['APOTHEEK'], locations: [dutchLocation('GM0363')] });
    const flemishKbo = freshKbo();
    const flemish = await registerProvider(zorginspectie, {
      name: 'Apotheek Antwerpen',
      kboNumber: flemishKbo,
      sectors: ['APOTHEEK'],
      locations: [belgianLocation({ postcode: '2000' })],
    });
    // Flagged by Zorginspectie about its Flemish provider: the Dutch OM is not a recipient.
    const flaggedFlemish = await submit(zorginspectie, signalInput({ possibleCriminalOffence: true, providers: [{ kboNumber: flemishKbo }] }));
    expect(flaggedFlemish.routings).toEqual([]);
    // A signal routed to the OM that names both (as an older rule set could have made) shows the OM the Dutch one only.
    const nzaIntake = await t.as('NZA', [Role.INTAKE]);
    const flagged = await submit(nzaIntake, signalInput({ possibleCriminalOffence: true, providers: [{ id: dutch }] }));
    expect(flagged.routings.map((routing) => routing.recipient.code).sort()).toEqual(['IGJ', 'OM']);
    await t.sql(`update signal set provider_ids = provider_ids || $2::uuid where id = $1`, [flagged.signal.id, flemish]);
    const om = await t.as('OM', [Role.PROSECUTOR]);
    expect((await om.ok(PROVIDER, { id: dutch })).provider.id).toBe(dutch);
    expect((await om.fails(PROVIDER, { id: flemish })).code).toBe('NOT_FOUND');
  });
});
