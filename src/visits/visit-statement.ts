import { visitVisibleSql, visitVisibleToSql } from '../access/visit-scope.js';
import { organisationAsReader, type Viewer } from '../access/viewer.js';
import { EventResourceType, EventType, eventOutboxSql } from '../notifications/index.js';
import { fragment, isoTimestamp, sqlf, type SqlFragment } from '../platform/database/sql.js';
import type { ProviderRow } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import { conflictsOfVisit, PAIR_COLUMNS, providersOfVisit, toConflictView, visitById, type ConflictView } from './visit.loaders.js';
import { MAX_CONFLICTS } from './visit.validation.js';
import { visitColumns, visitJoins, type VisitRow } from './visit.queries.js';
import { forgetVisits } from './visit-writes.js';

/**
 * What planVisit and rescheduleVisit share when each runs as one statement (visit-plan-statement.ts,
 * visit-reschedule-statement.ts): who is told about the new conflicts, the conflicts as the viewer sees them, and
 * the payload handed to the request's loaders.
 *
 * Why one statement is safe under concurrency. A statement sees one snapshot, taken when it starts; the providers'
 * locks are taken inside the database function it calls (visit_plan, visit_reschedule), whose own statements see
 * what committed while it waited — so the conflicts are always complete. The rest of the statement (the payload,
 * who is told) reads the starting snapshot; it is complete too unless another write changed visits at these
 * providers after that snapshot was taken. Every such write raises the providers' change counters under the same
 * lock (visit_lock_providers), so the function compares the counters the statement saw with those it finds under
 * the lock and, when they moved, refuses (SQLSTATE SL001) before writing anything: the service then does the
 * work the long way, in a transaction. test/visits/plan-statement.test.ts drives that race.
 */

/** SQLSTATE of the refusal: visits at the providers changed after the statement's snapshot was taken. */
const CHANGED_MEANWHILE = 'SL001';

/**
 * Whether the statement failed because another write met it at the same providers: the refusal, or — on a
 * connection whose default isolation is REPEATABLE READ or SERIALIZABLE (a pooler can hand out such a session;
 * docs/deployment.md), where the function's check cannot see the other write but its counter update collides
 * with it — a serialization failure or a deadlock. Nothing was written; the long way, in a READ COMMITTED
 * transaction of its own, is right in every case.
 */
export function metAnotherWrite(error: unknown): boolean {
  return [CHANGED_MEANWHILE, '40001', '40P01'].includes(sqlState(error) ?? '');
}

export function sqlState(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/** Where the target visit is, as SQL: its providers (uuid[]) and its location (uuid). */
export interface TargetPlace {
  id: string;
  providerIds: SqlFragment;
  locationId: SqlFragment;
}

/**
 * The CTEs that tell the leads about new conflicts, over the CTE `conflicting` (the other visits, a visit row each,
 * with `announce`): the target's lead about the target when it may see the other visit, the other visit's lead
 * about its own visit when it may see the target (notifications: VISIT_CONFLICT_DETECTED).
 */
export function conflictEventsSql(viewer: Viewer, target: TargetPlace, at: Date): SqlFragment {
  const told = sqlf`select ${viewer.organisation}::text as organisation, ${target.id}::uuid as resource_id from conflicting o
      where o.announce and ${visitVisibleSql(organisationAsReader(viewer.organisation), 'o')}
    union
    select o.lead_organisation, o.id from conflicting o where o.announce and ${visitVisibleToSql('o.lead_organisation', target.providerIds, target.locationId)}`;
  return eventOutboxSql(
    sqlf`select uuid_v7(${at}) as id, told.organisation, ${EventType.VISIT_CONFLICT_DETECTED}::text as type,
      ${EventResourceType.Visit}::text as resource_type, told.resource_id from (${told}) as told`,
    at,
  );
}

/**
 * The CTE `shown_conflicts`: the first MAX_CONFLICTS conflicts of the target as the conflicts field shows them, over `conflicting`
 * (with the conflict's c_resolution, c_detected_at, c_resolved_by, c_justification) and `target_after` (the target
 * as it is after the statement).
 */
export function shownConflictsSql(viewer: Viewer): SqlFragment {
  return sqlf`shown_conflicts as (
      select ${visitColumns(viewer, 'o')}, ${PAIR_COLUMNS}, o.c_resolution as resolution,
        ${fragment(isoTimestamp('o.c_detected_at'))} as "detectedAt", o.c_resolved_by as "resolvedByCode",
        o.c_justification as justification, o.c_detected_at as detected_order
      from conflicting o cross join target_after t ${visitJoins(viewer, 'o')}
      where ${visitVisibleSql(viewer, 'o')}
      order by o.c_resolution is not null, o.c_detected_at, o.id
      limit ${MAX_CONFLICTS})`;
}

/** The output columns `conflicts` and `visit`, in the loaders' order. */
export function payloadColumnsSql(viewer: Viewer, shown: SqlFragment = fragment('true')): SqlFragment {
  return sqlf`(select coalesce(json_agg(c order by c.resolution is not null, c.detected_order, c.id), '[]') from shown_conflicts c) as conflicts,
    (select row_to_json(v) from (select ${visitColumns(viewer, 'v')} from target_after v ${visitJoins(viewer, 'v')}) as v where ${shown}) as visit`;
}

export interface Payload {
  visit: VisitRow;
  providers: ProviderRow[];
  conflicts: Array<VisitRow & Omit<ConflictView, 'visit'>>;
}

/** Hands the statement's payload to the request's loaders, so that nothing is read again; what they then show is audited as they show it. */
export function primePayload(context: RequestContext, id: string, payload: Payload): void {
  forgetVisits(context);
  visitById(context).prime(id, payload.visit);
  providersOfVisit(context).prime(id, payload.providers);
  conflictsOfVisit(context).primeFirst(id, payload.conflicts.map(toConflictView), MAX_CONFLICTS);
}
