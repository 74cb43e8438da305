import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Organisation } from '../organisations/index.js';
import { Connection } from '../platform/graphql/connection.js';
import { DateTime } from '../platform/graphql/scalars.js';
import { Provider } from '../providers/index.js';
import { RoutingOutcome, RoutingStatus, Severity, SignalCategory, SignalStatus } from './signal.enums.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { MAX_PROVIDER_REFS } from './signal.validation.js';

registerEnumType(SignalCategory, { name: 'SignalCategory' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(RoutingOutcome, { name: 'RoutingOutcome' });
registerEnumType(RoutingStatus, { name: 'RoutingStatus' });
registerEnumType(SignalStatus, { name: 'SignalStatus', description: "Derived from the signal's routings." });

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

export const SignalConnection = Connection(Signal, 'Signal');
