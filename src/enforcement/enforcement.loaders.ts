import DataLoader from 'dataloader';
import { enforcementNotesVisibleSql, enforcementVisibleSql } from '../access/enforcement-scope.js';
import { groupBy, listLoader, type ListKey } from '../platform/collections.js';
import { can } from '../access/policy.js';
import { fragment, isoTimestamp, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { asOrganisation, requireViewer, type RequestContext } from '../request-context.js';
import type { EnforcementStatus } from './enforcement.enums.js';
import { enforcementColumns, type EnforcementRow } from './enforcement.queries.js';

/** Per-request loaders for what hangs under measures and providers; each answers one batch in one statement. */

/** The measures of providers the viewer may see (callers pass such ids), newest imposition first. */
export function actionsOfProvider(context: RequestContext): DataLoader<ListKey, EnforcementRow[], string> {
  return context.loader(createActionsOfProvider);
}

function createActionsOfProvider(context: RequestContext): DataLoader<ListKey, EnforcementRow[], string> {
  return listLoader(async (providerIds, limit) => {
    const viewer = requireViewer(context);
    const own = enforcementNotesVisibleSql(viewer, 'e');
    const columns = enforcementColumns(context.now(), sqlf`case when ${own} then 'OWN' else 'SHARED' end`, own);
    const rows = await asOrganisation(context, (em) =>
      run<EnforcementRow & { parentId: string }>(
        em,
        sqlf`select listed.* from unnest(${providerIds}::uuid[]) as parent(id) cross join lateral (
            select ${columns}, e.provider_id as "parentId" from enforcement_action e join provider ep on ep.id = e.provider_id
            where e.provider_id = parent.id and ${enforcementVisibleSql(viewer, 'e')}
            order by e.imposed_on desc, e.id desc limit ${limit ?? null}) as listed`,
      ),
    );
    return groupBy(providerIds, rows, (row) => row.parentId, ({ parentId: _parentId, ...row }) => row);
  });
}

/** The ids of the signals and visits measures are related to (what the viewer may see of them is the loaders' of those). */
export function relatedIdsOf(context: RequestContext): DataLoader<string, { signalIds: string[]; visitIds: string[] }> {
  return context.loader(createRelatedIds);
}

function createRelatedIds(context: RequestContext): DataLoader<string, { signalIds: string[]; visitIds: string[] }> {
  return new DataLoader(async (actionIds) => {
    const rows = await run<{ actionId: string; kind: 'signal' | 'visit'; relatedId: string }>(
      context.em,
      sqlf`select enforcement_action_id as "actionId", 'signal' as kind, signal_id as "relatedId" from enforcement_action_signal
          where enforcement_action_id = any(${actionIds}::uuid[])
        union all
        select enforcement_action_id, 'visit', visit_id from enforcement_action_visit where enforcement_action_id = any(${actionIds}::uuid[])
        order by 1, 3`,
    );
    return actionIds.map((id) => ({
      signalIds: rows.filter((row) => row.actionId === id && row.kind === 'signal').map((row) => row.relatedId),
      visitIds: rows.filter((row) => row.actionId === id && row.kind === 'visit').map((row) => row.relatedId),
    }));
  });
}

export interface StatusChangeRow {
  actionId: string;
  status: EnforcementStatus;
  note: string | null;
  organisationCode: string;
  changedAt: string;
}

/** The status history of measures, oldest first; the notes of changes only for the recording organisation. */
export function historyOfAction(context: RequestContext): DataLoader<ListKey, StatusChangeRow[], string> {
  return context.loader(createHistory);
}

function createHistory(context: RequestContext): DataLoader<ListKey, StatusChangeRow[], string> {
  return listLoader(async (actionIds, limit) => {
    const viewer = requireViewer(context);
    const rows = await run<StatusChangeRow>(
      context.em,
      sqlf`select changed.* from unnest(${actionIds}::uuid[]) as parent(id) cross join lateral (
          select h.enforcement_action_id as "actionId", h.status, case when e.organisation = ${viewer.organisation} then h.note end as note,
            h.changed_by_organisation as "organisationCode", ${fragment(isoTimestamp('h.changed_at'))} as "changedAt"
          from enforcement_action_status h join enforcement_action e on e.id = h.enforcement_action_id
          where h.enforcement_action_id = parent.id order by h.id limit ${limit ?? null}) as changed`,
    );
    return groupBy(actionIds, rows, (row) => row.actionId);
  });
}

/**
 * Measures by id, batched per request: those the viewer may see (OWN or SHARED view); without a token, or
 * without a role that reads measures, the published ones in the public view. Undefined for the rest.
 */
export function actionById(context: RequestContext): DataLoader<string, EnforcementRow | undefined> {
  return context.loader(createActionById);
}

function createActionById(context: RequestContext): DataLoader<string, EnforcementRow | undefined> {
  return new DataLoader(async (ids) => {
    const viewer = context.viewer;
    const query = (columns: SqlFragment, visible: SqlFragment) =>
      sqlf`select ${columns} from enforcement_action e join provider ep on ep.id = e.provider_id where e.id = any(${ids}::uuid[]) and ${visible}`;
    const rows =
      viewer && can(viewer, 'enforcement.read')
        ? await asOrganisation(context, (em) => {
            const own = enforcementNotesVisibleSql(viewer, 'e');
            return run<EnforcementRow>(em, query(enforcementColumns(context.now(), sqlf`case when ${own} then 'OWN' else 'SHARED' end`, own), enforcementVisibleSql(viewer, 'e')));
          })
        : await run<EnforcementRow>(context.em, query(enforcementColumns(context.now(), 'PUBLIC', sqlf`false`), sqlf`e.published_at is not null`));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}
