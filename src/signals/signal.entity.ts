import { ArrayType, BlobType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { OrganisationEntity } from '../organisations/index.js';
import { RoutingOutcome, Severity, SignalCategory } from './signal.enums.js';

/**
 * A signal (melding). Identified for idempotency by (submitting organisation, externalId); `contentHash` tells an
 * identical resubmission from a conflicting one. A named person is kept only as a keyed pseudonym.
 */
@Entity({ tableName: 'signal' })
@Unique({ name: 'signal_source_external_id', properties: ['source', 'externalId'] })
@Index({ name: 'signal_received_at_index', properties: ['receivedAt'] })
@Index({ name: 'signal_subject_pseudonym_index', properties: ['subjectPseudonym'] })
@Index({ name: 'signal_provider_ids_index', expression: 'create index signal_provider_ids_index on signal using gin (provider_ids)' })
export class SignalEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => OrganisationEntity, { fieldName: 'source_organisation', ref: true })
  source!: Ref<OrganisationEntity>;

  @Property({ type: 'text' })
  externalId!: string;

  @Property({ type: BlobType, columnType: 'bytea' })
  contentHash!: Buffer;

  @Enum({ items: () => SignalCategory, type: 'string' })
  category!: SignalCategory;

  @Enum({ items: () => Severity, type: 'string' })
  severity!: Severity;

  @Property({ type: 'boolean' })
  possibleCriminalOffence!: boolean;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  occurredAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  receivedAt!: Date;

  @Property({ type: 'text' })
  summary!: string;

  /**
   * The providers the signal is about, on the row itself: they are written once with the signal and never change,
   * so a link table bought nothing but a row per provider. The GIN index serves "signals about this provider".
   */
  @Property({ type: ArrayType, columnType: 'uuid[]' })
  providerIds!: string[];

  /** HMAC-SHA256 of the BSN under the pseudonym key; never the BSN itself. */
  @Property({ type: BlobType, columnType: 'bytea', nullable: true })
  subjectPseudonym?: Buffer | null;

  @Property({ type: 'text' })
  submittedBy!: string;
}

/** One recipient of a signal, with the rule and rule-set version that routed it there. */
@Entity({ tableName: 'signal_routing' })
@Unique({ name: 'signal_routing_recipient', properties: ['signal', 'recipient'] })
@Index({ name: 'signal_routing_recipient_due_index', properties: ['recipient', 'dueAt'] })
@Index({ name: 'signal_routing_unpublished_index', expression: 'create index signal_routing_unpublished_index on signal_routing (created_at) where published_at is null' })
@Index({ name: 'signal_routing_unannounced_due_index', expression: 'create index signal_routing_unannounced_due_index on signal_routing (due_at) where overdue_announced_at is null' })
export class SignalRoutingEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => SignalEntity, { fieldName: 'signal_id', ref: true })
  signal!: Ref<SignalEntity>;

  @ManyToOne(() => OrganisationEntity, { fieldName: 'recipient', ref: true })
  recipient!: Ref<OrganisationEntity>;

  @Property({ type: 'text' })
  ruleId!: string;

  @Property({ type: 'text' })
  protocolVersion!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  dueAt!: Date;

  /**
   * When SIGNAL_ROUTED was written for this routing; null until the relay (signals/routing-relay.ts) has done so.
   * The routing is its own outbox row: it commits with the change, and the event follows from it exactly once.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date | null;

  /** When ROUTING_OVERDUE was announced (once; signals/overdue.ts). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  overdueAnnouncedAt?: Date | null;
}

/** The recipient's decision on a routing: appended once, never edited (the database refuses changes). */
@Entity({ tableName: 'routing_decision' })
export class RoutingDecisionEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => SignalRoutingEntity, { fieldName: 'routing_id', ref: true, unique: 'routing_decision_once' })
  routing!: Ref<SignalRoutingEntity>;

  @Enum({ items: () => RoutingOutcome, type: 'string' })
  outcome!: RoutingOutcome;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'string', length: 16 })
  decidedByOrganisation!: string;

  @Property({ type: 'text' })
  decidedBySub!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  decidedAt!: Date;
}
