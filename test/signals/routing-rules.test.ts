import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OrganisationKind } from '../../src/access/organisations.js';
import { Sector } from '../../src/providers/index.js';
import { routeSignal, type ProviderFacts, type RoutingFacts } from '../../src/signals/routing.js';
import { CURRENT_RULE_SET, PROTOCOL_DUE_DAYS, ruleSet, ruleSetValidOn, type RuleSet } from '../../src/signals/routing-rules.js';
import { renderRoutingDoc } from '../../src/signals/routing-doc.js';
import { Severity, SignalCategory } from '../../src/signals/signal.enums.js';

const nl = (municipalityCode: string) => ({ country: 'NL', municipalityCode });
const be = (postcode: string, region: 'FLANDERS' | 'BRUSSELS', registeredBy = 'ZORGINSPECTIE') => ({ country: 'BE', municipalityCode: null, region, registeredBy, postcode });

const amsterdamCare: ProviderFacts = { sectors: [Sector.VERPLEEGHUIS], locations: [nl('GM0363')] };
const wmoTwoCities: ProviderFacts = { sectors: [Sector.WMO], locations: [nl('GM0363'), nl('GM0344')] };
const youthUtrecht: ProviderFacts = { sectors: [Sector.JEUGDHULP], locations: [nl('GM0344')] };
const prison: ProviderFacts = { sectors: [Sector.PENITENTIAIRE_INRICHTING], locations: [nl('GM0518')] };
const asylumCentre: ProviderFacts = { sectors: [Sector.ASIELZOEKERSCENTRUM], locations: [nl('GM0228')] };
const flemish: ProviderFacts = { sectors: [Sector.VERPLEEGHUIS], locations: [be('2000', 'FLANDERS')] };
const brusselsOwn: ProviderFacts = { sectors: [Sector.ZIEKENHUIS], locations: [be('1000', 'BRUSSELS')] };
const brusselsOther: ProviderFacts = { sectors: [Sector.ZIEKENHUIS], locations: [be('1000', 'BRUSSELS', 'IGJ')] };
const crossBorder: ProviderFacts = { sectors: [Sector.THUISZORG], locations: [nl('GM0744'), be('2300', 'FLANDERS')] };

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

const CURRENT = ruleSet('2026.3')!;
const routeWith = (set: RuleSet, overrides: Partial<RoutingFacts> = {}) =>
  Object.fromEntries(routeSignal(facts(overrides), set).map((routing) => [routing.recipient, routing.ruleId]));
const route = (overrides: Partial<RoutingFacts> = {}) => routeWith(CURRENT, overrides);

/**
 * Every expectation is the exact set of recipients with the rule that fired for each: an extra recipient (personal
 * data sent somewhere it should not go) fails as surely as a missing one. Each rule is tried on the case its source
 * names and on the nearest case its source leaves out.
 */
describe('routing rules (2026.3)', () => {
  it('is the current rule set, and every rule names a document and the article or section in it', () => {
    expect(CURRENT_RULE_SET.version).toBe('2026.3');
    for (const rule of CURRENT.rules) {
      expect(rule.sources?.length, rule.id).toBeGreaterThan(0);
      for (const source of rule.sources!) {
        expect(source.document.trim().length, rule.id).toBeGreaterThan(3);
        expect(source.section, rule.id).toMatch(/§|art\.|part "/);
      }
    }
  });

  it('gives every recipient the protocol’s one due period of 13 weeks', () => {
    expect(PROTOCOL_DUE_DAYS).toBe(13 * 7);
    expect(new Set(CURRENT.rules.map((rule) => rule.dueDays))).toEqual(new Set([PROTOCOL_DUE_DAYS]));
  });

  describe('OM-STRAFBAAR-FEIT: a flagged possible criminal offence by a Dutch provider goes to the OM', () => {
    it('the flag routes to the OM', () => expect(route({ possibleCriminalOffence: true })).toEqual({ OM: 'OM-STRAFBAAR-FEIT', IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it.each([SignalCategory.NIET_NATUURLIJK_OVERLIJDEN, SignalCategory.ILLEGALE_GENEESMIDDELEN, SignalCategory.ONBEVOEGD_HANDELEN, SignalCategory.GEWELD])(
      'no category alone sends a signal to the OM: %s without the flag',
      (category) => expect(route({ category })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }),
    );
    it('not for a Flemish-only provider: the Dutch OM does not prosecute there', () =>
      expect(route({ possibleCriminalOffence: true, providers: [flemish] })).toEqual({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN' }));
    it('a cross-border provider has a Dutch location: the OM', () =>
      expect(route({ possibleCriminalOffence: true, providers: [crossBorder] })).toEqual({
        OM: 'OM-STRAFBAAR-FEIT',
        ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN',
        IGJ: 'IGJ-GEZONDHEIDSZORG',
      }));
  });

  describe('NZA-IGJ-ZORGFRAUDE: care fraud to the NZa and IGJ', () => {
    it('routes to both', () => expect(route({ category: SignalCategory.ZORGFRAUDE })).toEqual({ NZA: 'NZA-IGJ-ZORGFRAUDE', IGJ: 'NZA-IGJ-ZORGFRAUDE' }));
    it('not other categories', () => expect(route({ category: SignalCategory.KLACHT })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not a Flemish-only provider', () =>
      expect(route({ category: SignalCategory.ZORGFRAUDE, providers: [flemish] })).toEqual({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN' }));
  });

  describe('IJENV-JUSTITIELE-ZORG and IGJ-GEZONDHEIDSZORG: AZC, PI and FPC to Inspectie JenV and IGJ together', () => {
    it.each([
      ['a penitentiary institution', prison],
      ['an asylum seekers’ centre', asylumCentre],
      ['a forensic psychiatric centre', { ...amsterdamCare, sectors: [Sector.FORENSISCH_PSYCHIATRISCH_CENTRUM] }],
    ])('%s', (_name, provider) => expect(route({ providers: [provider as ProviderFacts] })).toEqual({ IJENV: 'IJENV-JUSTITIELE-ZORG', IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not a nursing home', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('no rule of its own for youth care, however serious (IJENV-JEUGD-ERNSTIG had no source)', () =>
      expect(route({ providers: [youthUtrecht], severity: Severity.CRITICAL })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
  });

  describe('GEMEENTE-WMO: Wmo support to the municipality of each location', () => {
    it('every municipality of the provider', () =>
      expect(route({ providers: [wmoTwoCities] })).toEqual({ GM0363: 'GEMEENTE-WMO', GM0344: 'GEMEENTE-WMO' }));
    it('not youth care: municipalities buy it, IGJ supervises it', () => expect(route({ providers: [youthUtrecht] })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('only the municipalities of the providers that are Wmo providers', () => {
      const wmoUtrecht: ProviderFacts = { sectors: [Sector.WMO], locations: [nl('GM0344')] };
      expect(route({ providers: [amsterdamCare, wmoUtrecht] })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG', GM0344: 'GEMEENTE-WMO' });
    });
  });

  describe('ZORGINSPECTIE-VLAANDEREN: providers within Zorginspectie’s reach, by region', () => {
    it('a Flemish provider, and not IGJ', () => expect(route({ providers: [flemish] })).toEqual({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN' }));
    it('a cross-border provider: Zorginspectie and IGJ', () =>
      expect(route({ providers: [crossBorder] })).toEqual({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN', IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('a Brussels location Zorginspectie registered', () => expect(route({ providers: [brusselsOwn] })).toEqual({ ZORGINSPECTIE: 'ZORGINSPECTIE-VLAANDEREN' }));
    it('not a Brussels location someone else registered', () => expect(route({ providers: [brusselsOther] })).toEqual({}));
    it('not a Dutch provider', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
  });

  describe('IGJ-GEZONDHEIDSZORG: health care and youth care in the Netherlands to IGJ', () => {
    it('a Dutch nursing home', () => expect(route()).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('youth care', () => expect(route({ providers: [youthUtrecht] })).toEqual({ IGJ: 'IGJ-GEZONDHEIDSZORG' }));
    it('not Wmo support alone', () => expect(route({ providers: [wmoTwoCities] })).toEqual({ GM0363: 'GEMEENTE-WMO', GM0344: 'GEMEENTE-WMO' }));
  });

  it('combines rules: a flagged fraud signal about a Wmo and a youth-care provider', () => {
    expect(
      route({ possibleCriminalOffence: true, category: SignalCategory.ZORGFRAUDE, severity: Severity.CRITICAL, providers: [youthUtrecht, wmoTwoCities] }),
    ).toEqual({ OM: 'OM-STRAFBAAR-FEIT', NZA: 'NZA-IGJ-ZORGFRAUDE', IGJ: 'NZA-IGJ-ZORGFRAUDE', GM0344: 'GEMEENTE-WMO', GM0363: 'GEMEENTE-WMO' });
  });

  it('never routes to the submitter', () => {
    expect(route({ category: SignalCategory.ZORGFRAUDE, submitter: 'NZA', submitterKind: OrganisationKind.MARKET_AUTHORITY })).toEqual({
      IGJ: 'NZA-IGJ-ZORGFRAUDE',
    });
    expect(route({ submitter: 'IGJ', submitterKind: OrganisationKind.INSPECTORATE })).toEqual({});
    expect(route({ providers: [wmoTwoCities], submitter: 'GM0363' })).toEqual({ GM0344: 'GEMEENTE-WMO' });
  });
});

describe('older rule sets stay as they were, so old routings stay explainable', () => {
  it('2026.2 still sent categories alone to the OM, and serious youth care to Inspectie JenV', () => {
    const set = ruleSet('2026.2')!;
    expect(routeWith(set, { category: SignalCategory.ONBEVOEGD_HANDELEN })).toEqual({ OM: 'OM-STRAFBARE-CATEGORIE', IGJ: 'IGJ-GEZONDHEIDSZORG' });
    expect(routeWith(set, { providers: [youthUtrecht], severity: Severity.HIGH })).toEqual({ IJENV: 'IJENV-JEUGD-ERNSTIG', IGJ: 'IGJ-GEZONDHEIDSZORG' });
    expect(routeSignal(facts({ category: SignalCategory.ZORGFRAUDE }), set).map((routing) => routing.dueDays)).toEqual([42, 42]);
  });
  it('2026.1 still sent youth care to the municipality', () => {
    expect(routeWith(ruleSet('2026.1')!, { providers: [youthUtrecht] })).toEqual({ GM0344: 'GEMEENTE-WMO-JEUGD', IGJ: 'IGJ-GEZONDHEIDSZORG' });
  });
  it('records the rule-set version, and applies any set as it was', () => {
    expect(routeSignal(facts()).every((routing) => routing.protocolVersion === CURRENT_RULE_SET.version)).toBe(true);
    const older: RuleSet = {
      version: '2025.9',
      validFrom: '2025-09-01',
      rules: [{ id: 'ALLES-NAAR-IGJ', description: '', basis: '', when: { submitterKinds: [OrganisationKind.MUNICIPALITY] }, recipients: ['IGJ'], dueDays: 10 }],
    };
    expect(routeSignal(facts({ providers: [flemish] }), older)).toEqual([{ recipient: 'IGJ', ruleId: 'ALLES-NAAR-IGJ', protocolVersion: '2025.9', dueDays: 10 }]);
    expect(routeSignal(facts({ submitterKind: OrganisationKind.INSPECTORATE, submitter: 'NZA' }), older)).toEqual([]);
  });
  it('the set valid on a day is the newest whose validFrom is not after it', () => {
    expect(ruleSetValidOn('2026-11-23').version).toBe('2026.1');
    expect(ruleSetValidOn('2026-11-30').version).toBe('2026.2');
    expect(ruleSetValidOn('2026-12-01').version).toBe('2026.3');
    expect(ruleSetValidOn('2030-01-01').version).toBe('2026.3');
    expect(ruleSetValidOn('2020-01-01').version).toBe('2026.1');
  });
});

describe('docs', () => {
  it('docs/routing.md shows exactly the rules the code runs (regenerate with npm run docs:emit)', () => {
    const document = readFileSync('docs/routing.md', 'utf8');
    expect(document).toBe(renderRoutingDoc(document));
  });
});
