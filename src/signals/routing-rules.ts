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
  submitterKinds?: readonly OrganisationKind[];
  submitters?: readonly string[];
}

/** An organisation code, or MUNICIPALITY_OF_LOCATION: every municipality where a provider of the signal is located. */
export type Recipient = string;
export const MUNICIPALITY_OF_LOCATION = 'MUNICIPALITY_OF_LOCATION';

export interface RoutingRule {
  id: string;
  description: string;
  basis: string;
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
];

export const CURRENT_RULE_SET: RuleSet = RULE_SETS.at(-1)!;

export function ruleSet(version: string): RuleSet | undefined {
  return RULE_SETS.find((set) => set.version === version);
}
