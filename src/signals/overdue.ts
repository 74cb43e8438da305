import type { EntityManager } from '@mikro-orm/postgresql';
import { EventResourceType, EventType, publishEvents } from '../notifications/index.js';
import { run, sqlf } from '../platform/database/sql.js';

/**
 * ROUTING_OVERDUE: routings past their due moment without a decision are announced, once each, to their recipient
 * and the signal's submitter. Safe with several replicas: claim_overdue_routings() (the notifications migration)
 * marks what it takes with FOR UPDATE SKIP LOCKED, in the same transaction as the events — decided ones too, so
 * that no sweep reads a routing twice. Works in batches until none is left; returns how many were announced.
 */
export async function announceOverdueRoutings(forkEm: () => EntityManager, now: Date, batch = 500): Promise<number> {
  let announced = 0;
  for (;;) {
    const { looked, told } = await forkEm().transactional(async (tx) => {
      const due = await run<{ signalId: string; recipient: string; submitter: string; undecided: boolean }>(
        tx,
        sqlf`select signal_id as "signalId", recipient, submitter, undecided from claim_overdue_routings(${now}, ${batch})`,
      );
      const overdue = due.filter((routing) => routing.undecided);
      await publishEvents(
        tx,
        overdue.flatMap((routing) =>
          [routing.recipient, routing.submitter].map((organisation) => ({ type: EventType.ROUTING_OVERDUE, organisation, resourceType: EventResourceType.Signal, resourceId: routing.signalId })),
        ),
        now,
      );
      return { looked: due.length, told: overdue.length };
    });
    announced += told;
    if (looked < batch) return announced;
  }
}
