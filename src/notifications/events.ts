import type { EntityManager } from '@mikro-orm/postgresql';
import { run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { uuidv7 } from '../platform/ids.js';
import type { EventResourceType, EventType } from './event.enums.js';

export interface NewEvent {
  type: EventType;
  /** The organisation told. */
  organisation: string;
  resourceType: EventResourceType;
  resourceId: string;
}

/**
 * The one way events are written: in the caller's transaction, so an event exists exactly when the change that
 * caused it committed — either the change's own transaction, or the relay's that stamps the change's outbox row
 * (signals/routing-relay.ts: a routing is its own outbox row). One statement writes the events and, for every
 * active subscription of the receiving organisation that asked for the type, its delivery — which the delivery
 * worker then picks up. The same event twice in one call is written once.
 */
export async function publishEvents(em: EntityManager, events: readonly NewEvent[], at: Date): Promise<void> {
  const unique = [...new Map(events.map((event) => [`${event.type}|${event.organisation}|${event.resourceType}|${event.resourceId}`, event])).values()];
  if (unique.length === 0) return;
  const rows = unique.map((event) => ({
    id: uuidv7(at.getTime()),
    organisation: event.organisation,
    type: event.type,
    resource_type: event.resourceType,
    resource_id: event.resourceId,
  }));
  const source = sqlf`select r.id, r.organisation, r.type, r.resource_type, r.resource_id
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, organisation text, type text, resource_type text, resource_id uuid)`;
  await run(em, sqlf`with ${eventOutboxSql(source, at)} select null`);
}

/**
 * The outbox's two steps as the CTEs `outbox_events` and `outbox_deliveries`, over `source` — a query with the
 * columns id, organisation, type, resource_type, resource_id — for a statement that writes its events as one of
 * its own steps (one statement with the change that caused them). The events occurred `at` — for a relayed
 * outbox row, when it was relayed, so that a reader polling the feed `from` its last moment misses nothing.
 */
export function eventOutboxSql(source: SqlFragment, at: Date): SqlFragment {
  return sqlf`outbox_events as (
      insert into event (id, organisation, type, occurred_at, resource_type, resource_id)
      select r.id, r.organisation, r.type, ${at}, r.resource_type, r.resource_id from (${source}) as r
      returning seq, organisation, type
    ), outbox_deliveries as (
      insert into webhook_delivery (id, event_seq, subscription_id, status, attempts, next_attempt_at, created_at, window_started_at)
      select gen_random_uuid(), w.seq, s.id, 'PENDING', 0, ${at}, ${at}, ${at}
      from outbox_events w join webhook_subscription s on s.organisation = w.organisation and s.active and w.type = any(s.event_types)
      returning 1
    )`;
}
