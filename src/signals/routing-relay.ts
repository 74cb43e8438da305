import type { EntityManager } from '@mikro-orm/postgresql';
import { EventResourceType, EventType, publishEvents } from '../notifications/index.js';
import { run, sqlf } from '../platform/database/sql.js';

/** Routings published per transaction. */
export const RELAY_BATCH = 500;
/** Batches per call at most, so that a flood of new routings does not keep the delivery worker from delivering. */
const MAX_BATCHES = 20;

/**
 * SIGNAL_ROUTED from the routings' outbox: a routing commits with `published_at` null, and this writes its event
 * (and the webhook deliveries of the recipient's subscriptions, as publishEvents does for every event) and stamps
 * it — claim, events and stamp in one transaction per batch. So each routing's event is written exactly once:
 * claim_unpublished_routings() (routings_as_outbox migration) locks with FOR UPDATE SKIP LOCKED, a second relay
 * at the same moment takes other routings or none, and a relay that dies mid-batch leaves its routings unpublished
 * for the next round. The event occurred when it was relayed (see eventOutboxSql). Returns how many were published.
 */
export async function publishRoutedSignals(forkEm: () => EntityManager, now: Date, batch = RELAY_BATCH): Promise<number> {
  let published = 0;
  for (let round = 0; round < MAX_BATCHES; round++) {
    const claimed = await forkEm().transactional(async (tx) => {
      const routings = await run<{ signalId: string; recipient: string }>(
        tx,
        sqlf`select signal_id as "signalId", recipient from claim_unpublished_routings(${now}, ${batch})`,
      );
      await publishEvents(
        tx,
        routings.map((routing) => ({
          type: EventType.SIGNAL_ROUTED,
          organisation: routing.recipient,
          resourceType: EventResourceType.Signal,
          resourceId: routing.signalId,
        })),
        now,
      );
      return routings.length;
    });
    published += claimed;
    if (claimed < batch) break;
  }
  return published;
}
