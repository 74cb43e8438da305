import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { ProposalStatus } from './visit.enums.js';
import { VisitEntity } from './visit.entity.js';

/** A lead organisation's request to merge another organisation's visit into its joint visit. */
@Entity({ tableName: 'coordination_proposal' })
@Index({
  name: 'coordination_proposal_open_pair',
  expression: "create unique index coordination_proposal_open_pair on coordination_proposal (lead_visit_id, visit_id) where status = 'PROPOSED'",
})
@Index({ name: 'coordination_proposal_to_index', properties: ['toOrganisation', 'status'] })
@Index({ name: 'coordination_proposal_from_index', properties: ['fromOrganisation', 'status'] })
export class CoordinationProposalEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => VisitEntity, { fieldName: 'lead_visit_id', ref: true })
  leadVisit!: Ref<VisitEntity>;

  @ManyToOne(() => VisitEntity, { fieldName: 'visit_id', ref: true })
  visit!: Ref<VisitEntity>;

  @Property({ type: 'string', length: 16 })
  fromOrganisation!: string;

  @Property({ type: 'string', length: 16 })
  toOrganisation!: string;

  @Property({ type: 'text' })
  proposedBySub!: string;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Enum({ items: () => ProposalStatus, type: 'string' })
  status!: ProposalStatus;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  respondedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  respondedBySub?: string | null;

  @Property({ type: 'text', nullable: true })
  responseNote?: string | null;
}
