import { fragment, isoTimestamp } from '../platform/database/sql.js';
import { EventResourceType, type EventType } from './event.enums.js';

/** An event as stored and as the feed and the webhooks show it: a reference, never content. */
export interface EventRow {
  seq: string;
  /** The writing transaction's id: with seq, the feed's order (feed.service.ts). */
  tx: string;
  id: string;
  type: EventType;
  occurredAt: string;
  resourceType: EventResourceType;
  resourceId: string;
  organisation: string;
}

/** The columns of an EventRow, from `event e`. */
export const EVENT_COLUMNS = fragment(`e.seq::text as seq, e.tx::text as tx, e.id, e.type, ${isoTimestamp('e.occurred_at')} as "occurredAt",
  e.resource_type as "resourceType", e.resource_id as "resourceId", e.organisation`);

/** Where a resource can be read over the REST bridge, when it can. */
const REST_PATHS: Partial<Record<EventResourceType, (id: string) => string>> = {
  [EventResourceType.Signal]: (id) => `/api/v1/signals/${id}`,
};

/**
 * The CloudEvent of an event, structured mode, per the NL GOV profile for CloudEvents 1.0: `source` the system
 * (EVENT_SOURCE), `type` in reverse-DNS style after the event type, `subject` the resource id, `dataref` where the
 * resource is read (the REST bridge, when it has the resource), and as data only the reference.
 */
export function cloudEvent(event: EventRow, source: string): Record<string, unknown> {
  const dataref = REST_PATHS[event.resourceType]?.(event.resourceId);
  return {
    specversion: '1.0',
    id: event.id,
    source,
    type: `nl.samenloop.${event.type.toLowerCase().replace(/_/g, '-')}`,
    time: event.occurredAt,
    subject: event.resourceId,
    datacontenttype: 'application/json',
    ...(dataref ? { dataref } : {}),
    data: { resourceType: event.resourceType, resourceId: event.resourceId, organisation: event.organisation },
  };
}

export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
export const CLOUDEVENT_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
