import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { ConflictResolution } from './visit.enums.js';
import { VisitEntity } from './visit.entity.js';

/**
 * Two visits to a shared provider within the margin of each other: exactly one row per pair (a < b), open or
 * resolved. When the pair conflicts again after a resolution the same row reopens (see visit_record_conflicts);
 * the visits' history keeps what happened before. Scope and gap are derived when read, so they are always current.
 */
@Entity({ tableName: 'visit_conflict' })
@Unique({ name: 'visit_conflict_pair', properties: ['visitA', 'visitB'] })
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

  /**
   * How far apart (seconds between planning windows) the visits were when the conflict was acknowledged: a move
   * that keeps them at least this far apart keeps the acknowledgement, a move that brings them closer reopens it.
   */
  @Property({ type: 'double', nullable: true })
  acknowledgedGapSeconds?: number | null;
}
