import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { TstzRangeType, type TimeRange } from '../platform/database/tstzrange.js';
import { VisitAction } from './visit.enums.js';
import { VisitEntity } from './visit.entity.js';

/** What happened to a visit, who did it and why. Appended, never edited. Part of the detail view. */
@Entity({ tableName: 'visit_history' })
@Index({ name: 'visit_history_visit_index', properties: ['visit', 'at'] })
export class VisitHistoryEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => VisitEntity, { fieldName: 'visit_id', ref: true })
  visit!: Ref<VisitEntity>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;

  @Enum({ items: () => VisitAction, type: 'string' })
  action!: VisitAction;

  @Property({ type: 'string', length: 16 })
  actorOrganisation!: string;

  @Property({ type: 'text' })
  actorSub!: string;

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  /** The other visit involved (merge, acknowledged conflict), if any. */
  @Property({ type: 'uuid', nullable: true })
  relatedVisitId?: string | null;

  /** For RESCHEDULED: the window before the change. */
  @Property({ type: TstzRangeType, columnType: 'tstzrange', nullable: true })
  previousWindow?: TimeRange | null;
}
