import { OrganisationKind } from '../access/organisations.js';
import { Sector } from '../providers/index.js';
import { SignalCategory, Severity } from './signal.enums.js';

/**
 * The routing rules of the samenwerkingsprotocol, as data. A rule fires when every condition it states holds
 * (a list matches any of its values); it routes to its recipients, each with a due period. Rules are tried in
 * order: when several route to the same organisation, the first one is recorded. A signal is never routed to its
 * own submitter. docs/routing.md is generated from these tables; old versions stay here, so an old routing can
 * always be explained by the rule id and version it records.
 */
export interface RoutingCondition {
  categories?: readonly SignalCategory[];
  possibleCriminalOffence?: boolean;
  severities?: readonly Severity[];
  /** At least one provider of the signal works in one of these sectors. */
  providerSectors?: readonly Sector[];
  /** At least one provider of the signal has a location in this country. */
  providerCountry?: 'NL' | 'BE';
  /** At least one provider of the signal has a location in this municipality. */
  providerMunicipality?: string;
  /**
   * At least one provider of the signal is within this organisation's reach (access/scope.ts): the reach rules
   * are written once, and routing follows them rather than restating them.
   */
  providerInReachOf?: string;
  submitterKinds?: readonly OrganisationKind[];
  submitters?: readonly string[];
}

/** Where a rule comes from: a document and the article or section in it. A rule without a source is not a rule. */
export interface RuleSource {
  document: string;
  section: string;
}

/** An organisation code, or MUNICIPALITY_OF_LOCATION: every municipality where a provider of the signal is located. */
export type Recipient = string;
export const MUNICIPALITY_OF_LOCATION = 'MUNICIPALITY_OF_LOCATION';

export interface RoutingRule {
  id: string;
  description: string;
  /** The basis in words (rule sets up to 2026.2 have only this); from 2026.3 on it is made from `sources`. */
  basis: string;
  sources?: readonly RuleSource[];
  when: RoutingCondition;
  recipients: readonly Recipient[];
  dueDays: number;
}

export interface RuleSet {
  version: string;
  validFrom: string;
  rules: readonly RoutingRule[];
}

/** Everything but Wmo support and penitentiary institutions (the latter is Inspectie JenV's). */
const HEALTH_CARE = Object.values(Sector).filter((sector) => sector !== Sector.WMO && sector !== Sector.PENITENTIAIRE_INRICHTING);

const OM_STRAFBAAR_FEIT: RoutingRule = {
  id: 'OM-STRAFBAAR-FEIT',
  description: 'The submitter flags a possible criminal offence',
  basis: 'Samenwerkingsprotocol IGJ–OM; Awb 5:44 (una via: the OM decides first, within 13 weeks)',
  when: { possibleCriminalOffence: true },
  recipients: ['OM'],
  dueDays: 91,
};

const OM_STRAFBARE_CATEGORIE: RoutingRule = {
  id: 'OM-STRAFBARE-CATEGORIE',
  description: 'Categories that are possible criminal offences in themselves',
  basis: 'Samenwerkingsprotocol IGJ–OM; Awb 5:44',
  when: { categories: [SignalCategory.NIET_NATUURLIJK_OVERLIJDEN, SignalCategory.ILLEGALE_GENEESMIDDELEN, SignalCategory.ONBEVOEGD_HANDELEN] },
  recipients: ['OM'],
  dueDays: 91,
};

const NZA_IGJ_ZORGFRAUDE: RoutingRule = {
  id: 'NZA-IGJ-ZORGFRAUDE',
  description: 'Care fraud: the NZa, and IGJ to assess whether the fraud hides neglect of care',
  basis: 'Samenwerking NZa–IGJ (goed bestuur, integere bedrijfsvoering)',
  when: { categories: [SignalCategory.ZORGFRAUDE] },
  recipients: ['NZA', 'IGJ'],
  dueDays: 42,
};

const IJENV_JUSTITIELE_ZORG: RoutingRule = {
  id: 'IJENV-JUSTITIELE-ZORG',
  description: 'Care for people in custody',
  basis: 'Toezicht Inspectie JenV op zorg in justitiële inrichtingen',
  when: { providerSectors: [Sector.PENITENTIAIRE_INRICHTING, Sector.FORENSISCH_PSYCHIATRISCH_CENTRUM] },
  recipients: ['IJENV'],
  dueDays: 42,
};

const IJENV_JEUGD_ERNSTIG: RoutingRule = {
  id: 'IJENV-JEUGD-ERNSTIG',
  description: 'Serious signals about youth care, which Inspectie JenV supervises together with IGJ',
  basis: 'Samenwerkend Toezicht Jeugd',
  when: { providerSectors: [Sector.JEUGDHULP], severities: [Severity.HIGH, Severity.CRITICAL] },
  recipients: ['IJENV'],
  dueDays: 42,
};

const ZORGINSPECTIE_VLAANDEREN: RoutingRule = {
  id: 'ZORGINSPECTIE-VLAANDEREN',
  description: 'Flemish (and cross-border) providers',
  basis: 'Samenwerking IGJ–Zorginspectie',
  when: { providerCountry: 'BE' },
  recipients: ['ZORGINSPECTIE'],
  dueDays: 42,
};

const IGJ_GEZONDHEIDSZORG: RoutingRule = {
  id: 'IGJ-GEZONDHEIDSZORG',
  description: 'Health care and youth care in the Netherlands in general',
  basis: 'Wkkgz; Jeugdwet (toezicht IGJ)',
  when: { providerSectors: HEALTH_CARE, providerCountry: 'NL' },
  recipients: ['IGJ'],
  dueDays: 56,
};

/**
 * The one due period the cooperation protocol names: the OM decides within 13 weeks (una via, Awb 5:44; see
 * docs/routing.md). From rule set 2026.3 every recipient gets this period; the 6 and 8 weeks of earlier sets had no
 * source.
 */
export const PROTOCOL_DUE_DAYS = 91;

const ACCESS_RULES = 'Samenloop access rules (docs/authorization.md)';
const WERKPLAN_2019 = 'IGJ Werkplan 2019';

function sourced(rule: Omit<RoutingRule, 'basis' | 'dueDays'> & { sources: readonly RuleSource[] }): RoutingRule {
  return { ...rule, dueDays: PROTOCOL_DUE_DAYS, basis: rule.sources.map((source) => `${source.document}, ${source.section}`).join('; ') };
}

/** Every sector but Wmo support: health care and youth care, including the medical care in AZC, PI and FPC. */
const HEALTH_AND_YOUTH_CARE = Object.values(Sector).filter((sector) => sector !== Sector.WMO);

const RULES_2026_3: readonly RoutingRule[] = [
  sourced({
    id: 'OM-STRAFBAAR-FEIT',
    description: 'The submitter flags a possible criminal offence by a provider in the Netherlands: the OM decides whether to investigate',
    sources: [
      { document: WERKPLAN_2019, section: '§1.3.4 Opsporing en boetes (Samenwerkingsprotocol IGJ en OM)' },
      { document: 'Algemene wet bestuursrecht', section: 'art. 5:44 (una via: the OM decides first)' },
    ],
    when: { possibleCriminalOffence: true, providerCountry: 'NL' },
    recipients: ['OM'],
  }),
  sourced({
    id: 'NZA-IGJ-ZORGFRAUDE',
    description: 'Care fraud: the NZa, and IGJ to assess whether the fraud hides neglect of care',
    sources: [
      { document: WERKPLAN_2019, section: '§1.3.4 (fraud signals are also assessed for risks to the quality of care)' },
      { document: WERKPLAN_2019, section: '§2.5.1 Samenwerking met NZa' },
    ],
    when: { categories: [SignalCategory.ZORGFRAUDE], providerCountry: 'NL' },
    recipients: ['NZA', 'IGJ'],
  }),
  sourced({
    id: 'IJENV-JUSTITIELE-ZORG',
    description: 'Care for people in custody and asylum seekers (AZC, PI, FPC): Inspectie JenV, together with IGJ',
    sources: [{ document: WERKPLAN_2019, section: '§3.3 Zorg aan justitiabelen en asielzoekers' }],
    when: {
      providerSectors: [Sector.PENITENTIAIRE_INRICHTING, Sector.FORENSISCH_PSYCHIATRISCH_CENTRUM, Sector.ASIELZOEKERSCENTRUM],
      providerCountry: 'NL',
    },
    recipients: ['IJENV'],
  }),
  sourced({
    id: 'GEMEENTE-WMO',
    description: 'Wmo support: the municipality of each location (municipalities supervise Wmo, not youth care)',
    sources: [
      { document: 'Wet maatschappelijke ondersteuning 2015', section: 'art. 6.1 (toezicht door de gemeente)' },
      { document: WERKPLAN_2019, section: '§2.2 Samenwerken met de gemeenten' },
    ],
    when: { providerSectors: [Sector.WMO], providerCountry: 'NL' },
    recipients: [MUNICIPALITY_OF_LOCATION],
  }),
  sourced({
    id: 'ZORGINSPECTIE-VLAANDEREN',
    description: "Providers within Zorginspectie's reach: a location in Flanders (or in Brussels, registered by Zorginspectie)",
    sources: [
      { document: 'Zorginspectie, missie en visie', section: 'part "Onze missie" (inspection of care in Flanders)' },
      { document: ACCESS_RULES, section: '§Reach (a Belgian location’s region follows from its postcode)' },
    ],
    when: { providerInReachOf: 'ZORGINSPECTIE' },
    recipients: ['ZORGINSPECTIE'],
  }),
  sourced({
    id: 'IGJ-GEZONDHEIDSZORG',
    description: 'Health care and youth care in the Netherlands, including the medical care in AZC, PI and FPC (with Inspectie JenV)',
    sources: [
      { document: WERKPLAN_2019, section: '§1.1 Taak van de inspectie' },
      { document: WERKPLAN_2019, section: '§3.3 Zorg aan justitiabelen en asielzoekers; §3.7 Jeugd' },
    ],
    when: { providerSectors: HEALTH_AND_YOUTH_CARE, providerCountry: 'NL' },
    recipients: ['IGJ'],
  }),
];

/**
 * Not a rule of receipt but of enforcement: an AANGIFTE (criminal report) routes its facts to the OM — its related
 * signals, or a signal made for the report when it has none (enforcement/enforcement-recording.service.ts).
 */
export const OM_AANGIFTE: RoutingRule = sourced({
  id: 'OM-AANGIFTE',
  description: 'A criminal report (AANGIFTE) recorded as an enforcement measure: its facts go to the OM',
  sources: [
    { document: 'Wetboek van Strafvordering', section: 'art. 162 (aangifteplicht of public bodies and officials)' },
    { document: WERKPLAN_2019, section: '§1.3.4 Opsporing en boetes (Samenwerkingsprotocol IGJ en OM)' },
  ],
  when: { providerCountry: 'NL' },
  recipients: ['OM'],
});

export const RULE_SETS: readonly RuleSet[] = [
  {
    version: '2026.1',
    validFrom: '2026-11-23',
    rules: [
      OM_STRAFBAAR_FEIT,
      OM_STRAFBARE_CATEGORIE,
      NZA_IGJ_ZORGFRAUDE,
      IJENV_JUSTITIELE_ZORG,
      IJENV_JEUGD_ERNSTIG,
      {
        id: 'GEMEENTE-WMO-JEUGD',
        description: 'Wmo support and youth care: the municipality of each location',
        basis: 'Wmo 2015 art. 6.1; Jeugdwet art. 9.2',
        when: { providerSectors: [Sector.WMO, Sector.JEUGDHULP], providerCountry: 'NL' },
        recipients: [MUNICIPALITY_OF_LOCATION],
        dueDays: 42,
      },
      ZORGINSPECTIE_VLAANDEREN,
      IGJ_GEZONDHEIDSZORG,
    ],
  },
  {
    // Municipalities supervise Wmo support; they purchase youth care but do not supervise it (IGJ does, with
    // Inspectie JenV where justice is involved). 2026.1 also sent youth-care signals to them.
    version: '2026.2',
    validFrom: '2026-11-24',
    rules: [
      OM_STRAFBAAR_FEIT,
      OM_STRAFBARE_CATEGORIE,
      NZA_IGJ_ZORGFRAUDE,
      IJENV_JUSTITIELE_ZORG,
      IJENV_JEUGD_ERNSTIG,
      {
        id: 'GEMEENTE-WMO',
        description: 'Wmo support: the municipality of each location',
        basis: 'Wmo 2015 art. 6.1 (toezicht door de gemeente)',
        when: { providerSectors: [Sector.WMO], providerCountry: 'NL' },
        recipients: [MUNICIPALITY_OF_LOCATION],
        dueDays: 42,
      },
      ZORGINSPECTIE_VLAANDEREN,
      IGJ_GEZONDHEIDSZORG,
    ],
  },
  {
    // Every rule cites its source. Removed: OM-STRAFBARE-CATEGORIE (no category alone sends personal data to the
    // OM) and IJENV-JEUGD-ERNSTIG (no source). The OM and the NZa receive Dutch providers' signals only; IGJ also
    // receives those about AZC, PI and FPC (with Inspectie JenV); Zorginspectie follows its reach by region; one
    // due period for every recipient.
    version: '2026.3',
    validFrom: '2026-12-01',
    rules: RULES_2026_3,
  },
];

/** The newest rule set (what `routingRules` shows by default). */
export const CURRENT_RULE_SET: RuleSet = RULE_SETS.at(-1)!;

export function ruleSet(version: string): RuleSet | undefined {
  return RULE_SETS.find((set) => set.version === version);
}

/**
 * The rule set valid on a calendar day (YYYY-MM-DD, Dutch time): the newest whose `validFrom` is not after it. A
 * signal is routed by the set valid at its receipt; before the first set, the first one applies.
 */
export function ruleSetValidOn(day: string): RuleSet {
  return [...RULE_SETS].reverse().find((set) => set.validFrom <= day) ?? RULE_SETS[0]!;
}
