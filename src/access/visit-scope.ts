import { OrganisationKind } from './organisations.js';
import { fragment, sqlf } from '../platform/database/sql.js';
import { PROVIDER_REACH, ProviderReach, providerVisibleSql, type SqlCondition } from './scope.js';
import type { Viewer } from './viewer.js';

/**
 * The access policy for visits, as SQL. Two views:
 *
 * - the **planning view** (lead, providers, location, window, kind, status, conflicts) for every organisation
 *   whose supervision domain covers a provider of the visit — its reach (scope.ts) — except the OM, which sees
 *   no visits. A municipality's domain is its territory, not the provider: it sees visits at a location in its
 *   territory and provider-wide visits (no location) of providers located there, not visits at the provider's
 *   locations elsewhere;
 * - the **detail view** (themes, notes, history, and the exact window of an unannounced visit) for the lead,
 *   the participants and the organisations the visit was shared with.
 *
 * Of an unannounced visit, organisations without the detail view see only the ISO week: its window is
 * replaced by `visit_week_window(...)` in every query that shows, filters, sorts or counts visits.
 */
export function visitVisibleSql(viewer: Viewer, visit: string): SqlCondition {
  if (viewer.kind === OrganisationKind.PROSECUTION) return fragment('false');
  const reach = providerVisibleSql(viewer, 'vv.provider_id');
  const providerInReach = sqlf`exists (select 1 from visit_provider vv where vv.visit_id = ${fragment(visit)}.id and ${reach})`;
  if (PROVIDER_REACH[viewer.kind] !== ProviderReach.OWN_TERRITORY) return providerInReach;
  return sqlf`(case when ${fragment(visit)}.location_id is null then ${providerInReach}
    else exists (select 1 from location vl where vl.id = ${fragment(visit)}.location_id and vl.municipality_code = ${viewer.organisation}) end)`;
}

export function visitDetailSql(viewer: Viewer, visit: string): SqlCondition {
  const alias = fragment(visit);
  return sqlf`(${alias}.lead_organisation = ${viewer.organisation} or ${viewer.organisation} = any(${alias}.participants)
    or ${viewer.organisation} = any(${alias}.shared_with))`;
}

/**
 * The themes the viewer may see of a visit it has the detail view of: the visit's own, and those of the visits
 * merged into it. A merged visit's owner agreed to run the joint visit with its lead and the participants of that
 * moment (`merge_audience`), so they see its themes; so does everyone the owner shared the visit with. An
 * organisation that joins later sees them only when the merged visit was the lead's own (the lead invited it).
 */
export function visibleThemesSql(viewer: Viewer, visit: string): SqlCondition {
  const joint = fragment(visit);
  const agreed = sqlf`(${viewer.organisation} = any(m.merge_audience) or ${joint}.lead_organisation = ${viewer.organisation}
    or (m.lead_organisation = ${joint}.lead_organisation and ${viewer.organisation} = any(${joint}.participants)))`;
  return sqlf`array(select distinct theme from (
      select unnest(${joint}.themes) as theme
      union all
      select unnest(m.themes) from visit m where m.merged_into = ${joint}.id and (${agreed} or ${visitDetailSql(viewer, 'm')})) as themes
    order by theme)`;
}

/** The window the viewer may see, given a SQL expression telling whether it has the detail view. */
export function shownWindowSql(visit: string, detail: string): string {
  return `case when ${visit}.announced or ${detail} then ${visit}.time_window else visit_week_window(${visit}.time_window) end`;
}
