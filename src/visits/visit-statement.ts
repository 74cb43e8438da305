import { visitVisibleSql } from '../access/visit-scope.js';
import type { Viewer } from '../access/viewer.js';
import { fragment, isoTimestamp, sqlf, sqlState, type SqlFragment } from '../platform/database/sql.js';
import type { ProviderRow } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import { statementReadEventSql } from '../audit/index.js';
import { CONFLICTS_SHOWN, conflictsOfVisit, PAIR_COLUMNS, providersOfVisit, toConflictView, visitById, type ConflictView } from './visit.loaders.js';
import { MAX_CONFLICTS } from './visit.validation.js';
import { visitColumns, visitJoins, type VisitRow } from './visit.queries.js';
import { forgetVisits } from './visit-writes.js';

/**
 * What planVisit and rescheduleVisit share when each runs as one statement (visit-plan-statement.ts,
 * visit-reschedule-statement.ts): the conflicts as the viewer sees them and the payload handed to the request's
 * loaders. Who is told about new conflicts is conflictEventsSql (visit-writes.ts), shared with every other write.
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

/**
 * The audit event of showing the viewer `shown_conflicts`, as recordConflictsShown would record it when the
 * payload's conflicts are served: for the statement's own audit insert (auditInsertSql's `found`), so that the
 * answer needs no second round trip. None without a viewer.
 */
export function shownConflictsEventSql(context: RequestContext): SqlFragment | undefined {
  const header = context.audit.readByStatement(CONFLICTS_SHOWN, 'Visit');
  if (!header) return undefined;
  return statementReadEventSql(header, fragment(`select row_number() over (order by c.resolution is not null, c.detected_order, c.id),
      c.id, array[c."leadCode"] || c."participantCodes" from shown_conflicts c`));
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

/**
 * Hands the statement's payload to the request's loaders, so that nothing is read again. The statement has
 * audited showing its conflicts (shownConflictsEventSql); the visit is the write's own event's.
 */
export function primePayload(context: RequestContext, id: string, payload: Payload): void {
  forgetVisits(context);
  visitById(context).prime(id, payload.visit);
  providersOfVisit(context).prime(id, payload.providers);
  conflictsOfVisit(context).primeFirst(id, payload.conflicts.map(toConflictView), MAX_CONFLICTS);
}
