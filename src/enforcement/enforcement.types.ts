import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Organisation } from '../organisations/index.js';
import { Connection } from '../platform/graphql/connection.js';
import { DateTime, LocalDate } from '../platform/graphql/scalars.js';
import { Provider } from '../providers/index.js';
import { Signal } from '../signals/index.js';
import { Visit } from '../visits/index.js';
import { EnforcementStatus, EnforcementType } from './enforcement.enums.js';
import { MAX_LEGAL_BASIS, MAX_NOTES, MAX_RELATED } from './enforcement.validation.js';

registerEnumType(EnforcementType, { name: 'EnforcementType', description: 'The kind of measure (see docs/enforcement.md).' });
registerEnumType(EnforcementStatus, {
  name: 'EnforcementActionStatus',
  description: 'ACTIVE, COMPLIED, WITHDRAWN, or LAPSED: an active measure past its validUntil (a BEVEL after 7 days), derived.',
});

@ObjectType('EnforcementActionStatusChange', { simpleResolvers: true, description: 'One entry of a measure’s status history.' })
export class EnforcementActionStatusChange {
  @Field(() => EnforcementStatus)
  status!: EnforcementStatus;

  @Field(() => String, { nullable: true, description: 'Why: for the recording organisation only.' })
  note!: string | null;

  @Field(() => Organisation)
  changedBy!: Organisation;

  @Field(() => DateTime)
  changedAt!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('EnforcementAction', { simpleResolvers: true, description: 'An enforcement measure (handhavingsmaatregel).' })
export class EnforcementAction {
  @Field(() => ID)
  id!: string;

  @Field(() => Organisation, { description: 'The organisation that imposed and recorded it.' })
  organisation!: Organisation;

  @Field(() => Provider, {
    description: 'The provider. Read through a published measure only, it shows its name and register numbers, no locations.',
  })
  provider!: Provider;

  @Field(() => EnforcementType)
  type!: EnforcementType;

  @Field(() => String, { description: 'The regulation and article it rests on, e.g. "Wkkgz art. 27".' })
  legalBasis!: string;

  @Field(() => LocalDate)
  imposedOn!: string;

  @Field(() => LocalDate, { nullable: true, description: 'The last day it is valid (a BEVEL: 7 days after imposition).' })
  validUntil!: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'The day by which the provider must comply.' })
  deadline!: string | null;

  @Field(() => EnforcementStatus)
  status!: EnforcementStatus;

  @Field(() => Boolean, { description: 'Published (openbaarmaking): readable by anyone through publicEnforcementActions.' })
  published!: boolean;

  @Field(() => DateTime, { nullable: true })
  publishedAt!: string | null;

  @Field(() => DateTime)
  recordedAt!: string;

  @Field(() => String, { nullable: true, description: 'Internal notes: for the recording organisation only (null for everyone else).' })
  notes!: string | null;

  @Field(() => [Signal], { description: `The related signals you may see (none in the public view); at most ${MAX_RELATED}.` })
  relatedSignals!: Signal[];

  @Field(() => [Visit], { description: `The related visits you may see (none in the public view); at most ${MAX_RELATED}.` })
  relatedVisits!: Visit[];

  @Field(() => [EnforcementActionStatusChange], { description: 'The status history, oldest first (none in the public view).' })
  history!: EnforcementActionStatusChange[];
}

@ObjectType('EnforcementActionPayload', { simpleResolvers: true })
export class EnforcementActionPayload {
  @Field(() => EnforcementAction)
  enforcementAction!: EnforcementAction;
}

@InputType('RecordEnforcementActionInput')
export class RecordEnforcementActionInput {
  @Field(() => ID)
  providerId!: string;

  @Field(() => EnforcementType)
  type!: EnforcementType;

  @Field(() => String, {
    description: `"<regulation> art. <article>[ lid <n>][ onder <letter>]", e.g. "Wkkgz art. 27" or "Awb art. 5:32 lid 1"; at most ${MAX_LEGAL_BASIS} characters.`,
  })
  legalBasis!: string;

  @Field(() => LocalDate, { description: 'The day it was imposed: not in the future.' })
  imposedOn!: string;

  @Field(() => LocalDate, { nullable: true, description: 'Required for an AANWIJZING and a LAST_ONDER_DWANGSOM; not before imposedOn.' })
  deadline?: string | null;

  @Field(() => [ID], {
    defaultValue: [],
    description: `Signals about the provider that you may see, at most ${MAX_RELATED}. A BESTUURLIJKE_BOETE is refused while the OM has not released their facts (Awb 5:44).`,
  })
  relatedSignalIds!: string[];

  @Field(() => [ID], { defaultValue: [], description: `Visits to the provider that you may see, at most ${MAX_RELATED}.` })
  relatedVisitIds!: string[];

  @Field(() => String, { nullable: true, description: `Internal notes, for your organisation only; at most ${MAX_NOTES} characters.` })
  notes?: string | null;
}

@InputType('PublishEnforcementActionInput')
export class PublishEnforcementActionInput {
  @Field(() => ID)
  enforcementActionId!: string;
}

@InputType('UpdateEnforcementActionStatusInput')
export class UpdateEnforcementActionStatusInput {
  @Field(() => ID)
  enforcementActionId!: string;

  @Field(() => EnforcementStatus, { description: 'COMPLIED or WITHDRAWN.' })
  status!: EnforcementStatus;

  @Field(() => String, { nullable: true, description: `Why (required to withdraw); for your organisation only; at most ${MAX_NOTES} characters.` })
  note?: string | null;
}

@InputType('EnforcementActionFilter')
export class EnforcementActionFilter {
  @Field(() => ID, { nullable: true })
  providerId?: string | null;

  @Field(() => String, { nullable: true, description: 'The recording organisation, e.g. IGJ.' })
  organisationCode?: string | null;

  @Field(() => EnforcementType, { nullable: true })
  type?: EnforcementType | null;

  @Field(() => EnforcementStatus, { nullable: true })
  status?: EnforcementStatus | null;

  @Field(() => LocalDate, { nullable: true, description: 'Imposed on or after this day.' })
  from?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Imposed on or before this day.' })
  to?: string | null;
}

export const EnforcementActionConnection = Connection(EnforcementAction, 'EnforcementAction');
