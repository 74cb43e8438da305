import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Organisation } from '../organisations/index.js';
import { Connection } from '../platform/graphql/connection.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { DateTime } from '../platform/graphql/scalars.js';
import { DeliveryStatus, EventResourceType, EventType } from './event.enums.js';
import { MAX_ATTEMPTS_SHOWN, MAX_EVENT_TYPES, MAX_URL_LENGTH } from './notifications.validation.js';

registerEnumType(EventType, { name: 'EventType', description: 'What an organisation is told about (docs/notifications.md).' });
registerEnumType(EventResourceType, { name: 'EventResourceType' });
registerEnumType(DeliveryStatus, { name: 'WebhookDeliveryStatus' });

@ObjectType('Event', { simpleResolvers: true, description: 'A reference to something your organisation should act on; read the resource through the API.' })
export class Event {
  @Field(() => ID, { description: 'Also the CloudEvents id and the webhook-id: receivers dedupe on it.' })
  id!: string;

  @Field(() => EventType)
  type!: EventType;

  @Field(() => DateTime)
  occurredAt!: string;

  @Field(() => EventResourceType)
  resourceType!: EventResourceType;

  @Field(() => ID)
  resourceId!: string;

  @Field(() => Organisation, { description: 'The organisation told (yours).' })
  organisation!: Organisation;
}

@InputType('EventFilter')
export class EventFilter {
  @Field(() => [EventType], { nullable: true, description: `Only these types; at most ${MAX_EVENT_TYPES}.` })
  types?: EventType[] | null;

  @Field(() => DateTime, { nullable: true, description: 'Only events that occurred at or after this moment.' })
  from?: Date | null;
}

export const EventConnection = Connection(Event, 'Event');

@ObjectType('WebhookSubscription', { simpleResolvers: true })
export class WebhookSubscription {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @ListSize({ max: MAX_EVENT_TYPES })
  @Field(() => [EventType], { description: `At most ${MAX_EVENT_TYPES}.` })
  eventTypes!: EventType[];

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Boolean, { description: 'False once the receiver answered 410 Gone (deliveries stop).' })
  active!: boolean;

  @Field(() => DateTime)
  createdAt!: string;
}

@ObjectType('CreateWebhookSubscriptionPayload', { simpleResolvers: true })
export class CreateWebhookSubscriptionPayload {
  @Field(() => WebhookSubscription)
  subscription!: WebhookSubscription;

  @Field(() => String, { description: 'The signing secret (whsec_…), shown this once: keep it where your receiver verifies signatures.' })
  signingSecret!: string;
}

@ObjectType('WebhookSubscriptionPayload', { simpleResolvers: true })
export class WebhookSubscriptionPayload {
  @Field(() => WebhookSubscription)
  subscription!: WebhookSubscription;
}

@ObjectType('WebhookAttempt', { simpleResolvers: true, description: 'One attempt to deliver an event.' })
export class WebhookAttempt {
  @Field(() => DateTime)
  at!: string;

  @Field(() => Int)
  durationMs!: number;

  @Field(() => Int, { nullable: true, description: 'The receiver’s HTTP status; null when there was no answer.' })
  statusCode!: number | null;

  @Field(() => String, { nullable: true, description: 'Why there was no answer (time-out, refused, address not allowed).' })
  error!: string | null;
}

@ObjectType('WebhookDelivery', { simpleResolvers: true })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => Event)
  event!: Event;

  @Field(() => WebhookSubscription)
  subscription!: WebhookSubscription;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int, { description: 'How many attempts were made.' })
  attempts!: number;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => DateTime, { nullable: true, description: 'When the next attempt is due (PENDING, FAILED); null otherwise.' })
  nextAttemptAt!: string | null;

  @Field(() => DateTime, { nullable: true })
  deliveredAt!: string | null;

  @Field(() => [WebhookAttempt], { description: `Every attempt, oldest first; at most ${MAX_ATTEMPTS_SHOWN}.` })
  attemptLog!: WebhookAttempt[];
}

export const WebhookDeliveryConnection = Connection(WebhookDelivery, 'WebhookDelivery');

@ObjectType('WebhookDeliveryPayload', { simpleResolvers: true })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery)
  delivery!: WebhookDelivery;
}

@InputType('WebhookDeliveryFilter')
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true })
  subscriptionId?: string | null;

  @Field(() => DeliveryStatus, { nullable: true })
  status?: DeliveryStatus | null;
}

@InputType('CreateWebhookSubscriptionInput')
export class CreateWebhookSubscriptionInput {
  @Field(() => String, { description: `https:// (http:// to loopback outside production); at most ${MAX_URL_LENGTH} characters.` })
  url!: string;

  @Field(() => [EventType], { description: `1 to ${MAX_EVENT_TYPES} event types, each at most once.` })
  eventTypes!: EventType[];

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType('DeleteWebhookSubscriptionInput')
export class DeleteWebhookSubscriptionInput {
  @Field(() => ID)
  subscriptionId!: string;
}

@InputType('RedeliverEventInput')
export class RedeliverEventInput {
  @Field(() => ID)
  eventId!: string;

  @Field(() => ID)
  subscriptionId!: string;
}
