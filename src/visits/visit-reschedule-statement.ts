import { providerVisibleSql } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { auditInsertSql } from '../audit/index.js';
import { fragment, runPrepared, sqlf, sqlState, type SqlFragment } from '../platform/database/sql.js';
import { rangeLiteral, type TimeRange } from '../platform/database/tstzrange.js';
import { PROVIDER_COLUMNS } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import type { VisitStatus } from './visit.enums.js';
import type { VisitRow } from './visit.queries.js';
import { metAnotherWrite, payloadColumnsSql, primePayload, shownConflictsEventSql, shownConflictsSql, type Payload } from './visit-statement.js';
import { conflictEventsSql, owners, storedConflictTarget } from './visit-writes.js';

/**
 * rescheduleVisit in one statement after the read that found the visit (its visibility, its lead, its status — and
 * its participants, whose auditors see the event, so the audit event can be sealed before the statement runs):
 * the locks, the move, the history entry, the conflicts that close and open, their events, the audit event and
 * the payload. Why that is safe under concurrency: visit-statement.ts.
 */

/** SQLSTATE of visit_reschedule when the visit stopped being active before its lock was taken; the message is its status. */
const NO_LONGER_ACTIVE = 'SL002';

export type OneStatementMove = { outcome: 'moved' } | { outcome: 'inactive'; status: VisitStatus } | { outcome: 'changed-meanwhile' };

export async function rescheduleInOneStatement(
  context: RequestContext,
  viewer: Viewer,
  visit: VisitRow,
  window: TimeRange,
  reason: string | null,
): Promise<OneStatementMove> {
  const mark = context.audit.checkpoint();
  context.audit.record({ operation: 'rescheduleVisit', resourceType: 'Visit', resources: [{ id: visit.id, owners: owners(visit) }] });
  // Reading `moved` first: the audit chain's row is locked only after the visit's and the providers' locks.
  const audit = auditInsertSql(context.audit.takeFrom(mark), fragment('(select count(*) >= 0 from moved)'), shownConflictsEventSql(context));
  let row: Payload;
  try {
    [row] = (await runPrepared<Payload>(context.em, rescheduleStatement(context, viewer, visit.id, window, reason, audit), context.log)) as [Payload];
  } catch (error) {
    if (metAnotherWrite(error)) return { outcome: 'changed-meanwhile' };
    if (sqlState(error) === NO_LONGER_ACTIVE) return { outcome: 'inactive', status: (error as Error).message.split(' - ').pop() as VisitStatus };
    throw error;
  }
  primePayload(context, visit.id, row);
  return { outcome: 'moved' };
}

function rescheduleStatement(context: RequestContext, viewer: Viewer, id: string, window: TimeRange, reason: string | null, audit: SqlFragment): SqlFragment {
  const at = context.now();
  const range = sqlf`${rangeLiteral(window)}::tstzrange`;
  const target = storedConflictTarget(id);
  return sqlf`with
    moved as materialized (
      select * from visit_reschedule(${id}::uuid, ${range}, ${context.settings.conflictMarginDays}::int, ${at}, ${viewer.organisation}, ${viewer.sub},
        ${reason}, visit_planning_changes(${target.providerIds}))),
    conflicting as materialized (
      select o.*, m.announce, m.resolution as c_resolution, m.detected_at as c_detected_at, m.resolved_by_organisation as c_resolved_by,
        m.justification as c_justification
      from moved m join visit o on o.id = m.other_id),
    target_after as (
      select v.id, v.lead_organisation, v.participants, v.shared_with, v.location_id, ${range} as time_window, v.announced, v.kind, v.themes,
        v.notes, v.status, v.merged_into
      from visit v where v.id = ${id}::uuid),
    ${shownConflictsSql(viewer)},
    ${conflictEventsSql(target, at)},
    audited as (${audit})
  select (select count(*) from moved) as conflicts_after,
    (select coalesce(json_agg(p order by p.name, p.id), '[]') from (
      select ${fragment(PROVIDER_COLUMNS)} from visit_provider vp join provider p on p.id = vp.provider_id
      where vp.visit_id = ${id}::uuid and ${providerVisibleSql(viewer, 'p.id')}) as p) as providers,
    ${payloadColumnsSql(viewer)}`;
}
