import { ArrayType, BlobType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { OrganisationEntity } from '../organisations/index.js';
import { DeliveryStatus, EventResourceType, EventType } from './event.enums.js';

/**
 * One event for one receiving organisation: written in the transaction of the change that causes it. Only a
 * reference — type, time, resource type and id — never content. The feed is ordered by (`tx`, `seq`): see
 * feed.service.ts for why the writing transaction comes first.
 */
@Entity({ tableName: 'event' })
@Index({ name: 'event_feed_index', properties: ['organisation', 'tx', 'seq'] })
export class EventEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  seq!: string;

  /** The id of the transaction that wrote it (pg_current_xact_id()). */
  @Property({ type: 'string', columnType: 'xid8', defaultRaw: 'pg_current_xact_id()' })
  tx!: string;

  /** The event's identity for receivers (CloudEvents `id`, `webhook-id`): they dedupe on it. */
  @Property({ type: 'uuid', unique: 'event_id_unique' })
  id!: string;

  /** The receiving organisation's code (a municipality needs no row of its own to be told). */
  @Property({ type: 'text' })
  organisation!: string;

  @Enum({ items: () => EventType, type: 'string' })
  type!: EventType;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  occurredAt!: Date;

  @Enum({ items: () => EventResourceType, type: 'string' })
  resourceType!: EventResourceType;

  @Property({ type: 'uuid' })
  resourceId!: string;
}

/** A receiver of an organisation's events. The signing secret is kept sealed (notifications/secret-box.ts). */
@Entity({ tableName: 'webhook_subscription' })
@Index({ name: 'webhook_subscription_organisation_index', properties: ['organisation'] })
export class WebhookSubscriptionEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => OrganisationEntity, { fieldName: 'organisation', ref: true })
  organisation!: Ref<OrganisationEntity>;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  eventTypes: EventType[] = [];

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: BlobType, columnType: 'bytea' })
  sealedSecret!: Buffer;

  @Property({ type: 'boolean' })
  active = true;

  @Property({ type: 'text', nullable: true })
  deactivatedReason?: string | null;

  @Property({ type: 'text' })
  createdBySub!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt?: Date | null;
}

/** One event to one subscription: claimed by a worker with a lease, attempted until delivered or dead. */
@Entity({ tableName: 'webhook_delivery' })
@Unique({ name: 'webhook_delivery_once', properties: ['event', 'subscription'] })
@Index({
  name: 'webhook_delivery_due_index',
  expression: "create index webhook_delivery_due_index on webhook_delivery (subscription_id, next_attempt_at) where status in ('PENDING', 'FAILED')",
})
@Index({ name: 'webhook_delivery_subscription_index', properties: ['subscription', 'createdAt'] })
export class WebhookDeliveryEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => EventEntity, { fieldName: 'event_seq', ref: true })
  event!: Ref<EventEntity>;

  @ManyToOne(() => WebhookSubscriptionEntity, { fieldName: 'subscription_id', ref: true })
  subscription!: Ref<WebhookSubscriptionEntity>;

  @Enum({ items: () => DeliveryStatus, type: 'string' })
  status!: DeliveryStatus;

  @Property({ type: 'integer' })
  attempts = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  nextAttemptAt!: Date;

  @Property({ type: 'integer', nullable: true })
  lastStatusCode?: number | null;

  @Property({ type: 'text', nullable: true })
  claimedBy?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  claimExpiresAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  /** Where the current 24 hours of attempts began: when it was made, or when it was last redelivered. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  windowStartedAt!: Date;

  /** The attempts made before the current window (the backoff starts afresh in each). */
  @Property({ type: 'integer' })
  attemptsBeforeWindow = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;
}

/** Every attempt of a delivery, as it went. */
@Entity({ tableName: 'webhook_attempt' })
@Index({ name: 'webhook_attempt_delivery_index', properties: ['delivery', 'id'] })
export class WebhookAttemptEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => WebhookDeliveryEntity, { fieldName: 'delivery_id', ref: true })
  delivery!: Ref<WebhookDeliveryEntity>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  startedAt!: Date;

  @Property({ type: 'integer' })
  durationMs!: number;

  @Property({ type: 'integer', nullable: true })
  statusCode?: number | null;

  /** Why it failed without an answer (time-out, refused, address not allowed); never the receiver's body. */
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'text' })
  worker!: string;
}
