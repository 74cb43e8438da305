import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { ConflictResolution } from './visit.enums.js';
import { VisitEntity } from './visit.entity.js';

/**
 * Two visits to a shared provider within the margin of each other. One row per pair (a < b) while open; once
 * resolved it stays as history, and a new row opens if the pair conflicts again later. Scope and gap are derived
 * when read, so they are always current.
 */
@Entity({ tableName: 'visit_conflict' })
@Index({
  name: 'visit_conflict_open_pair',
  expression: 'create unique index visit_conflict_open_pair on visit_conflict (visit_a_id, visit_b_id) where resolution is null',
})
@Index({ name: 'visit_conflict_visit_a_index', properties: ['visitA'] })
@Index({ name: 'visit_conflict_visit_b_index', properties: ['visitB'] })
export class VisitConflictEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => VisitEntity, { fieldName: 'visit_a_id', ref: true })
  visitA!: Ref<VisitEntity>;

  @ManyToOne(() => VisitEntity, { fieldName: 'visit_b_id', ref: true })
  visitB!: Ref<VisitEntity>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  detectedAt!: Date;

  @Enum({ items: () => ConflictResolution, type: 'string', nullable: true })
  resolution?: ConflictResolution | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;

  @Property({ type: 'string', length: 16, nullable: true })
  resolvedByOrganisation?: string | null;

  @Property({ type: 'text', nullable: true })
  resolvedBySub?: string | null;

  @Property({ type: 'text', nullable: true })
  justification?: string | null;
}
