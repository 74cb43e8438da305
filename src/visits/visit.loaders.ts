import DataLoader from 'dataloader';
import { providerVisibleSql } from '../access/scope.js';
import { visitDetailSql, visitVisibleSql } from '../access/visit-scope.js';
import { groupBy, listLoader, type ListKey, type ListLoader } from '../platform/collections.js';
import { fragment, isoTimestamp, run, sqlf } from '../platform/database/sql.js';
import { PROVIDER_COLUMNS, type ProviderRow } from '../providers/index.js';
import { requireViewer, type RequestContext } from '../request-context.js';
import type { ConflictResolution, ConflictScope, VisitAction } from './visit.enums.js';
import { toVisitRow, visitColumns, visitJoins, visitsByIdQuery, type VisitRow } from './visit.queries.js';

/**
 * Per-request loaders for everything nested under a visit: one statement per kind of field however many visits
 * a page holds. They only ever return what the viewer may see.
 */
export function visitById(context: RequestContext): DataLoader<string, VisitRow | undefined> {
  return context.loader(createVisitById);
}

function createVisitById(context: RequestContext): DataLoader<string, VisitRow | undefined> {
  return new DataLoader(async (ids) => {
    const viewer = requireViewer(context);
    const rows = await run<VisitRow>(context.em, visitsByIdQuery(viewer, ids));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}

/** The providers of each visit that are within the viewer's reach. */
export function providersOfVisit(context: RequestContext): DataLoader<string, ProviderRow[]> {
  return context.loader(createProvidersOfVisit);
}

function createProvidersOfVisit(context: RequestContext): DataLoader<string, ProviderRow[]> {
  return new DataLoader(async (visitIds) => {
    const viewer = requireViewer(context);
    const rows = await run<ProviderRow & { visitId: string }>(
      context.em,
      sqlf`select vp.visit_id as "visitId", ${fragment(PROVIDER_COLUMNS)}
        from visit_provider vp join provider p on p.id = vp.provider_id
        where vp.visit_id = any(${visitIds}::uuid[]) and ${providerVisibleSql(viewer, 'p.id')}
        order by p.name, p.id`,
    );
    return groupBy(visitIds, rows, (row) => row.visitId, ({ visitId: _visitId, ...provider }) => provider);
  });
}

export interface ConflictView {
  visit: VisitRow;
  scope: ConflictScope;
  gapDays: number;
  resolution: ConflictResolution | null;
  detectedAt: string | null;
  resolvedByCode: string | null;
  justification: string | null;
}

/** Of a conflict between visit `t` and the other visit `o`: its scope and the days between their planning windows. */
export const PAIR_COLUMNS = fragment(`case when o.lead_organisation = t.lead_organisation then 'SAME_ORGANISATION' else 'CROSS_ORGANISATION' end as scope,
  visit_gap_days(visit_planning_window(t.time_window, t.announced), visit_planning_window(o.time_window, o.announced)) as "gapDays"`);

/** The operation of the audit event of showing the viewer conflicting visits. */
export const CONFLICTS_SHOWN = 'visit.conflicts';

/** The audit event of showing the viewer these conflicting visits. */
function recordConflictsShown(context: RequestContext, visits: readonly VisitRow[]): void {
  if (visits.length === 0) return;
  context.audit.record({
    operation: CONFLICTS_SHOWN,
    resourceType: 'Visit',
    resources: visits.map((row) => ({ id: row.id, owners: [row.leadCode, ...row.participantCodes] })),
  });
}

/**
 * The conflicts of each visit with other visits the viewer can see: open ones first, then by when they were
 * detected; at most `limit` per visit.
 */
export function conflictsOfVisit(context: RequestContext): ListLoader<ConflictView> {
  return context.loader(createConflictsOfVisit);
}

function createConflictsOfVisit(context: RequestContext): ListLoader<ConflictView> {
  return listLoader(async (visitIds, limit) => {
    const viewer = requireViewer(context);
    const rows = await run<VisitRow & Omit<ConflictView, 'visit'> & { forVisitId: string }>(
      context.em,
      sqlf`select shown.* from unnest(${visitIds}::uuid[]) as t_id(id) join visit t on t.id = t_id.id cross join lateral (
          select t.id as "forVisitId", ${visitColumns(viewer, 'o')}, ${PAIR_COLUMNS},
            c.resolution, ${fragment(isoTimestamp('c.detected_at'))} as "detectedAt",
            c.resolved_by_organisation as "resolvedByCode",
            case when ${visitDetailSql(viewer, 't')} then c.justification end as justification
          from visit_conflict c
          join visit o on o.id = case when c.visit_a_id = t.id then c.visit_b_id else c.visit_a_id end ${visitJoins(viewer, 'o')}
          where (c.visit_a_id = t.id or c.visit_b_id = t.id) and ${visitVisibleSql(viewer, 'o')}
          order by c.resolution is not null, c.detected_at, o.id
          limit ${limit ?? null}) as shown`,
    );
    recordConflictsShown(context, rows);
    return groupBy(visitIds, rows, (row) => row.forVisitId, toConflictView);
  });
}

/** A conflict as the loader's query gives it (a visit row with the pair's columns), as the field shows it. */
export function toConflictView(row: VisitRow & Omit<ConflictView, 'visit'>): ConflictView {
  return {
    visit: toVisitRow(row),
    scope: row.scope,
    gapDays: row.gapDays,
    resolution: row.resolution,
    detectedAt: row.detectedAt,
    resolvedByCode: row.resolvedByCode,
    justification: row.justification,
  };
}

export interface HistoryRow {
  visitId: string;
  at: string;
  action: VisitAction;
  actorOrganisation: string;
  actorSub: string;
  reason: string | null;
  relatedVisitId: string | null;
  previousStart: string | null;
  previousEnd: string | null;
}

/**
 * The history of visits, oldest first; with a `limit`, the most recent entries. Callers ask only for visits the
 * viewer has the detail view of.
 */
export function historyOfVisit(context: RequestContext): DataLoader<ListKey, HistoryRow[], string> {
  return context.loader(createHistoryOfVisit);
}

function createHistoryOfVisit(context: RequestContext): DataLoader<ListKey, HistoryRow[], string> {
  return listLoader(async (visitIds, limit) => {
    const rows = await run<HistoryRow & { n: number }>(
      context.em,
      sqlf`select recent.* from unnest(${visitIds}::uuid[]) as parent(id) cross join lateral (
          select h.visit_id as "visitId", ${fragment(isoTimestamp('h.at'))} as at, h.action, h.actor_organisation as "actorOrganisation",
            h.actor_sub as "actorSub", h.reason, h.related_visit_id as "relatedVisitId",
            ${fragment(isoTimestamp('lower(h.previous_window)'))} as "previousStart",
            ${fragment(isoTimestamp('upper(h.previous_window)'))} as "previousEnd", h.id as n
          from visit_history h where h.visit_id = parent.id order by h.at desc, h.id desc limit ${limit ?? null}) as recent
        order by recent.at, recent.n`,
    );
    return groupBy(visitIds, rows, (row) => row.visitId, ({ n: _n, ...entry }) => entry);
  });
}
