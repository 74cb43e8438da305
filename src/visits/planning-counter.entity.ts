import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * How many times the visits at a provider were changed: raised by every write that takes the provider's planning
 * lock (`visit_lock_providers`, sql/conflicts.ts). A statement that read the counters before it took the locks can
 * tell from them whether its snapshot still shows every visit at those providers (the one-statement planVisit,
 * visit-plan-statement.ts). A provider gets its row on its first change.
 */
@Entity({ tableName: 'visit_planning_counter' })
export class VisitPlanningCounterEntity {
  @PrimaryKey({ type: 'uuid' })
  providerId!: string;

  @Property({ type: 'bigint' })
  changes!: string;
}
