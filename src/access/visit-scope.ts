import { OrganisationKind } from './organisations.js';
import { fragment } from '../platform/database/sql.js';
import { providerVisibleSql, type SqlCondition } from './scope.js';
import type { Viewer } from './viewer.js';

/**
 * The access policy for visits, as SQL. Two views:
 *
 * - the **planning view** (lead, providers, location, window, kind, status, conflicts) for every organisation
 *   whose supervision domain covers a provider of the visit — its reach (scope.ts) — except the OM, which sees
 *   no visits;
 * - the **detail view** (themes, notes, history, and the exact window of an unannounced visit) for the lead,
 *   the participants and the organisations the visit was shared with.
 *
 * Of an unannounced visit, organisations without the detail view see only the ISO week: its window is
 * replaced by `visit_week_window(...)` in every query that shows, filters, sorts or counts visits.
 */
export function visitVisibleSql(viewer: Viewer, visit: string): SqlCondition {
  if (viewer.kind === OrganisationKind.PROSECUTION) return fragment('false');
  const reach = providerVisibleSql(viewer, 'vv.provider_id');
  return fragment(`exists (select 1 from visit_provider vv where vv.visit_id = ${visit}.id and ${reach.sql})`, reach.params);
}

export function visitDetailSql(viewer: Viewer, visit: string): SqlCondition {
  return fragment(`(${visit}.lead_organisation = ? or ? = any(${visit}.participants) or ? = any(${visit}.shared_with))`, [
    viewer.organisation,
    viewer.organisation,
    viewer.organisation,
  ]);
}

/** The window the viewer may see, given a SQL expression telling whether it has the detail view. */
export function shownWindowSql(visit: string, detail: string): string {
  return `case when ${visit}.announced or ${detail} then ${visit}.time_window else visit_week_window(${visit}.time_window) end`;
}
