import { locationInReachSql, organisationsReachingSql, providerVisibleSql, type LocationPlace } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { auditInsertSql } from '../audit/index.js';
import { fragment, runPrepared, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { rangeLiteral } from '../platform/database/tstzrange.js';
import { PROVIDER_COLUMNS } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import type { PlanDraft } from './visit.validation.js';
import { metAnotherWrite, payloadColumnsSql, primePayload, shownConflictsEventSql, shownConflictsSql, type Payload } from './visit-statement.js';
import { conflictEventsSql } from './visit-writes.js';

/**
 * planVisit in one statement, one round trip after authentication: the reach checks, the providers' locks, the
 * conflicts, every row (visit, its providers, history, conflicts, their events and deliveries, the audit event)
 * and the payload (the visit, its providers, its conflicts as the viewer may see them), which primes the
 * request's loaders. Why that is safe under concurrency: visit-statement.ts.
 */

/** What the statement found about the providers, the location and the organisations shared with. */
export interface PlaceFindings {
  visibleProviderIds: Set<string>;
  /** The location asked for, if it exists: where it is, and whether its provider is visible to the viewer. */
  location: (LocationPlace & { providerId: string; providerVisible: boolean }) | undefined;
  /** Of `sharedWith`, the organisations whose supervision reaches a provider of the visit. */
  supervising: Set<string>;
}

export type OneStatementPlan = { outcome: 'planned' } | { outcome: 'refused'; findings: PlaceFindings } | { outcome: 'changed-meanwhile' };

interface StatementRow extends Payload {
  ok: boolean;
  place: (LocationPlace & { providerId: string; providerVisible: boolean }) | null;
  supervising: string[];
}

export async function planInOneStatement(context: RequestContext, viewer: Viewer, draft: PlanDraft, id: string): Promise<OneStatementPlan> {
  const mark = context.audit.checkpoint();
  context.audit.record({ operation: 'planVisit', resourceType: 'Visit', resources: [{ id, owners: [viewer.organisation] }], details: { providers: draft.providerIds } });
  // Gated on the verdict, and reading `planned` first: the audit chain's row is locked only after the providers' locks.
  const audit = auditInsertSql(context.audit.takeFrom(mark), fragment('(select ok from verdict) and (select count(*) >= 0 from planned)'), shownConflictsEventSql(context));
  let row: StatementRow;
  try {
    [row] = (await runPrepared<StatementRow>(context.em, planStatement(context, viewer, draft, id, audit), context.log)) as [StatementRow];
  } catch (error) {
    if (metAnotherWrite(error)) return { outcome: 'changed-meanwhile' };
    throw error;
  }
  if (!row.ok) {
    const findings = { visibleProviderIds: new Set(row.providers.map((provider) => provider.id)), location: row.place ?? undefined, supervising: new Set(row.supervising) };
    return { outcome: 'refused', findings };
  }
  primePayload(context, id, row);
  return { outcome: 'planned' };
}

function planStatement(context: RequestContext, viewer: Viewer, draft: PlanDraft, id: string, audit: SqlFragment): SqlFragment {
  const at = context.now();
  const ids = sqlf`${draft.providerIds}::uuid[]`;
  const location = sqlf`${draft.locationId}::uuid`;
  const window = sqlf`${rangeLiteral(draft.window)}::tstzrange`;
  const supervising = draft.sharedWith.length > 0 ? organisationsReachingSql(draft.sharedWith, draft.providerIds) : fragment('select null::text as code where false');
  return sqlf`with
    seen as materialized (select ${fragment(PROVIDER_COLUMNS)} from provider p where p.id = any(${ids}) and ${providerVisibleSql(viewer, 'p.id')}),
    place as materialized (
      select l.provider_id as "providerId", l.country, l.municipality_code as "municipalityCode", l.region, l.registered_by as "registeredBy",
        ${providerVisibleSql(viewer, 'l.provider_id')} as "providerVisible", ${locationInReachSql(viewer, 'l')} as "inReach"
      from location l where l.id = ${location}),
    supervising as materialized (${supervising}),
    verdict as materialized (
      select (select count(*) from seen) = ${draft.providerIds.length}
        and (${location} is null or exists (select 1 from place where place."providerVisible" and place."inReach" and place."providerId" = any(${ids})))
        and (select count(*) from supervising) = ${draft.sharedWith.length} as ok),
    planned as materialized (
      select visit_plan(${id}::uuid, ${viewer.organisation}, ${location}, ${window}, ${draft.announced}, ${draft.kind},
        ${draft.themes}::text[], ${draft.notes}, ${draft.sharedWith}::text[], ${ids}, ${context.settings.conflictMarginDays}::int, ${at}, ${viewer.sub},
        visit_planning_changes(${ids})) as id
      from verdict where verdict.ok),
    conflicting as materialized (
      select o.*, true as announce, null::text as c_resolution, ${at}::timestamptz as c_detected_at, null::text as c_resolved_by, null::text as c_justification
      from planned join visit o on o.id = planned.id),
    target_after as (
      select ${id}::uuid as id, ${viewer.organisation}::text as lead_organisation, '{}'::text[] as participants, ${draft.sharedWith}::text[] as shared_with,
        ${location} as location_id, ${window} as time_window, ${draft.announced}::boolean as announced, ${draft.kind}::text as kind,
        ${draft.themes}::text[] as themes, ${draft.notes}::text as notes, 'PLANNED'::text as status, null::uuid as merged_into),
    ${shownConflictsSql(viewer)},
    ${conflictEventsSql({ id, lead: sqlf`${viewer.organisation}`, providerIds: ids, locationId: location }, at)},
    audited as (${audit})
  select (select ok from verdict) as ok, (select count(*) from planned) as conflicts_found,
    (select coalesce(json_agg(seen order by seen.name, seen.id), '[]') from seen) as providers,
    (select row_to_json(place) from place) as place,
    (select coalesce(array_agg(code), '{}') from supervising) as supervising,
    ${payloadColumnsSql(viewer, fragment('(select ok from verdict)'))}`;
}
