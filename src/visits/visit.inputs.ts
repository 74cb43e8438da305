import { Field, ID, InputType, Int } from 'type-graphql';
import { DateTime } from '../platform/graphql/scalars.js';
import { MAX_MERGE, MAX_PROVIDERS, MAX_SHARED_WITH, MAX_TEXT, MAX_THEME_LENGTH, MAX_THEMES } from './visit.validation.js';
import { ProposalDirection, ProposalStatus, VisitKind, VisitStatus } from './visit.enums.js';

/** The inputs of the visit operations; the object types they answer with are in visit.types.ts. */

@InputType('PlanVisitInput')
export class PlanVisitInput {
  @Field(() => [ID], { description: `The providers visited (1 to ${MAX_PROVIDERS}; a network visit covers several).` })
  providerIds!: string[];

  @Field(() => ID, { nullable: true, description: 'A location of one of the providers.' })
  locationId?: string | null;

  @Field(() => DateTime)
  start!: Date;

  @Field(() => DateTime)
  end!: Date;

  @Field(() => Boolean, { defaultValue: true })
  announced!: boolean;

  @Field(() => VisitKind)
  kind!: VisitKind;

  @Field(() => [String], { defaultValue: [], description: `Free tags, at most ${MAX_THEMES} of ${MAX_THEME_LENGTH} characters each.` })
  themes!: string[];

  @Field(() => String, { nullable: true, description: `At most ${MAX_TEXT} characters.` })
  notes?: string | null;

  @Field(() => [String], {
    defaultValue: [],
    description: `Organisation codes given the detail view, at most ${MAX_SHARED_WITH}; each must supervise a provider of the visit.`,
  })
  sharedWith!: string[];
}

@InputType('VisitConflictCheckInput')
export class VisitConflictCheckInput {
  @Field(() => [ID], { description: `1 to ${MAX_PROVIDERS} providers.` })
  providerIds!: string[];

  @Field(() => DateTime)
  start!: Date;

  @Field(() => DateTime)
  end!: Date;

  @Field(() => Int, { nullable: true, description: 'Defaults to the configured margin (CONFLICT_MARGIN_DAYS).' })
  marginDays?: number | null;

  @Field(() => Boolean, { defaultValue: true, description: 'An unannounced visit occupies its whole ISO week.' })
  announced!: boolean;

  @Field(() => ID, { nullable: true, description: 'Leave this visit out (checking a reschedule).' })
  excludeVisitId?: string | null;
}

@InputType('RescheduleVisitInput')
export class RescheduleVisitInput {
  @Field(() => ID)
  visitId!: string;

  @Field(() => DateTime)
  start!: Date;

  @Field(() => DateTime)
  end!: Date;

  @Field(() => String, { nullable: true })
  reason?: string | null;
}

@InputType('CancelVisitInput')
export class CancelVisitInput {
  @Field(() => ID)
  visitId!: string;

  @Field(() => String)
  reason!: string;
}

@InputType('CompleteVisitInput')
export class CompleteVisitInput {
  @Field(() => ID)
  visitId!: string;
}

@InputType('AcknowledgeConflictInput')
export class AcknowledgeConflictInput {
  @Field(() => ID)
  visitId!: string;

  @Field(() => ID)
  conflictingVisitId!: string;

  @Field(() => String)
  justification!: string;
}

@InputType('CoordinateVisitsInput')
export class CoordinateVisitsInput {
  @Field(() => ID, { description: 'Your organisation\'s visit that becomes the joint visit.' })
  leadVisitId!: string;

  @Field(() => [ID], { description: `The visits to merge into it, 1 to ${MAX_MERGE}.` })
  visitIds!: string[];

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType('RespondToCoordinationInput')
export class RespondToCoordinationInput {
  @Field(() => ID)
  proposalId!: string;

  @Field(() => Boolean)
  accept!: boolean;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType('CoordinationProposalFilter')
export class CoordinationProposalFilter {
  @Field(() => ProposalStatus, { nullable: true })
  status?: ProposalStatus | null;

  @Field(() => ProposalDirection, { nullable: true })
  direction?: ProposalDirection | null;
}

@InputType('VisitFilter')
export class VisitFilter {
  @Field(() => ID, { nullable: true })
  providerId?: string | null;

  @Field(() => String, { nullable: true, description: 'Visits led or joined by this organisation.' })
  organisationCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Visits to providers with a location in this municipality.' })
  municipalityCode?: string | null;

  @Field(() => DateTime, { nullable: true, description: 'Visits whose window ends after this moment.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Visits whose window starts before this moment.' })
  to?: Date | null;

  @Field(() => VisitStatus, { nullable: true })
  status?: VisitStatus | null;

  @Field(() => Boolean, { nullable: true })
  hasOpenConflicts?: boolean | null;
}
