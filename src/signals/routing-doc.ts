import { Sector } from '../providers/index.js';
import { replaceGeneratedBlock } from '../platform/generated-blocks.js';
import { MUNICIPALITY_OF_LOCATION, OM_AANGIFTE, RULE_SETS, type RoutingCondition, type RoutingRule, type RuleSet } from './routing-rules.js';

/** A rule's condition in words, for docs/routing.md and the routingRules query. */
export function describeCondition(when: RoutingCondition): string {
  const parts: string[] = [];
  if (when.possibleCriminalOffence !== undefined) parts.push(`possibleCriminalOffence is ${when.possibleCriminalOffence}`);
  if (when.categories) parts.push(`category is ${when.categories.join(' or ')}`);
  if (when.severities) parts.push(`severity is ${when.severities.join(' or ')}`);
  const provider: string[] = [];
  if (when.providerSectors) provider.push(`works in ${when.providerSectors.length > 8 ? `any sector but ${otherSectors(when.providerSectors)}` : when.providerSectors.join(' or ')}`);
  if (when.providerCountry) provider.push(`has a location in ${when.providerCountry === 'NL' ? 'the Netherlands' : 'Belgium'}`);
  if (when.providerMunicipality) provider.push(`has a location in ${when.providerMunicipality}`);
  if (when.providerInReachOf) provider.push(`is within ${when.providerInReachOf}'s reach`);
  if (provider.length) parts.push(`a provider ${provider.join(' and ')}`);
  if (when.submitterKinds) parts.push(`submitted by a ${when.submitterKinds.join(' or ')}`);
  if (when.submitters) parts.push(`submitted by ${when.submitters.join(' or ')}`);
  return parts.length ? parts.join('; ') : 'always';
}

function otherSectors(sectors: readonly string[]): string {
  return Object.values(Sector).filter((sector) => !sectors.includes(sector)).join(' and ');
}

export function describeRecipients(recipients: readonly string[]): string {
  return recipients.map((recipient) => (recipient === MUNICIPALITY_OF_LOCATION ? 'the municipality of each Dutch location' : recipient)).join(', ');
}

function weeks(days: number): string {
  return days % 7 === 0 ? `${days / 7} weeks` : `${days} days`;
}

function basis(rule: RoutingRule): string {
  return rule.sources ? rule.sources.map((source) => `${source.document}, ${source.section}`).join('<br>') : rule.basis;
}

export function renderRuleSet(set: RuleSet): string {
  return [`### Rule set ${set.version} (from ${set.validFrom})`, '', renderRules(set.rules)].join('\n');
}

function renderRules(rules: readonly RoutingRule[]): string {
  const rows = [
    '| # | rule id | when | routes to | due in | basis |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rules.map(
      (rule, index) =>
        `| ${index + 1} | \`${rule.id}\` | ${describeCondition(rule.when)} | ${describeRecipients(rule.recipients)} | ${weeks(rule.dueDays)} | ${basis(rule)} |`,
    ),
  ];
  return rows.join('\n');
}

/** The generated parts of docs/routing.md: every rule set, newest first, and the rule enforcement applies. */
export function renderRoutingDoc(document: string): string {
  const sets = [...RULE_SETS].reverse().map(renderRuleSet).join('\n\n');
  const withSets = replaceGeneratedBlock(document, 'rules', sets, 'docs/routing.md');
  return replaceGeneratedBlock(withSets, 'enforcement-rules', renderRules([OM_AANGIFTE]), 'docs/routing.md');
}
