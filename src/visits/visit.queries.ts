import { providerVisibleSql } from '../access/scope.js';
import { shownWindowSql, visibleThemesSql, visitDetailSql, visitVisibleSql } from '../access/visit-scope.js';
import type { Viewer } from '../access/viewer.js';
import { fragment, isoTimestamp, sqlf, type SqlFragment } from '../platform/database/sql.js';
import type { Location } from '../providers/index.js';
import type { VisitKind, VisitStatus, WindowPrecision } from './visit.enums.js';

/**
 * A visit as one viewer may see it. Fields of the detail view are empty unless `detail`; the window is the ISO
 * week unless `precision` is EXACT. Everything is decided in SQL, so lists, filters, sort order, cursors and
 * counts all see the same, already-reduced visit.
 */
export interface VisitRow {
  id: string;
  leadCode: string;
  participantCodes: string[];
  sharedWithCodes: string[];
  detail: boolean;
  announced: boolean;
  kind: VisitKind;
  status: VisitStatus;
  themes: string[];
  notes: string | null;
  mergedIntoId: string | null;
  windowStart: string;
  windowEnd: string;
  precision: WindowPrecision;
  location: Location | null;
}

/** The columns of a visit row for a viewer; pair with `visitJoins` for the same alias. */
export function visitColumns(viewer: Viewer, alias = 'v'): SqlFragment {
  const locationVisible = providerVisibleSql(viewer, `${alias}_l.provider_id`);
  return sqlf`${fragment(`${alias}.id, ${alias}.lead_organisation as "leadCode", ${alias}.participants as "participantCodes",
      ${alias}_d.detail,
      case when ${alias}_d.detail then ${alias}.shared_with else '{}'::text[] end as "sharedWithCodes",
      ${alias}.announced, ${alias}.kind, ${alias}.status,
      case when ${alias}_d.detail then `)}${visibleThemesSql(viewer, alias)}${fragment(` else '{}'::text[] end as themes,
      case when ${alias}_d.detail then ${alias}.notes end as notes,
      ${alias}.merged_into as "mergedIntoId",
      ${isoTimestamp(`lower(${alias}_s.w)`)} as "windowStart",
      ${isoTimestamp(`upper(${alias}_s.w)`)} as "windowEnd",
      case when ${alias}.announced or ${alias}_d.detail then 'EXACT' else 'WEEK' end as precision,
      case when ${alias}_l.id is not null and `)}${locationVisible}${fragment(` then json_build_object(
        'id', ${alias}_l.id, 'name', ${alias}_l.name, 'vestigingsnummer', ${alias}_l.vestigingsnummer, 'street', ${alias}_l.street,
        'postcode', ${alias}_l.postcode, 'city', ${alias}_l.city, 'municipalityCode', ${alias}_l.municipality_code,
        'country', ${alias}_l.country, 'region', ${alias}_l.region) end as location`)}`;
}

/**
 * What follows `visit <alias>` in a FROM clause: the detail flag (`<alias>_d.detail`) and the shown window
 * (`<alias>_s.w`) computed once per row, and the location.
 */
export function visitJoins(viewer: Viewer, alias = 'v'): SqlFragment {
  return sqlf`cross join lateral (select ${visitDetailSql(viewer, alias)} as detail) ${fragment(`${alias}_d`)}
    ${fragment(`cross join lateral (select ${shownWindowSql(alias, `${alias}_d.detail`)} as w) ${alias}_s
    left join location ${alias}_l on ${alias}_l.id = ${alias}.location_id`)}`;
}

/** Visits by id, as the viewer may see them; invisible ones are simply absent. */
export function visitsByIdQuery(viewer: Viewer, ids: readonly string[]): SqlFragment {
  return sqlf`select ${visitColumns(viewer)} from visit v ${visitJoins(viewer)}
    where v.id = any(${ids}::uuid[]) and ${visitVisibleSql(viewer, 'v')}`;
}

/** The fields of a VisitRow, picked from a row that may carry more. */
export function toVisitRow(row: VisitRow): VisitRow {
  return {
    id: row.id,
    leadCode: row.leadCode,
    participantCodes: row.participantCodes,
    sharedWithCodes: row.sharedWithCodes,
    detail: row.detail,
    announced: row.announced,
    kind: row.kind,
    status: row.status,
    themes: row.themes,
    notes: row.notes,
    mergedIntoId: row.mergedIntoId,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    precision: row.precision,
    location: row.location,
  };
}
