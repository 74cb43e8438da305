import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MAX_ORGANISATIONS } from '../access/organisations.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { DateTime } from '../platform/graphql/scalars.js';
import { Severity, SignalCategory, SubmitOutcome } from './signal.enums.js';
import { Signal, SignalRouting } from './signal.types.js';
import { MAX_BULK, MAX_PROVIDER_REFS } from './signal.validation.js';

registerEnumType(SubmitOutcome, { name: 'SubmitOutcome' });

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
