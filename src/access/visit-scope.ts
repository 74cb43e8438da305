import { OrganisationKind } from './organisations.js';
import { fragment, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { locationInReachSql, PROVIDER_REACH, ProviderReach, reachCaseSql, reachOfKindSql, type SqlCondition } from './scope.js';
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
  const alias = fragment(visit);
  return planningViewSql({
    territory: PROVIDER_REACH[viewer.kind] === ProviderReach.OWN_TERRITORY,
    locationId: sqlf`${alias}.location_id`,
    providerInReach: (location) => sqlf`exists (select 1 from visit_provider vv where vv.visit_id = ${alias}.id
      and exists (select 1 from location reach where reach.provider_id = vv.provider_id and ${location('reach')}))`,
    locationInTerritory: (l) => sqlf`${fragment(l)}.municipality_code = ${viewer.organisation}`,
    inReach: (l) => locationInReachSql(viewer, l),
  });
}

/**
 * The same rule — `visitVisibleSql(organisationAsReader(code), …)` — for a reader given as SQL, `organisation` (a
 * column, e.g. the lead of a conflicting visit that is told about it), reading as an organisation (not a person
 * with roles); the visit is given by its providers (`providerIds`, a uuid[] expression) and its location
 * (`locationId`, a uuid expression), so that it may be one this very statement plans or moves, which the
 * statement cannot read yet.
 */
export function visitVisibleToSql(organisation: SqlFragment, providerIds: SqlFragment, locationId: SqlFragment): SqlCondition {
  const kind = sqlf`(select r.kind from organisation r where r.code = ${organisation})`;
  const reach = reachOfKindSql(kind);
  return sqlf`(${kind} <> ${OrganisationKind.PROSECUTION} and ${planningViewSql({
    territory: sqlf`${reach} = ${ProviderReach.OWN_TERRITORY}`,
    locationId,
    providerInReach: (location) => sqlf`exists (select 1 from location reach where reach.provider_id = any(${providerIds}) and ${location('reach')})`,
    locationInTerritory: (l) => sqlf`${fragment(l)}.municipality_code = ${organisation}`,
    inReach: (l) => reachCaseSql(reach, l, organisation),
  })})`;
}

interface VisitPlace {
  /** Whether the reader's reach is its own territory: a boolean, or a SQL expression. */
  territory: boolean | SqlFragment;
  locationId: SqlFragment;
  /** "Some provider of the visit has a location for which `location(alias)` holds." */
  providerInReach: (location: (l: string) => SqlFragment) => SqlFragment;
  locationInTerritory: (l: string) => SqlFragment;
  inReach: (l: string) => SqlFragment;
}

/**
 * The planning view's rule, once: a provider of the visit within the reader's reach; for a municipality, the
 * visit's location in its territory, or for a provider-wide visit a provider located there.
 */
function planningViewSql(place: VisitPlace): SqlCondition {
  const byProvider = place.providerInReach(place.inReach);
  if (place.territory === false) return byProvider;
  const territorial = sqlf`(case when ${place.locationId} is null then ${byProvider}
    else exists (select 1 from location vl where vl.id = ${place.locationId} and ${place.locationInTerritory('vl')}) end)`;
  if (place.territory === true) return territorial;
  return sqlf`(case when ${place.territory} then ${territorial} else ${byProvider} end)`;
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
