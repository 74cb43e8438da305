import { organisationKindOf, type OrganisationKind } from '../access/organisations.js';
import { locationWithinReach, PROVIDER_REACH, type LocationPlace } from '../access/scope.js';
import type { Sector } from '../providers/index.js';
import { CURRENT_RULE_SET, MUNICIPALITY_OF_LOCATION, type RoutingCondition, type RuleSet } from './routing-rules.js';
import type { Severity, SignalCategory } from './signal.enums.js';

export interface ProviderFacts {
  sectors: readonly Sector[];
  locations: ReadonlyArray<LocationPlace & { municipalityCode: string | null }>;
}

/** What routing looks at: the signal, its submitter and its providers. */
export interface RoutingFacts {
  category: SignalCategory;
  severity: Severity;
  possibleCriminalOffence: boolean;
  submitter: string;
  submitterKind: OrganisationKind;
  providers: readonly ProviderFacts[];
}

export interface PlannedRouting {
  recipient: string;
  ruleId: string;
  protocolVersion: string;
  dueDays: number;
}

/** Applies a rule set (by default the current one): one routing per recipient, never to the submitter. */
export function routeSignal(facts: RoutingFacts, rules: RuleSet = CURRENT_RULE_SET): PlannedRouting[] {
  const routings = new Map<string, PlannedRouting>();
  for (const rule of rules.rules) {
    const providers = matchingProviders(rule.when, facts);
    if (!providers || !signalMatches(rule.when, facts)) continue;
    for (const recipient of rule.recipients.flatMap((entry) => resolve(entry, providers))) {
      if (recipient === facts.submitter || routings.has(recipient)) continue;
      routings.set(recipient, { recipient, ruleId: rule.id, protocolVersion: rules.version, dueDays: rule.dueDays });
    }
  }
  return [...routings.values()];
}

function signalMatches(when: RoutingCondition, facts: RoutingFacts): boolean {
  if (when.categories && !when.categories.includes(facts.category)) return false;
  if (when.possibleCriminalOffence !== undefined && when.possibleCriminalOffence !== facts.possibleCriminalOffence) return false;
  if (when.severities && !when.severities.includes(facts.severity)) return false;
  if (when.submitterKinds && !when.submitterKinds.includes(facts.submitterKind)) return false;
  if (when.submitters && !when.submitters.includes(facts.submitter)) return false;
  return true;
}

/**
 * The providers that satisfy all provider conditions of a rule together (sector, country and municipality must
 * hold for the same provider); undefined when the rule's provider conditions match none.
 */
function matchingProviders(when: RoutingCondition, facts: RoutingFacts): readonly ProviderFacts[] | undefined {
  const { providerSectors, providerCountry, providerMunicipality, providerInReachOf } = when;
  if (!providerSectors && !providerCountry && !providerMunicipality && !providerInReachOf) return facts.providers;
  const reach = providerInReachOf ? PROVIDER_REACH[organisationKindOf(providerInReachOf)!] : undefined;
  const matching = facts.providers.filter(
    (provider) =>
      (!providerSectors || provider.sectors.some((sector) => providerSectors.includes(sector))) &&
      (!providerCountry || provider.locations.some((location) => location.country === providerCountry)) &&
      (!providerMunicipality || provider.locations.some((location) => location.municipalityCode === providerMunicipality)) &&
      (!reach || provider.locations.some((location) => locationWithinReach(reach, providerInReachOf!, location))),
  );
  return matching.length > 0 ? matching : undefined;
}

function resolve(recipient: string, providers: readonly ProviderFacts[]): string[] {
  if (recipient !== MUNICIPALITY_OF_LOCATION) return [recipient];
  const codes = providers.flatMap((provider) =>
    provider.locations.filter((location) => location.country === 'NL' && location.municipalityCode).map((location) => location.municipalityCode!),
  );
  return [...new Set(codes)].sort();
}
