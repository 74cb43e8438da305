import { enforcementNotesVisibleSql, enforcementVisibleSql } from '../access/enforcement-scope.js';
import { isOrganisationCode } from '../access/organisations.js';
import { requireAction } from '../access/policy.js';
import { joinSql, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { BadUserInputError, NotFoundError } from '../platform/errors.js';
import { cursorPart, type Page } from '../platform/graphql/connection.js';
import { parseUuid } from '../platform/ids.js';
import { asOrganisation, replicaReads, requireViewer, type RequestContext } from '../request-context.js';
import type { EnforcementStatus, EnforcementType } from './enforcement.enums.js';
import { enforcementColumns, enforcementStatusSql, type EnforcementRow } from './enforcement.queries.js';

export interface EnforcementListFilter {
  providerId?: string | null;
  organisationCode?: string | null;
  type?: EnforcementType | null;
  status?: EnforcementStatus | null;
  /** Imposed on or after this day. */
  from?: string | null;
  /** Imposed on or before this day. */
  to?: string | null;
}

/** The audit owners of a measure: the organisation that recorded it. */
function owned(row: EnforcementRow) {
  return { id: row.id, owners: [row.organisationCode] };
}

/** What the viewer sees of measures it may see (OWN for its own, SHARED otherwise), in one condition. */
function shownTo(context: RequestContext) {
  const viewer = requireViewer(context);
  const own = enforcementNotesVisibleSql(viewer, 'e');
  return {
    visible: enforcementVisibleSql(viewer, 'e'),
    columns: enforcementColumns(context.now(), sqlf`case when ${own} then 'OWN' else 'SHARED' end`, own),
  };
}

/** A measure the viewer may see, or NOT_FOUND (audited as such) — also for a malformed id. */
export async function requireVisibleAction(context: RequestContext, id: string, operation: string): Promise<EnforcementRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'enforcement.read');
  const actionId = parseUuid(id);
  const { visible, columns } = shownTo(context);
  const [row] = actionId
    ? await asOrganisation(context, (em) =>
        run<EnforcementRow>(em, sqlf`select ${columns} from enforcement_action e join provider ep on ep.id = e.provider_id where e.id = ${actionId}::uuid and ${visible}`),
      )
    : [];
  if (!row) {
    context.audit.record({ operation, resourceType: 'EnforcementAction', resources: [{ id: id.slice(0, 64), owners: [] }], outcome: 'NOT_FOUND' });
    throw new NotFoundError('enforcement action', id.slice(0, 64));
  }
  return row;
}

export async function getEnforcementAction(context: RequestContext, id: string): Promise<EnforcementRow> {
  const row = await requireVisibleAction(context, id, 'enforcementAction');
  context.audit.record({ operation: 'enforcementAction', resourceType: 'EnforcementAction', resources: [owned(row)] });
  return row;
}

/** Measures the viewer may see, newest imposition first. */
export async function listEnforcementActions(
  context: RequestContext,
  filter: EnforcementListFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<EnforcementRow>> {
  requireAction(requireViewer(context), 'enforcement.read');
  const { visible, columns } = shownTo(context);
  return listActions(context, visible, columns, filter, first, after, (shown) =>
    context.audit.record({ operation: 'enforcementActions', resourceType: 'EnforcementAction', resources: shown.map(owned) }),
  );
}

/**
 * Published measures, for anyone, with or without a token — the same list either way, in the public view. Read
 * by an anonymous caller it is audited as anonymous.
 */
export async function listPublicEnforcementActions(
  context: RequestContext,
  filter: EnforcementListFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<EnforcementRow>> {
  const columns = enforcementColumns(context.now(), 'PUBLIC', sqlf`false`);
  return listActions(context, sqlf`e.published_at is not null`, columns, filter, first, after, (shown) =>
    context.audit.recordPublicRead({ operation: 'publicEnforcementActions', resourceType: 'EnforcementAction', resources: shown.map(owned) }),
  );
}

async function listActions(
  context: RequestContext,
  visible: SqlFragment,
  columns: SqlFragment,
  filter: EnforcementListFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
  audit: (shown: readonly EnforcementRow[]) => void,
): Promise<Page<EnforcementRow>> {
  const page = context.settings.cursors.request(first, after, [cursorPart.date, cursorPart.uuid]);
  const where = joinSql([visible, ...filterConditions(context, filter)], ' and ');
  const reads = replicaReads(context);
  return page.read<EnforcementRow>({
    where,
    after: ([imposedOn, id]) => sqlf`(e.imposed_on, e.id) < (${imposedOn}::date, ${id}::uuid)`,
    select: (condition, limit) =>
      sqlf`select ${columns} from enforcement_action e join provider ep on ep.id = e.provider_id where ${condition}
      order by e.imposed_on desc, e.id desc limit ${limit}`,
    count: sqlf`select count(*) from enforcement_action e where ${where}`,
    run: (query) => (context.viewer ? asOrganisation(context, (em) => run(em, query), reads) : run(reads, query)),
    keyOf: (row) => [row.imposedOn, row.id],
    audit,
  });
}

function filterConditions(context: RequestContext, filter: EnforcementListFilter | null | undefined): SqlFragment[] {
  if (!filter) return [];
  const conditions: SqlFragment[] = [];
  if (filter.providerId) conditions.push(parseUuid(filter.providerId) ? sqlf`e.provider_id = ${parseUuid(filter.providerId)}::uuid` : sqlf`false`);
  if (filter.organisationCode) {
    if (!isOrganisationCode(filter.organisationCode)) throw new BadUserInputError('filter.organisationCode', 'Not an organisation code (e.g. IGJ, GM0363).');
    conditions.push(sqlf`e.organisation = ${filter.organisationCode}`);
  }
  if (filter.type) conditions.push(sqlf`e.type = ${filter.type}`);
  if (filter.status) conditions.push(sqlf`${enforcementStatusSql('e', context.now())} = ${filter.status}`);
  if (filter.from && filter.to && filter.from > filter.to) throw new BadUserInputError('filter.to', 'to lies before from.');
  if (filter.from) conditions.push(sqlf`e.imposed_on >= ${filter.from}::date`);
  if (filter.to) conditions.push(sqlf`e.imposed_on <= ${filter.to}::date`);
  return conditions;
}
