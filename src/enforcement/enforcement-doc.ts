import { OrganisationKind } from '../access/organisations.js';
import { replaceGeneratedBlock } from '../platform/generated-blocks.js';
import type { EnforcementType } from './enforcement.enums.js';
import { ENFORCEMENT_TYPES } from './enforcement-types.js';

const KIND_WORDS: Record<OrganisationKind, string> = {
  [OrganisationKind.INSPECTORATE]: 'inspectorates',
  [OrganisationKind.MARKET_AUTHORITY]: 'the NZa',
  [OrganisationKind.MUNICIPALITY]: 'municipalities',
  [OrganisationKind.PROSECUTION]: 'the OM',
  [OrganisationKind.FOREIGN_INSPECTORATE]: 'Zorginspectie',
};

/** The table of measure types in docs/enforcement.md, from ENFORCEMENT_TYPES. */
export function renderEnforcementTypes(): string {
  const rows = ['| type | recorded by | published | valid | deadline | una via | to the OM | why |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const [type, rule] of Object.entries(ENFORCEMENT_TYPES) as Array<[EnforcementType, (typeof ENFORCEMENT_TYPES)[EnforcementType]]>) {
    const published = rule.publishedOnRecording ? 'on recording' : rule.publishable ? 'with publishEnforcementAction' : 'never';
    rows.push(
      `| \`${type}\` | ${rule.recordedBy.map((kind) => KIND_WORDS[kind]).join(', ')} | ${published} | ${rule.validDays ? `${rule.validDays} days` : '–'} | ` +
        `${rule.deadlineRequired ? 'required' : 'optional'} | ${rule.needsOmRelease ? 'yes' : '–'} | ${rule.reportsToOm ? 'yes' : '–'} | ${rule.basis} |`,
    );
  }
  return rows.join('\n');
}

export function renderEnforcementDoc(document: string): string {
  return replaceGeneratedBlock(document, 'types', renderEnforcementTypes(), 'docs/enforcement.md');
}
