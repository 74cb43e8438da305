import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Role } from '../access/roles.js';
import { Connection } from '../platform/graphql/connection.js';
import { DateTime, JSONObject } from '../platform/graphql/scalars.js';

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'One access to protected data, or one write.' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTime)
  occurredAt!: Date;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => String, { description: 'The person or client that acted.' })
  actorSub!: string;

  @Field(() => String, { description: 'The organisation the actor acted for.' })
  actorOrganisationCode!: string;

  @Field(() => [Role])
  actorRoles!: Role[];

  @Field(() => String, { description: 'The GraphQL operation, e.g. provider or registerProvider.' })
  operation!: string;

  @Field(() => String)
  resourceType!: string;

  @Field(() => [ID])
  resourceIds!: string[];

  @Field(() => [String], { description: 'Organisations whose data was touched.' })
  ownerOrganisationCodes!: string[];

  @Field(() => String, { description: 'SUCCESS, or the error code the actor received.' })
  outcome!: string;

  @Field(() => JSONObject, { nullable: true })
  details!: Record<string, unknown> | null;
}

@InputType('AuditEventFilter')
export class AuditEventFilter {
  @Field(() => DateTime, { nullable: true })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true })
  to?: Date | null;

  @Field(() => String, { nullable: true })
  actorOrganisationCode?: string | null;

  @Field(() => String, { nullable: true })
  resourceType?: string | null;
}

export const AuditEventConnection = Connection(AuditEvent, 'AuditEvent');
