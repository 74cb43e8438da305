import { Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { OrganisationEntity } from '../organisations/index.js';
import { ProviderEntity } from '../providers/index.js';
import { SignalEntity } from '../signals/index.js';
import { VisitEntity } from '../visits/index.js';
import { EnforcementStatus, EnforcementType } from './enforcement.enums.js';

/**
 * An enforcement measure (handhavingsmaatregel). What was recorded is never rewritten: status changes are
 * appended to `enforcement_action_status`, and publishing only sets when it was published.
 */
@Entity({ tableName: 'enforcement_action' })
@Index({ name: 'enforcement_action_provider_index', properties: ['provider', 'imposedOn'] })
@Index({ name: 'enforcement_action_published_index', expression: 'create index enforcement_action_published_index on enforcement_action (imposed_on, id) where published_at is not null' })
export class EnforcementActionEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => OrganisationEntity, { fieldName: 'organisation', ref: true })
  organisation!: Ref<OrganisationEntity>;

  @ManyToOne(() => ProviderEntity, { fieldName: 'provider_id', ref: true })
  provider!: Ref<ProviderEntity>;

  @Enum({ items: () => EnforcementType, type: 'string' })
  type!: EnforcementType;

  @Property({ type: 'text' })
  legalBasis!: string;

  @Property({ type: 'date' })
  imposedOn!: string;

  @Property({ type: 'date', nullable: true })
  deadline?: string | null;

  @Property({ type: 'date', nullable: true })
  validUntil?: string | null;

  /** Internal notes: for the recording organisation only. */
  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Property({ type: 'text' })
  recordedBySub!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  recordedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  publishedBySub?: string | null;
}

/** The signals a measure rests on. */
@Entity({ tableName: 'enforcement_action_signal' })
@Index({ name: 'enforcement_action_signal_signal_index', properties: ['signal'] })
export class EnforcementActionSignalEntity {
  @ManyToOne(() => EnforcementActionEntity, { primary: true, fieldName: 'enforcement_action_id', ref: true })
  enforcementAction!: Ref<EnforcementActionEntity>;

  @ManyToOne(() => SignalEntity, { primary: true, fieldName: 'signal_id', ref: true })
  signal!: Ref<SignalEntity>;
}

/** The visits whose findings a measure follows. */
@Entity({ tableName: 'enforcement_action_visit' })
@Index({ name: 'enforcement_action_visit_visit_index', properties: ['visit'] })
export class EnforcementActionVisitEntity {
  @ManyToOne(() => EnforcementActionEntity, { primary: true, fieldName: 'enforcement_action_id', ref: true })
  enforcementAction!: Ref<EnforcementActionEntity>;

  @ManyToOne(() => VisitEntity, { primary: true, fieldName: 'visit_id', ref: true })
  visit!: Ref<VisitEntity>;
}

/** The history of a measure's status: appended, never edited. The first row (ACTIVE) is written on recording. */
@Entity({ tableName: 'enforcement_action_status' })
@Check({ name: 'enforcement_action_status_stored', expression: "status <> 'LAPSED'" })
@Index({ name: 'enforcement_action_status_action_index', properties: ['enforcementAction', 'id'] })
export class EnforcementActionStatusEntity {
  /** Ascending in the order the changes were made (also within one millisecond): the latest is the status. */
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => EnforcementActionEntity, { fieldName: 'enforcement_action_id', ref: true })
  enforcementAction!: Ref<EnforcementActionEntity>;

  @Enum({ items: () => EnforcementStatus, type: 'string' })
  status!: EnforcementStatus;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'text' })
  changedByOrganisation!: string;

  @Property({ type: 'text' })
  changedBySub!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  changedAt!: Date;
}
