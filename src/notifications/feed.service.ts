import { can, requireAction, type Action } from '../access/policy.js';
import { fragment, isoTimestamp, joinSql, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { BadUserInputError, InputProblems, NotFoundError } from '../platform/errors.js';
import { cursorPart, type Page } from '../platform/graphql/connection.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { EVENT_COLUMNS, type EventRow } from './cloud-event.js';
import { DeliveryStatus, EventResourceType, type EventType } from './event.enums.js';

/** What reading the record an event is about takes (its own rules of reach apply when it is read). */
const READ_ACTION: Record<EventResourceType, Action> = {
  [EventResourceType.Signal]: 'signal.read',
  [EventResourceType.Visit]: 'visit.read',
  [EventResourceType.CoordinationProposal]: 'visit.read',
  [EventResourceType.EnforcementAction]: 'enforcement.read',
  [EventResourceType.Provider]: 'provider.read',
};
import { idOrProblem, MAX_EVENT_TYPES } from './notifications.validation.js';

/**
 * The organisation's events, oldest first. The cursor is an integration's bookmark: a system that was down
 * pages on from where it stopped and misses nothing — events written while it pages come after it.
 *
 * Why not simply by `seq`: positions are handed out when an event is written, not when its transaction commits,
 * so a later event can become visible before an earlier one — and a bookmark past the later one would skip the
 * earlier for good. So the feed is ordered by the writing transaction's id first and shows only events of
 * transactions older than every transaction still running (the snapshot's xmin): those are all finished, and
 * every event yet to appear belongs to a transaction at or above xmin, so it sorts after any bookmark handed out.
 * The price: a long-running writing transaction holds the feed back until it ends.
 */
export async function listEvents(
  context: RequestContext,
  filter: { types?: readonly EventType[] | null; from?: Date | null } | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<EventRow>> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'event.read');
  const page = context.settings.cursors.request(first, after, [cursorPart.integer, cursorPart.integer]);
  if ((filter?.types?.length ?? 0) > MAX_EVENT_TYPES) throw new BadUserInputError('filter.types', `At most ${MAX_EVENT_TYPES} types.`);
  // A role sees events only about the kinds of record it may read (a planner's feed has no signal events).
  const readable = Object.values(EventResourceType).filter((type) => can(viewer, READ_ACTION[type]));
  const conditions: SqlFragment[] = [
    sqlf`e.organisation = ${viewer.organisation}`,
    sqlf`e.resource_type = any(${readable}::text[])`,
    sqlf`e.tx < pg_snapshot_xmin(pg_current_snapshot())`,
  ];
  if (filter?.types && filter.types.length > 0) conditions.push(sqlf`e.type = any(${filter.types}::text[])`);
  if (filter?.from) conditions.push(sqlf`e.occurred_at >= ${filter.from}`);
  const where = joinSql(conditions, ' and ');
  return page.read<EventRow>({
    where,
    after: ([tx, seq]) => sqlf`(e.tx, e.seq) > (${tx}::xid8, ${seq}::bigint)`,
    select: (condition, limit) => sqlf`select ${EVENT_COLUMNS} from event e where ${condition} order by e.tx, e.seq limit ${limit}`,
    count: sqlf`select count(*) from event e where ${where}`,
    run: (query) => run(context.em, query),
    keyOf: (row) => [row.tx, row.seq],
    audit: (shown) => context.audit.record({ operation: 'events', resourceType: 'Event', resources: shown.map((row) => ({ id: row.id, owners: [viewer.organisation] })) }),
  });
}

export interface DeliveryRow {
  id: string;
  eventSeq: string;
  subscriptionId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

const DELIVERY_COLUMNS = fragment(`d.id, d.event_seq::text as "eventSeq", d.subscription_id as "subscriptionId", d.status, d.attempts,
  d.last_status_code as "lastStatusCode", case when d.status in ('PENDING', 'FAILED') then ${isoTimestamp('d.next_attempt_at')} end as "nextAttemptAt",
  ${isoTimestamp('d.delivered_at')} as "deliveredAt", ${isoTimestamp('d.created_at')} as "createdAt"`);

/** The deliveries of the organisation's subscriptions, newest first. */
export async function listDeliveries(
  context: RequestContext,
  filter: { subscriptionId?: string | null; status?: DeliveryStatus | null } | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<DeliveryRow>> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'webhook.manage');
  const page = context.settings.cursors.request(first, after, [cursorPart.timestamp, cursorPart.uuid]);
  const conditions: SqlFragment[] = [sqlf`s.organisation = ${viewer.organisation}`];
  if (filter?.subscriptionId) conditions.push(sqlf`d.subscription_id::text = ${filter.subscriptionId.toLowerCase()}`);
  if (filter?.status) conditions.push(sqlf`d.status = ${filter.status}`);
  const where = joinSql(conditions, ' and ');
  return page.read<DeliveryRow>({
    where,
    after: ([createdAt, id]) => sqlf`(d.created_at, d.id) < (${createdAt}::timestamptz, ${id}::uuid)`,
    select: (condition, limit) =>
      sqlf`select ${DELIVERY_COLUMNS} from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id where ${condition}
      order by d.created_at desc, d.id desc limit ${limit}`,
    count: sqlf`select count(*) from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id where ${where}`,
    run: (query) => run(context.em, query),
    keyOf: (row) => [row.createdAt, row.id],
    audit: (shown) =>
      context.audit.record({ operation: 'webhookDeliveries', resourceType: 'WebhookDelivery', resources: shown.map((row) => ({ id: row.id, owners: [viewer.organisation] })) }),
  });
}

/**
 * Sends an event to a subscription (again): its delivery goes back to PENDING, due now, with a fresh 24-hour
 * window whose backoff starts again at 5 s — also for an event from before the subscription existed. Both must be
 * the organisation's own, and the subscription one that takes events of that type. A delivery being attempted at
 * this moment is not taken from its worker: it is answered as it stands.
 */
export async function redeliverEvent(context: RequestContext, input: { eventId: string; subscriptionId: string }): Promise<DeliveryRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'webhook.manage');
  const problems = new InputProblems();
  const eventId = idOrProblem(problems, input.eventId, 'input.eventId', 'event');
  const subscriptionId = idOrProblem(problems, input.subscriptionId, 'input.subscriptionId', 'subscription');
  if (problems.problems.length > 0) throw new NotFoundError('event', input.eventId.slice(0, 64));
  return inTransaction(context, async (em) => {
    const now = context.now();
    const [row] = await run<DeliveryRow>(
      em,
      sqlf`with target as (
          select e.seq, s.id as subscription_id from event e join webhook_subscription s on s.organisation = e.organisation
          where e.id = ${eventId}::uuid and s.id = ${subscriptionId}::uuid and e.organisation = ${viewer.organisation} and s.active
            and e.type = any(s.event_types)
        )
        insert into webhook_delivery as d (id, event_seq, subscription_id, status, attempts, next_attempt_at, created_at, window_started_at)
        select gen_random_uuid(), seq, subscription_id, ${DeliveryStatus.PENDING}, 0, ${now}, ${now}, ${now} from target
        on conflict (event_seq, subscription_id) do update
          set status = ${DeliveryStatus.PENDING}, next_attempt_at = ${now}, window_started_at = ${now}, attempts_before_window = d.attempts
          where d.claimed_by is null or d.claim_expires_at <= ${now}
        returning ${DELIVERY_COLUMNS}`,
    );
    // Nothing written: no such event for such a subscription — or its delivery is in a worker's hands right now.
    const [current] = row
      ? [row]
      : await run<DeliveryRow>(
          em,
          sqlf`select ${DELIVERY_COLUMNS} from webhook_delivery d join event e on e.seq = d.event_seq join webhook_subscription s on s.id = d.subscription_id
            where e.id = ${eventId}::uuid and s.id = ${subscriptionId}::uuid and s.organisation = ${viewer.organisation} and s.active and e.type = any(s.event_types)`,
        );
    if (!current) throw new NotFoundError('event', input.eventId.slice(0, 64));
    context.audit.record({ operation: 'redeliverEvent', resourceType: 'WebhookDelivery', resources: [{ id: current.id, owners: [viewer.organisation] }] });
    return current;
  });
}
