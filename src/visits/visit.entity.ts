import { ArrayType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { OrganisationEntity } from '../organisations/index.js';
import { LocationEntity, ProviderEntity } from '../providers/index.js';
import { TstzRangeType, type TimeRange } from '../platform/database/tstzrange.js';
import { VisitKind, VisitStatus } from './visit.enums.js';

/**
 * A planned inspection visit (inspectiebezoek). Written through the SQL functions of the visits migration
 * (lock, check and insert in one round trip); read through src/visits/visit.queries.ts.
 */
@Entity({ tableName: 'visit' })
@Index({ name: 'visit_time_window_index', expression: 'create index visit_time_window_index on visit using gist (time_window)' })
@Index({ name: 'visit_lead_organisation_index', properties: ['leadOrganisation', 'status'] })
@Index({ name: 'visit_participants_index', expression: 'create index visit_participants_index on visit using gin (participants)' })
@Index({
  name: 'visit_merged_into_index',
  expression: 'create index visit_merged_into_index on visit (merged_into) where merged_into is not null',
})
export class VisitEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => OrganisationEntity, { fieldName: 'lead_organisation', ref: true })
  leadOrganisation!: Ref<OrganisationEntity>;

  /** Organisations that joined by accepting a merge: they see the detail view. */
  @Property({ type: ArrayType, columnType: 'text[]' })
  participants: string[] = [];

  /** Organisations the lead gave the detail view. */
  @Property({ type: ArrayType, columnType: 'text[]' })
  sharedWith: string[] = [];

  /**
   * A merged visit: the joint visit's lead and participants at the moment it was merged — those its owner agreed
   * to run the joint visit with, who therefore see its themes there (visit-scope.ts).
   */
  @Property({ type: ArrayType, columnType: 'text[]', default: '{}' })
  mergeAudience: string[] = [];

  @ManyToOne(() => LocationEntity, { fieldName: 'location_id', ref: true, nullable: true })
  location?: Ref<LocationEntity> | null;

  @Property({ type: TstzRangeType, columnType: 'tstzrange' })
  timeWindow!: TimeRange;

  @Property({ type: 'boolean' })
  announced!: boolean;

  @Enum({ items: () => VisitKind, type: 'string' })
  kind!: VisitKind;

  @Property({ type: ArrayType, columnType: 'text[]' })
  themes: string[] = [];

  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Enum({ items: () => VisitStatus, type: 'string' })
  status!: VisitStatus;

  @ManyToOne(() => VisitEntity, { fieldName: 'merged_into', ref: true, nullable: true })
  mergedInto?: Ref<VisitEntity> | null;

  @Property({ type: 'text' })
  createdBy!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt!: Date;
}

/**
 * The providers of a visit, with the visit's window copied onto each row so that the overlap check is one
 * GiST index scan over (provider, window) among active (not cancelled) visits.
 */
@Entity({ tableName: 'visit_provider' })
@Index({
  name: 'visit_provider_overlap_index',
  expression: 'create index visit_provider_overlap_index on visit_provider using gist (provider_id, time_window) where active',
})
@Index({ name: 'visit_provider_provider_index', properties: ['provider'] })
export class VisitProviderEntity {
  @ManyToOne(() => VisitEntity, { primary: true, fieldName: 'visit_id', ref: true })
  visit!: Ref<VisitEntity>;

  @ManyToOne(() => ProviderEntity, { primary: true, fieldName: 'provider_id', ref: true })
  provider!: Ref<ProviderEntity>;

  @Property({ type: TstzRangeType, columnType: 'tstzrange' })
  timeWindow!: TimeRange;

  /** False once the visit is cancelled: such visits never conflict. */
  @Property({ type: 'boolean' })
  active!: boolean;
}
