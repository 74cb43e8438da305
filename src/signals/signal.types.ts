import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Organisation } from '../organisations/index.js';
import { Connection } from '../platform/graphql/connection.js';
import { DateTime } from '../platform/graphql/scalars.js';
import { Provider } from '../providers/index.js';
import { RoutingOutcome, RoutingStatus, Severity, SignalCategory, SignalStatus, SubmitOutcome } from './signal.enums.js';
import { MAX_ORGANISATIONS } from '../access/organisations.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { MAX_BULK, MAX_PROVIDER_REFS } from './signal.validation.js';

registerEnumType(SignalCategory, { name: 'SignalCategory' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(RoutingOutcome, { name: 'RoutingOutcome' });
registerEnumType(RoutingStatus, { name: 'RoutingStatus' });
registerEnumType(SignalStatus, { name: 'SignalStatus', description: "Derived from the signal's routings." });
registerEnumType(SubmitOutcome, { name: 'SubmitOutcome' });

@ObjectType('RoutingDecision', { simpleResolvers: true })
export class RoutingDecision {
  @Field(() => RoutingOutcome)
  outcome!: RoutingOutcome;

  @Field(() => String, {
    nullable: true,
    description: 'Why: visible to the deciding organisation and the submitter only (null for the other recipients).',
  })
  note!: string | null;

  @Field(() => DateTime)
  decidedAt!: string;

  @Field(() => Organisation)
  decidedBy!: Organisation;
}

@ObjectType('SignalRouting', { simpleResolvers: true, description: 'A recipient of a signal, by a rule of the cooperation protocol.' })
export class SignalRouting {
  @Field(() => ID)
  id!: string;

  @Field(() => Signal, { nullable: true })
  signal!: Signal | null;

  @Field(() => Organisation)
  recipient!: Organisation;

  @Field(() => String, { description: 'The routing rule that fired (see docs/routing.md).' })
  ruleId!: string;

  @Field(() => String, { description: 'The version of the rule set it belongs to.' })
  protocolVersion!: string;

  @Field(() => RoutingStatus)
  status!: RoutingStatus;

  @Field(() => DateTime)
  createdAt!: string;

  @Field(() => DateTime, { description: 'Decide before this moment; after it the routing reads as EXPIRED.' })
  dueAt!: string;

  @Field(() => RoutingDecision, { nullable: true })
  decision!: RoutingDecision | null;
}

@Directive('@key(fields: "id")')
@ObjectType('Signal', { simpleResolvers: true, description: 'A signal (melding) about care providers.' })
export class Signal {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "The submitter's own reference; unique per submitting organisation." })
  externalId!: string;

  @Field(() => Organisation, { description: 'The submitting organisation.' })
  source!: Organisation;

  @Field(() => SignalCategory)
  category!: SignalCategory;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => Boolean)
  possibleCriminalOffence!: boolean;

  @ListSize({ max: MAX_PROVIDER_REFS })
  @Field(() => [Provider], { description: `At most ${MAX_PROVIDER_REFS}.` })
  providers!: Provider[];

  @Field(() => DateTime)
  occurredAt!: string;

  @Field(() => DateTime)
  receivedAt!: string;

  @Field(() => String)
  summary!: string;

  @Field(() => SignalStatus)
  status!: SignalStatus;

  @Field(() => Boolean, { description: 'Whether a person (BSN) was named; the BSN itself is never returned.' })
  hasSubject!: boolean;

  @Field(() => [SignalRouting])
  routings!: SignalRouting[];

  @Field(() => [Signal], { description: 'Other signals about the same person that you may see.' })
  relatedSignals!: Signal[];
}

@InputType('ProviderRefInput', { description: 'Exactly one of the keys.' })
export class ProviderRefInput {
  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  kvkNumber?: string | null;

  @Field(() => String, { nullable: true })
  kboNumber?: string | null;

  @Field(() => String, { nullable: true })
  agbCode?: string | null;
}

@InputType('SubmitSignalInput')
export class SubmitSignalInput {
  @Field(() => String, { description: 'Your own reference: submitting it again returns the existing signal.' })
  externalId!: string;

  @Field(() => SignalCategory)
  category!: SignalCategory;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => Boolean, { defaultValue: false })
  possibleCriminalOffence!: boolean;

  @Field(() => [ProviderRefInput], { description: `The providers concerned, 1 to ${MAX_PROVIDER_REFS}, each named by exactly one key.` })
  providers!: ProviderRefInput[];

  @Field(() => DateTime)
  occurredAt!: Date;

  @Field(() => String)
  summary!: string;

  @Field(() => String, { nullable: true, description: 'Write-only: stored only as a keyed pseudonym, never returned.' })
  subjectBsn?: string | null;
}

@ObjectType('SubmitSignalPayload', { simpleResolvers: true })
export class SubmitSignalPayload {
  @Field(() => Signal)
  signal!: Signal;

  @ListSize({ max: MAX_ORGANISATIONS })
  @Field(() => [SignalRouting], { description: `At most ${MAX_ORGANISATIONS}.` })
  routings!: SignalRouting[];

  @Field(() => Boolean, { description: 'True when this externalId was already submitted with the same content.' })
  duplicate!: boolean;
}

/** How many problems of one bulk item are listed (a bulk answer of 1,000 items stays within the query cost). */
export const MAX_ITEM_PROBLEMS = 20;

@ObjectType('InputProblem', { simpleResolvers: true, description: 'One invalid input field.' })
export class InputProblem {
  @Field(() => String, { description: 'The path of the field, e.g. input[3].providers[0].kvkNumber.' })
  field!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType('SubmitSignalError', { simpleResolvers: true })
export class SubmitSignalError {
  @Field(() => String)
  code!: string;

  @Field(() => String, { nullable: true })
  field!: string | null;

  @Field(() => String)
  message!: string;

  @ListSize({ max: MAX_ITEM_PROBLEMS })
  @Field(() => [InputProblem], { description: `Every invalid field of the item at once (BAD_USER_INPUT); at most ${MAX_ITEM_PROBLEMS}.` })
  problems!: InputProblem[];
}

@ObjectType('SubmitSignalResult', { simpleResolvers: true })
export class SubmitSignalResult {
  @Field(() => Int, { description: 'Position in the submitted list.' })
  index!: number;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field(() => SubmitOutcome)
  outcome!: SubmitOutcome;

  @Field(() => Signal, { nullable: true })
  signal!: Signal | null;

  @Field(() => SubmitSignalError, { nullable: true })
  error!: SubmitSignalError | null;
}

@ObjectType('SubmitSignalsPayload', { simpleResolvers: true })
export class SubmitSignalsPayload {
  @ListSize({ max: MAX_BULK })
  @Field(() => [SubmitSignalResult], { description: `At most ${MAX_BULK}.` })
  results!: SubmitSignalResult[];

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  duplicates!: number;

  @Field(() => Int)
  errors!: number;
}

@InputType('DecideRoutingInput')
export class DecideRoutingInput {
  @Field(() => ID)
  routingId!: string;

  @Field(() => ID, { nullable: true, description: 'When given, the routing must belong to this signal (NOT_FOUND otherwise).' })
  signalId?: string | null;

  @Field(() => RoutingOutcome)
  outcome!: RoutingOutcome;

  @Field(() => String, { nullable: true, description: 'Required when declining.' })
  note?: string | null;
}

@ObjectType('SignalRoutingPayload', { simpleResolvers: true })
export class SignalRoutingPayload {
  @Field(() => SignalRouting)
  routing!: SignalRouting;
}

@InputType('SignalFilter')
export class SignalFilter {
  @Field(() => ID, { nullable: true })
  providerId?: string | null;

  @Field(() => SignalCategory, { nullable: true })
  category?: SignalCategory | null;

  @Field(() => SignalStatus, { nullable: true })
  status?: SignalStatus | null;

  @Field(() => Boolean, { nullable: true, description: 'Only signals routed to your organisation (or, false, not).' })
  routedToMe?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Signals past their due date without a decision: your own routing, or any routing of a signal you submitted.',
  })
  overdue?: boolean | null;
}

@ObjectType('RoutingRuleSource', { simpleResolvers: true, description: 'A document a rule stands on, and the article or section in it.' })
export class RoutingRuleSourceType {
  @Field(() => String)
  document!: string;

  @Field(() => String)
  section!: string;
}

@ObjectType('RoutingRule', { simpleResolvers: true })
export class RoutingRuleType {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'The basis in words.' })
  basis!: string;

  @ListSize({ max: 10 })
  @Field(() => [RoutingRuleSourceType], { description: `The sources, each with its article or section (empty for rule sets before 2026.3); at most 10.` })
  sources!: RoutingRuleSourceType[];

  @Field(() => String, { description: 'The condition, in words.' })
  condition!: string;

  @Field(() => [String], { description: 'Organisation codes, or MUNICIPALITY_OF_LOCATION.' })
  recipients!: string[];

  @Field(() => Int)
  dueDays!: number;
}

@ObjectType('RoutingRuleSet', { simpleResolvers: true })
export class RoutingRuleSetType {
  @Field(() => String)
  version!: string;

  @Field(() => String)
  validFrom!: string;

  @ListSize({ max: 50 })
  @Field(() => [RoutingRuleType], { description: `At most 50.` })
  rules!: RoutingRuleType[];
}

export const SignalConnection = Connection(Signal, 'Signal');
