import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OrganisationKind } from '../../src/access/organisations.js';
import { Sector } from '../../src/providers/index.js';
import { routeSignal, type ProviderFacts, type RoutingFacts } from '../../src/signals/routing.js';
import { CURRENT_RULE_SET, type RuleSet } from '../../src/signals/routing-rules.js';
import { renderRoutingDoc } from '../../src/signals/routing-doc.js';
import { Severity, SignalCategory } from '../../src/signals/signal.enums.js';

const amsterdamCare: ProviderFacts = { sectors: [Sector.VERPLEEGHUIS], locations: [{ country: 'NL', municipalityCode: 'GM0363' }] };
const wmoTwoCities: ProviderFacts = {
  sectors: [Sector.WMO],
  locations: [
    { country: 'NL', municipalityCode: 'GM0363' },
    { country: 'NL', municipalityCode: 'GM0344' },
  ],
};
const youthUtrecht: ProviderFacts = { sectors: [Sector.JEUGDHULP], locations: [{ country: 'NL', municipalityCode: 'GM0344' }] };
const prison: ProviderFacts = { sectors: [Sector.PENITENTIAIRE_INRICHTING], locations: [{ country: 'NL', municipalityCode: 'GM0518' }] };
const flemish: ProviderFacts = { sectors: [Sector.VERPLEEGHUIS], locations: [{ country: 'BE', municipalityCode: null }] };
const crossBorder: ProviderFacts = {
  sectors: [Sector.THUISZORG],
  locations: [
    { country: 'NL', municipalityCode: 'GM0744' },
    { country: 'BE', municipalityCode: null },
  ],
};

function facts(overrides: Partial<RoutingFacts> = {}): RoutingFacts {
  return {
    category: SignalCategory.KLACHT,
    severity: Severity.MEDIUM,
    possibleCriminalOffence: false,
    submitter: 'GM0599',
    submitterKind: OrganisationKind.MUNICIPALITY,
    providers: [amsterdamCare],
    ...overrides,
  };
}

const route = (overrides: Partial<RoutingFacts> = {}) =>
  Object.fromEntries(routeSignal(facts(overrides)).map((routing) => [routing.recipient, routing.ruleId]));

describe('routing rules', () => {
  describe('OM-STRAFBAAR-FEIT / OM-STRAFBARE-CATEGORIE: possible criminal offences go to the OM within 13 weeks', () => {
    it('the flag routes to the OM', () => {
      expect(route({ possibleCriminalOffence: true })).toMatchObject({ OM: 'OM-STRAFBAAR-FEIT' });
      const [om] = routeSignal(facts({ possibleCriminalOffence: true })).filter((routing) => routing.recipient === 'OM');
      expect(om!.dueDays).toBe(13 * 7);
    });
    it.each([SignalCategory.NIET_NATUURLIJK_OVERLIJDEN, SignalCategory.ILLEGALE_GENEESMIDDELEN, SignalCategory.ONBEVOEGD_HANDELEN])(
      'category %s routes to the OM without the flag',
      (category) => expect(route({ category })).toMatchObject({ OM: 'OM-STRAFBARE-CATEGORIE' }),
    );
    it('the flag wins over the category when both hold (first rule recorded, one routing)', () => {
      const routings = routeSignal(facts({ possibleCriminalOffence: true, category: SignalCategory.ONBEVOEGD_HANDELEN }));
      expect(routings.filter((routing) => routing.recipient === 'OM')).toEqual([
        expect.objectContaining({ ruleId: 'OM-STRAFBAAR-FEIT' }),
      ]);
    });
    it('not otherwise', () => {
      expect(route({ category: SignalCategory.CALAMITEIT, severity: Severity.CRITICAL })).not.toHaveProperty('OM');
    });
  });

  describe('NZA-IGJ-ZORGFRAUDE: care fraud to the NZa and IGJ', () => {
    it('routes to both', () => expect(route({ category: SignalCategory.ZORGFRAUDE })).toMatchObject({ NZA: 'NZA-IGJ-ZORGFRAUDE', IGJ: 'NZA-IGJ-ZORGFRAUDE' }));
    it('not other categories', () => expect(route({ category: SignalCategory.KLACHT })).not.toHaveProperty('NZA'));
  });

  describe('IJENV-JUSTITIELE-ZORG: custody settings to Inspectie JenV', () => {
    it('a penitentiary institution', () => expect(route({ providers: [prison] })).toMatchObject({ IJENV: 'IJENV-JUSTITIELE-ZORG' }));
    it('a forensic psychiatric centre', () =>
      expect(route({ providers: [{ ...amsterdamCare, sectors: [Sector.FORENSISCH_PSYCHIATRISCH_CENTRUM] }] })).toMatchObject({
        IJENV: 'IJENV-JUSTITIELE-ZORG',
      }));
    it('not a nursing home', () => expect(route()).not.toHaveProperty('IJENV'));
  });

  describe('IJENV-JEUGD-ERNSTIG: serious youth-care signals also to Inspectie JenV', () => {
    it('HIGH', () => expect(route({ providers: [youthUtrecht], severity: Severity.HIGH })).toMatchObject({ IJENV: 'IJENV-JEUGD-ERNSTIG' }));
    it('not MEDIUM', () => expect(route({ providers: [youthUtrecht], severity: Severity.MEDIUM })).not.toHaveProperty('IJENV'));
  });

  describe('GEMEENTE-WMO-JEUGD: Wmo and youth care to the municipality of each location', () => {
    it('every municipality of the provider', () =>
      expect(route({ providers: [wmoTwoCities] })).toMatchObject({ GM0363: 'GEMEENTE-WMO-JEUGD', GM0344: 'GEMEENTE-WMO-JEUGD' }));
    it('youth care too', () => expect(route({ providers: [youthUtrecht] })).toMatchObject({ GM0344: 'GEMEENTE-WMO-JEUGD' }));
    it('only the municipalities of the providers that are Wmo or youth care', () => {
      const routed = route({ providers: [amsterdamCare, youthUtrecht] });
      expect(routed).toMatchObject({ GM0344: 'GEMEENTE-WMO-JEUGD' });
      expect(routed).not.toHaveProperty('GM0363');
    });
    it('not for other sectors', () => expect(Object.keys(route()).filter((code) => code.startsWith('GM'))).toEqual([]));
  });

  describe('ZORGINSPECTIE-VLAANDEREN: Flemish providers to Zorginspectie', () => {
    it('a Flemish provider, and not IGJ', () => {
      const routed = route({ providers: [flemish] });
      expect(routed).toMatchObject({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN' });
      expect(routed).not.toHaveProperty('IGJ');
    });
    it('a cross-border provider: Zorginspectie and IGJ', () =>
      expect(route({ providers: [crossBorder] })).toMatchObject({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN', IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not a Dutch provider', () => expect(route()).not.toHaveProperty('ZORGINSPECTIE'));
  });

  describe('IGJ-GEZONDHEIDSZORG: health care in general to IGJ', () => {
    it('a Dutch nursing home', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not Wmo support alone', () => expect(route({ providers: [wmoTwoCities] })).not.toHaveProperty('IGJ'));
    it('not a penitentiary institution alone', () => expect(route({ providers: [prison] })).not.toHaveProperty('IGJ'));
  });

  it('combines rules: a flagged fraud signal about a Wmo and youth-care provider', () => {
    expect(
      route({ possibleCriminalOffence: true, category: SignalCategory.ZORGFRAUDE, severity: Severity.CRITICAL, providers: [youthUtrecht, wmoTwoCities] }),
    ).toEqual({
      OM: 'OM-STRAFBAAR-FEIT',
      NZA: 'NZA-IGJ-ZORGFRAUDE',
      IGJ: 'NZA-IGJ-ZORGFRAUDE',
      IJENV: 'IJENV-JEUGD-ERNSTIG',
      GM0344: 'GEMEENTE-WMO-JEUGD',
      GM0363: 'GEMEENTE-WMO-JEUGD',
    });
  });

  it('never routes to the submitter', () => {
    expect(route({ category: SignalCategory.ZORGFRAUDE, submitter: 'NZA', submitterKind: OrganisationKind.MARKET_AUTHORITY })).toEqual({
      IGJ: 'NZA-IGJ-ZORGFRAUDE',
    });
    expect(route({ submitter: 'IGJ', submitterKind: OrganisationKind.INSPECTORATE })).toEqual({});
    expect(route({ providers: [wmoTwoCities], submitter: 'GM0363' })).toEqual({ GM0344: 'GEMEENTE-WMO-JEUGD' });
  });

  it('records the rule-set version, and applies an older set as it was', () => {
    expect(routeSignal(facts()).every((routing) => routing.protocolVersion === CURRENT_RULE_SET.version)).toBe(true);
    const older: RuleSet = {
      version: '2025.9',
      validFrom: '2025-09-01',
      rules: [{ id: 'ALLES-NAAR-IGJ', description: '', basis: '', when: { submitterKinds: [OrganisationKind.MUNICIPALITY] }, recipients: ['IGJ'], dueDays: 10 }],
    };
    expect(routeSignal(facts({ providers: [flemish] }), older)).toEqual([{ recipient: 'IGJ', ruleId: 'ALLES-NAAR-IGJ', protocolVersion: '2025.9', dueDays: 10 }]);
    expect(routeSignal(facts({ submitterKind: OrganisationKind.INSPECTORATE, submitter: 'NZA' }), older)).toEqual([]);
  });

  it('docs/routing.md shows exactly the rules the code runs (regenerate with npm run docs:emit)', () => {
    const document = readFileSync('docs/routing.md', 'utf8');
    expect(document).toBe(renderRoutingDoc(document));
  });
});
