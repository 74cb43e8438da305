import { OrganisationKind } from '../access/organisations.js';
import { EnforcementType } from './enforcement.enums.js';

/**
 * What each kind of measure is allowed and how it behaves: the one place these rules live (docs/enforcement.md
 * renders this table). Everything not stated here follows the general rules of the enforcement services.
 */
export interface EnforcementTypeRule {
  /** Organisation kinds whose ENFORCEMENT_OFFICER may record it (the OM records no administrative measures). */
  recordedBy: readonly OrganisationKind[];
  /** Published the moment it is recorded (openbaarmaking of aanwijzingen, bevelen and verscherpt toezicht). */
  publishedOnRecording: boolean;
  /** May be published later with publishEnforcementAction. */
  publishable: boolean;
  /** Valid this many calendar days from imposition (`validUntil`); past it, an ACTIVE measure reads as LAPSED. */
  validDays?: number;
  /** A deadline is part of the measure (the term within which the provider must comply). */
  deadlineRequired: boolean;
  /** Una via (Awb 5:44): refused while an OM routing of its related signals has not released the facts. */
  needsOmRelease: boolean;
  /** A criminal report: its facts are routed to the OM (and only concern providers in the Netherlands). */
  reportsToOm: boolean;
  /** Why, in a few words, with the source. */
  basis: string;
}

const DUTCH_SUPERVISORS: readonly OrganisationKind[] = [OrganisationKind.INSPECTORATE, OrganisationKind.MARKET_AUTHORITY, OrganisationKind.MUNICIPALITY];

const plain = { publishedOnRecording: false, publishable: true, deadlineRequired: false, needsOmRelease: false, reportsToOm: false };

export const ENFORCEMENT_TYPES: Readonly<Record<EnforcementType, EnforcementTypeRule>> = {
  [EnforcementType.NORMOVERDRAGEND_GESPREK]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    basis: 'stimulating measure of the IGJ handhavingskader; published only when the recording organisation decides to',
  },
  [EnforcementType.VERSCHERPT_TOEZICHT]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    publishedOnRecording: true,
    basis: 'IGJ handhavingskader; published on recording (openbaarmaking)',
  },
  [EnforcementType.AANWIJZING]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    publishedOnRecording: true,
    deadlineRequired: true,
    basis: 'a written instruction with measures and a deadline; published on recording (openbaarmaking)',
  },
  [EnforcementType.BEVEL]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    publishedOnRecording: true,
    validDays: 7,
    basis: 'an immediate order for danger that cannot wait; valid 7 days; published on recording',
  },
  [EnforcementType.LAST_ONDER_DWANGSOM]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    deadlineRequired: true,
    basis: 'an order with a penalty for each breach after the deadline (begunstigingstermijn)',
  },
  [EnforcementType.BESTUURLIJKE_BOETE]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    needsOmRelease: true,
    basis: 'an administrative fine; una via (Awb art. 5:44): only after the OM declined, or 13 weeks without its decision',
  },
  [EnforcementType.TUCHTKLACHT]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    basis: 'a disciplinary complaint; the public record names the provider, never the professional',
  },
  [EnforcementType.AANGIFTE]: {
    ...plain,
    recordedBy: DUTCH_SUPERVISORS,
    publishable: false,
    reportsToOm: true,
    basis: 'a criminal report to the OM (Sv art. 162); never published by us — what becomes public is for the OM',
  },
  [EnforcementType.VEILIGHEIDSMAATREGEL]: {
    ...plain,
    recordedBy: [OrganisationKind.FOREIGN_INSPECTORATE],
    basis: "Zorginspectie's short-term safety measure for serious risks to safe care (Zorginspectie, missie en visie)",
  },
};
