import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OrganisationKind } from '../../src/access/organisations.js';
import { Sector } from '../../src/providers/index.js';
import { routeSignal, type ProviderFacts, type RoutingFacts } from '../../src/signals/routing.js';
import { CURRENT_RULE_SET, ruleSet, type RuleSet } from '../../src/signals/routing-rules.js';
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

/**
 * Every expectation is the exact set of recipients with the rule that fired for each: an extra recipient (personal
 * data sent somewhere it should not go) fails as surely as a missing one.
 */
describe('routing rules', () => {
  describe('OM-STRAFBAAR-FEIT / OM-STRAFBARE-CATEGORIE: possible criminal offences go to the OM within 13 weeks', () => {
    it('the flag routes to the OM', () => {
      expect(route({ possibleCriminalOffence: true })).toEqual({ OM: 'OM-STRAFBAAR-FEIT', IGJ: 'IGJ-GEZONDHEIDSZORG' });
      const [om] = routeSignal(facts({ possibleCriminalOffence: true })).filter((routing) => routing.recipient === 'OM');
      expect(om!.dueDays).toBe(13 * 7);
    });
    it.each([SignalCategory.NIET_NATUURLIJK_OVERLIJDEN, SignalCategory.ILLEGALE_GENEESMIDDELEN, SignalCategory.ONBEVOEGD_HANDELEN])(
      'category %s routes to the OM without the flag',
      (category) => expect(route({ category })).toEqual({ OM: 'OM-STRAFBARE-CATEGORIE', IGJ: 'IGJ-GEZONDHEIDSZORG' }),
    );
    it('the flag wins over the category when both hold (first rule recorded, one routing)', () => {
      expect(route({ possibleCriminalOffence: true, category: SignalCategory.ONBEVOEGD_HANDELEN })).toEqual({
        OM: 'OM-STRAFBAAR-FEIT',
        IGJ: 'IGJ-GEZONDHEIDSZORG',
      });
    });
    it('not otherwise: no category alone sends a signal to the OM', () => {
      expect(route({ category: SignalCategory.CALAMITEIT, severity: Severity.CRITICAL })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' });
      expect(route({ category: SignalCategory.ZORGFRAUDE })).not.toHaveProperty('OM');
    });
  });

  describe('NZA-IGJ-ZORGFRAUDE: care fraud to the NZa and IGJ', () => {
    it('routes to both', () => expect(route({ category: SignalCategory.ZORGFRAUDE })).toEqual({ NZA: 'NZA-IGJ-ZORGFRAUDE', IGJ: 'NZA-IGJ-ZORGFRAUDE' }));
    it('not other categories', () => expect(route({ category: SignalCategory.KLACHT })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
  });

  describe('IJENV-JUSTITIELE-ZORG: custody settings to Inspectie JenV', () => {
    it('a penitentiary institution', () => expect(route({ providers: [prison] })).toEqual({ IJENV: 'IJENV-JUSTITIELE-ZORG' }));
    it('a forensic psychiatric centre (health care too: IGJ as well)', () =>
      expect(route({ providers: [{ ...amsterdamCare, sectors: [Sector.FORENSISCH_PSYCHIATRISCH_CENTRUM] }] })).toEqual({
        IJENV: 'IJENV-JUSTITIELE-ZORG',
        IGJ: 'IGJ-GEZONDHEIDSZORG',
      }));
    it('not a nursing home', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
  });

  describe('IJENV-JEUGD-ERNSTIG: serious youth-care signals also to Inspectie JenV', () => {
    it('HIGH', () => expect(route({ providers: [youthUtrecht], severity: Severity.HIGH })).toEqual({ IJENV: 'IJENV-JEUGD-ERNSTIG', IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not MEDIUM', () => expect(route({ providers: [youthUtrecht], severity: Severity.MEDIUM })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
  });

  describe('GEMEENTE-WMO: Wmo support to the municipality of each location', () => {
    it('every municipality of the provider', () =>
      expect(route({ providers: [wmoTwoCities] })).toEqual({ GM0363: 'GEMEENTE-WMO', GM0344: 'GEMEENTE-WMO' }));
    it('not youth care: municipalities buy it, IGJ supervises it', () => expect(route({ providers: [youthUtrecht] })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('only the municipalities of the providers that are Wmo providers', () => {
      const wmoUtrecht: ProviderFacts = { sectors: [Sector.WMO], locations: [{ country: 'NL', municipalityCode: 'GM0344' }] };
      expect(route({ providers: [amsterdamCare, wmoUtrecht] })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG', GM0344: 'GEMEENTE-WMO' });
    });
    it('not for other sectors', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('rule set 2026.1 still sent youth care to the municipality (old routings stay explainable)', () => {
      const old = Object.fromEntries(routeSignal(facts({ providers: [youthUtrecht] }), ruleSet('2026.1')!).map((routing) => [routing.recipient, routing.ruleId]));
      expect(old).toEqual({ GM0344: 'GEMEENTE-WMO-JEUGD', IGJ: 'IGJ-GEZONDHEIDSZORG' });
    });
  });

  describe('ZORGINSPECTIE-VLAANDEREN: Flemish providers to Zorginspectie', () => {
    it('a Flemish provider, and not IGJ', () => expect(route({ providers: [flemish] })).toEqual({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN' }));
    it('a cross-border provider: Zorginspectie and IGJ', () =>
      expect(route({ providers: [crossBorder] })).toEqual({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN', IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not a Dutch provider', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
  });

  describe('IGJ-GEZONDHEIDSZORG: health care in general to IGJ', () => {
    it('a Dutch nursing home', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not Wmo support alone', () => expect(route({ providers: [wmoTwoCities] })).toEqual({ GM0363: 'GEMEENTE-WMO', GM0344: 'GEMEENTE-WMO' }));
    it('not a penitentiary institution alone', () => expect(route({ providers: [prison] })).toEqual({ IJENV: 'IJENV-JUSTITIELE-ZORG' }));
  });

  it('combines rules: a flagged fraud signal about a Wmo and youth-care provider', () => {
    expect(
      route({ possibleCriminalOffence: true, category: SignalCategory.ZORGFRAUDE, severity: Severity.CRITICAL, providers: [youthUtrecht, wmoTwoCities] }),
    ).toEqual({
      OM: 'OM-STRAFBAAR-FEIT',
      NZA: 'NZA-IGJ-ZORGFRAUDE',
      IGJ: 'NZA-IGJ-ZORGFRAUDE',
      IJENV: 'IJENV-JEUGD-ERNSTIG',
      GM0344: 'GEMEENTE-WMO',
      GM0363: 'GEMEENTE-WMO',
    });
  });

  it('never routes to the submitter', () => {
    expect(route({ category: SignalCategory.ZORGFRAUDE, submitter: 'NZA', submitterKind: OrganisationKind.MARKET_AUTHORITY })).toEqual({
      IGJ: 'NZA-IGJ-ZORGFRAUDE',
    });
    expect(route({ submitter: 'IGJ', submitterKind: OrganisationKind.INSPECTORATE })).toEqual({});
    expect(route({ providers: [wmoTwoCities], submitter: 'GM0363' })).toEqual({ GM0344: 'GEMEENTE-WMO' });
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
