import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Organisation } from '../organisations/index.js';
import { Connection } from '../platform/graphql/connection.js';
import { DateTime } from '../platform/graphql/scalars.js';
import { Location, Provider } from '../providers/index.js';
import { MAX_ORGANISATIONS } from '../access/organisations.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import {
  MAX_CONFLICTS,
  MAX_HISTORY,
  MAX_MERGE,
  MAX_PARTICIPANTS,
  MAX_PROVIDERS,
  MAX_SHARED_WITH,
} from './visit.validation.js';
import {
  ConflictResolution,
  ConflictScope,
  ProposalDirection,
  ProposalStatus,
  VisitAction,
  VisitKind,
  VisitStatus,
  WindowPrecision,
} from './visit.enums.js';

registerEnumType(VisitKind, { name: 'VisitKind' });
registerEnumType(VisitStatus, { name: 'VisitStatus' });
registerEnumType(ConflictScope, { name: 'ConflictScope' });
registerEnumType(ConflictResolution, { name: 'ConflictResolution', description: 'How an open conflict ended.' });
registerEnumType(WindowPrecision, { name: 'WindowPrecision' });
registerEnumType(ProposalStatus, { name: 'ProposalStatus' });
registerEnumType(ProposalDirection, { name: 'ProposalDirection' });
registerEnumType(VisitAction, { name: 'VisitAction' });

@ObjectType('TimeWindow', { simpleResolvers: true, description: 'A half-open time window [start, end).' })
export class TimeWindow {
  @Field(() => DateTime)
  start!: string;

  @Field(() => DateTime)
  end!: string;

  @Field(() => WindowPrecision, {
    description: 'WEEK: an unannounced visit you have only the planning view of; start and end are the Mondays around its ISO week.',
  })
  precision!: WindowPrecision;
}

@Directive('@key(fields: "id")')
@ObjectType('Visit', { simpleResolvers: true, description: 'A planned inspection visit (inspectiebezoek).' })
export class Visit {
  @Field(() => ID)
  id!: string;

  @Field(() => Organisation, { description: 'The lead organisation.' })
  organisation!: Organisation;

  @ListSize({ max: MAX_PARTICIPANTS })
  @Field(() => [Organisation], { description: `Organisations that joined this visit by accepting a merge; at most ${MAX_PARTICIPANTS}.` })
  participants!: Organisation[];

  @ListSize({ max: MAX_SHARED_WITH })
  @Field(() => [Organisation], { description: `Organisations given the detail view (detail view only); at most ${MAX_SHARED_WITH}.` })
  sharedWith!: Organisation[];

  @ListSize({ max: MAX_PROVIDERS })
  @Field(() => [Provider], { description: `The providers of the visit that are within your reach; at most ${MAX_PROVIDERS}.` })
  providers!: Provider[];

  @Field(() => Location, { nullable: true })
  location!: Location | null;

  @Field(() => TimeWindow)
  window!: TimeWindow;

  @Field(() => Boolean)
  announced!: boolean;

  @Field(() => VisitKind)
  kind!: VisitKind;

  @Field(() => [String], { description: 'Themes (detail view; empty otherwise).' })
  themes!: string[];

  @Field(() => String, { nullable: true, description: 'Notes (detail view).' })
  notes!: string | null;

  @Field(() => VisitStatus)
  status!: VisitStatus;

  @Field(() => Boolean, { description: 'Whether you have the detail view of this visit.' })
  detail!: boolean;

  @Field(() => [VisitConflict], { description: 'Conflicts with other visits you can see, open and resolved.' })
  conflicts!: VisitConflict[];

  @Field(() => Visit, { nullable: true, description: 'The joint visit this one was merged into.' })
  mergedInto!: Visit | null;

  @ListSize({ max: MAX_HISTORY })
  @Field(() => [VisitHistoryEntry], {
    description: `Who changed what, when and why: the newest ${MAX_HISTORY} entries, oldest first (detail view; empty otherwise).`,
  })
  history!: VisitHistoryEntry[];
}

@ObjectType('VisitConflict', { simpleResolvers: true })
export class VisitConflict {
  @Field(() => Visit, { description: 'The other visit.' })
  visit!: Visit;

  @Field(() => ConflictScope)
  scope!: ConflictScope;

  @Field(() => Int, { description: 'Whole days between the two planning windows (0 when they overlap).' })
  gapDays!: number;

  @Field(() => ConflictResolution, { nullable: true, description: 'Null while the conflict is open.' })
  resolution!: ConflictResolution | null;

  @Field(() => DateTime, { nullable: true })
  detectedAt!: string | null;

  @Field(() => Organisation, { nullable: true, description: 'The organisation that resolved it.' })
  resolvedBy!: Organisation | null;

  @Field(() => String, { nullable: true, description: 'Why both visits are kept (ACKNOWLEDGED; detail view).' })
  justification!: string | null;
}

@ObjectType('VisitHistoryEntry', { simpleResolvers: true })
export class VisitHistoryEntry {
  @Field(() => DateTime)
  at!: string;

  @Field(() => VisitAction)
  action!: VisitAction;

  @Field(() => Organisation)
  organisation!: Organisation;

  @Field(() => String, { description: 'The person or client that acted.' })
  actorSub!: string;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => ID, { nullable: true, description: 'The other visit involved (merge, acknowledged conflict).' })
  relatedVisitId!: string | null;

  @Field(() => TimeWindow, { nullable: true, description: 'RESCHEDULED: the window before.' })
  previousWindow!: TimeWindow | null;
}

@ObjectType('PlanVisitPayload', { simpleResolvers: true })
export class PlanVisitPayload {
  @Field(() => Visit)
  visit!: Visit;

  @ListSize({ max: MAX_CONFLICTS })
  @Field(() => [VisitConflict], { description: `The open conflicts of the visit: planning is never blocked by them; at most ${MAX_CONFLICTS}.` })
  conflicts!: VisitConflict[];
}

@ObjectType('VisitPayload', { simpleResolvers: true })
export class VisitPayload {
  @Field(() => Visit)
  visit!: Visit;
}

@ObjectType('CoordinationProposal', { simpleResolvers: true, description: 'A request to merge another organisation\'s visit into a joint visit.' })
export class CoordinationProposal {
  @Field(() => ID)
  id!: string;

  @Field(() => Visit, { nullable: true, description: 'The joint visit (null if you cannot see it).' })
  leadVisit!: Visit | null;

  @Field(() => Visit, { nullable: true, description: 'The visit to merge into it.' })
  visit!: Visit | null;

  @Field(() => Organisation)
  from!: Organisation;

  @Field(() => Organisation)
  to!: Organisation;

  @Field(() => ProposalStatus)
  status!: ProposalStatus;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => String, { nullable: true })
  responseNote!: string | null;

  @Field(() => DateTime)
  createdAt!: string;

  @Field(() => DateTime, { nullable: true })
  respondedAt!: string | null;
}

@ObjectType('CoordinateVisitsPayload', { simpleResolvers: true })
export class CoordinateVisitsPayload {
  @Field(() => Visit, { description: 'The joint visit.' })
  visit!: Visit;

  @ListSize({ max: MAX_MERGE })
  @Field(() => [CoordinationProposal], { description: `Proposals sent for other organisations' visits; at most ${MAX_MERGE}.` })
  proposals!: CoordinationProposal[];

  @ListSize({ max: MAX_MERGE })
  @Field(() => [Visit], { description: `Your organisation's visits merged at once; at most ${MAX_MERGE}.` })
  merged!: Visit[];
}

@ObjectType('CoordinationProposalPayload', { simpleResolvers: true })
export class CoordinationProposalPayload {
  @Field(() => CoordinationProposal)
  proposal!: CoordinationProposal;
}

@ObjectType('OrganisationLoad', { simpleResolvers: true })
export class OrganisationLoad {
  @Field(() => Organisation)
  organisation!: Organisation;

  @Field(() => Int)
  visitCount!: number;

  @Field(() => Int, { description: 'Enforcement measures of this organisation imposed in the period or still in force, that you may see.' })
  enforcementCount!: number;
}

@ObjectType('SupervisoryLoad', { simpleResolvers: true, description: 'Toezichtlast: how many supervisors visit a provider in a period.' })
export class SupervisoryLoad {
  @Field(() => Provider)
  provider!: Provider;

  @Field(() => Int, { description: 'The period runs from this many days ago to this many days ahead.' })
  days!: number;

  @Field(() => DateTime)
  from!: string;

  @Field(() => DateTime)
  to!: string;

  @Field(() => Int, { description: 'Visits (not cancelled) in the period; a joint visit counts once.' })
  visitCount!: number;

  @Field(() => Int, { description: 'Organisations leading or joining those visits.' })
  organisationCount!: number;

  @Field(() => Int, { description: 'Enforcement measures imposed in the period (from `days` ago until today) or still in force (ACTIVE), that you may see.' })
  enforcementCount!: number;

  @ListSize({ max: MAX_ORGANISATIONS })
  @Field(() => [OrganisationLoad], { description: `Every organisation with visits or measures counted here; at most ${MAX_ORGANISATIONS}.` })
  byOrganisation!: OrganisationLoad[];
}

export const VisitConnection = Connection(Visit, 'Visit');
