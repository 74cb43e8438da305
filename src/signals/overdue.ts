import type { EntityManager } from '@mikro-orm/postgresql';
import { EventResourceType, EventType, publishEvents } from '../notifications/index.js';
import { run, sqlf } from '../platform/database/sql.js';

/**
 * ROUTING_OVERDUE: routings past their due moment without a decision are announced, once each, to their recipient
 * and the signal's submitter. Safe with several replicas: claim_overdue_routings() (the notifications migration)
 * marks what it takes with FOR UPDATE SKIP LOCKED, in the same transaction as the events. Returns how many.
 */
export async function announceOverdueRoutings(em: EntityManager, now: Date, batch = 500): Promise<number> {
  return em.transactional(async (tx) => {
    const due = await run<{ signalId: string; recipient: string; submitter: string }>(
      tx,
      sqlf`select signal_id as "signalId", recipient, submitter from claim_overdue_routings(${now}, ${batch})`,
    );
    await publishEvents(
      tx,
      due.flatMap((routing) =>
        [routing.recipient, routing.submitter].map((organisation) => ({ type: EventType.ROUTING_OVERDUE, organisation, resourceType: EventResourceType.Signal, resourceId: routing.signalId })),
      ),
      now,
    );
    return due.length;
  });
}
