import { requireAction } from '../access/policy.js';
import { providerVisibleSql, visibleProviderIds } from '../access/scope.js';
import { visitVisibleSql } from '../access/visit-scope.js';
import { findVisibleProvider, type ProviderRow } from '../providers/index.js';
import { gemeentecodeProblem } from '../providers/index.js';
import { isOrganisationCode } from '../access/organisations.js';
import { joinSql, run, sqlf, fragment, type SqlFragment } from '../platform/database/sql.js';
import { rangeLiteral } from '../platform/database/tstzrange.js';
import { BadUserInputError, InputProblems, NotFoundError } from '../platform/errors.js';
import { cursorPart, type Page } from '../platform/graphql/connection.js';
import { parseUuid } from '../platform/ids.js';
import { addCalendarDays } from '../platform/time.js';
import { replicaReads, requireViewer, type RequestContext } from '../request-context.js';
import { ConflictScope, type VisitStatus } from './visit.enums.js';
import { visitById, type ConflictView } from './visit.loaders.js';
import { toVisitRow, visitColumns, visitJoins, type VisitRow } from './visit.queries.js';
import { checkIds, checkWindow, MAX_PROVIDERS } from './visit.validation.js';
import { owners } from './visit-writes.js';

const RESOURCE = 'Visit';

/** One visit by id, as the viewer may see it; NOT_FOUND when it may not. */
export async function getVisit(context: RequestContext, id: string): Promise<VisitRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.read');
  const visitId = parseUuid(id);
  const visit = visitId ? await visitById(context).load(visitId) : undefined;
  if (!visit) {
    context.audit.record({ operation: 'visit', resourceType: RESOURCE, resources: [{ id: id.slice(0, 64), owners: [] }], outcome: 'NOT_FOUND' });
    throw new NotFoundError('visit', id.slice(0, 64));
  }
  context.audit.record({
    operation: 'visit',
    resourceType: RESOURCE,
    resources: [{ id: visit.id, owners: owners(visit) }],
    details: { view: visit.detail ? 'detail' : 'planning' },
  });
  return visit;
}

export interface VisitListFilter {
  providerId?: string | null;
  organisationCode?: string | null;
  municipalityCode?: string | null;
  from?: Date | null;
  to?: Date | null;
  status?: VisitStatus | null;
  hasOpenConflicts?: boolean | null;
}

/**
 * The shared planning, a page at a time, ordered by the window the viewer sees. Filters, order and cursors use
 * that window too, so nothing about an unannounced visit's day can be learnt by asking cleverly.
 */
export async function listVisits(
  context: RequestContext,
  filter: VisitListFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<VisitRow>> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.read');
  const page = context.settings.cursors.request(first, after, [cursorPart.timestamp, cursorPart.uuid]);
  const where = joinSql([visitVisibleSql(viewer, 'v'), ...filterConditions(context, filter)], ' and ');
  const reads = replicaReads(context);
  return page.read<VisitRow>({
    where,
    after: ([windowStart, id]) => sqlf`(lower(v_s.w), v.id) > (${windowStart}::timestamptz, ${id}::uuid)`,
    select: (condition, limit) =>
      sqlf`select ${visitColumns(viewer)} from visit v ${visitJoins(viewer)} where ${condition} order by lower(v_s.w), v.id limit ${limit}`,
    count: sqlf`select count(*) from visit v ${visitJoins(viewer)} where ${where}`,
    run: (query) => run(reads, query),
    keyOf: (row) => [row.windowStart, row.id],
    audit: (shown) =>
      context.audit.record({ operation: 'visits', resourceType: RESOURCE, resources: shown.map((row) => ({ id: row.id, owners: owners(row) })) }),
  });
}

function filterConditions(context: RequestContext, filter: VisitListFilter | null | undefined): SqlFragment[] {
  const viewer = requireViewer(context);
  const conditions: SqlFragment[] = [];
  const problems = new InputProblems();
  if (filter?.providerId) {
    conditions.push(
      parseUuid(filter.providerId)
        ? sqlf`exists (select 1 from visit_provider f join provider fp on fp.id = f.provider_id
            where f.visit_id = v.id and f.provider_id = ${filter.providerId}::uuid and ${providerVisibleSql(viewer, 'fp.id')})`
        : fragment('false'),
    );
  }
  if (filter?.organisationCode) {
    if (!isOrganisationCode(filter.organisationCode)) problems.add('filter.organisationCode', `${filter.organisationCode.slice(0, 32)} is not an organisation.`);
    conditions.push(sqlf`(v.lead_organisation = ${filter.organisationCode} or ${filter.organisationCode} = any(v.participants))`);
  }
  if (filter?.municipalityCode) {
    const problem = gemeentecodeProblem(filter.municipalityCode);
    if (problem) problems.add('filter.municipalityCode', `${problem}.`);
    conditions.push(
      sqlf`exists (select 1 from visit_provider f join location fl on fl.provider_id = f.provider_id
        where f.visit_id = v.id and fl.municipality_code = ${filter.municipalityCode} and ${providerVisibleSql(viewer, 'f.provider_id')})`,
    );
  }
  if (filter?.from || filter?.to) {
    if (filter.from && filter.to && filter.from >= filter.to) problems.add('filter.to', 'to must lie after from.');
    const from = filter.from ?? null;
    const to = filter.to ?? null;
    // The first condition can use the GiST index: the shown window never lies more than a week (169 hours in the
    // October week) off the exact one, so 8 days is ample whatever the session's time zone.
    conditions.push(
      sqlf`v.time_window && tstzrange(${from}::timestamptz - interval '8 days', ${to}::timestamptz + interval '8 days')
        and v_s.w && tstzrange(${from}::timestamptz, ${to}::timestamptz)`,
    );
  }
  if (filter?.status) conditions.push(sqlf`v.status = ${filter.status}`);
  if (filter?.hasOpenConflicts !== undefined && filter.hasOpenConflicts !== null) {
    const open = sqlf`exists (select 1 from visit_conflict c join visit o on o.id = case when c.visit_a_id = v.id then c.visit_b_id else c.visit_a_id end
      where c.resolution is null and (c.visit_a_id = v.id or c.visit_b_id = v.id) and ${visitVisibleSql(viewer, 'o')})`;
    conditions.push(filter.hasOpenConflicts ? open : sqlf`not ${open}`);
  }
  problems.throwIfAny();
  return conditions;
}

/**
 * What-if: the visits a planned window would conflict with, using the same rule as planning (writes nothing).
 * Visits only seen by the week are compared by their week, so probing with narrow windows learns nothing more.
 */
export async function checkVisitConflicts(
  context: RequestContext,
  input: { providerIds: readonly string[]; start: Date; end: Date; marginDays?: number | null; announced?: boolean | null; excludeVisitId?: string | null },
): Promise<ConflictView[]> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.plan');
  const problems = new InputProblems();
  const providerIds = checkIds(problems, input.providerIds, 'input.providerIds', 'provider', MAX_PROVIDERS);
  const window = checkWindow(problems, input.start, input.end, context.now());
  const margin = input.marginDays ?? context.settings.conflictMarginDays;
  if (!Number.isInteger(margin) || margin < 0 || margin > 365) problems.add('input.marginDays', 'marginDays must be between 0 and 365.');
  problems.throwIfAny();
  // The providers by id, on the primary (one registered a moment ago is found); the conflicts may lag.
  const visible = await visibleProviderIds(context.em, viewer, providerIds);
  providerIds.forEach((id, index) => {
    if (!visible.has(id)) problems.add(`input.providerIds[${index}]`, `No provider with id ${id} was found.`);
  });
  problems.throwIfAny();

  const planned = sqlf`visit_planning_window(${rangeLiteral(window)}::tstzrange, ${input.announced ?? true})`;
  const excluded = input.excludeVisitId ? (parseUuid(input.excludeVisitId) ?? null) : null;
  const rows = await run<VisitRow & { scope: ConflictScope; gapDays: number }>(
    replicaReads(context),
    sqlf`select ${visitColumns(viewer, 'o')},
        case when o.lead_organisation = ${viewer.organisation} then 'SAME_ORGANISATION' else 'CROSS_ORGANISATION' end as scope,
        visit_gap_days(${planned}, visit_planning_window(o.time_window, o.announced)) as "gapDays"
      from visit o ${visitJoins(viewer, 'o')}
      where o.id in (
          select vp.visit_id from visit_provider vp
          where vp.provider_id = any(${providerIds}::uuid[]) and vp.active and vp.time_window && visit_margin_window(${planned}, ${margin}::int))
        and o.id is distinct from ${excluded}::uuid and ${visitVisibleSql(viewer, 'o')}
      order by lower(o_s.w), o.id limit ${MAX_WHAT_IF}`,
  );
  context.audit.record({
    operation: 'visitConflicts',
    resourceType: RESOURCE,
    resources: rows.map((row) => ({ id: row.id, owners: owners(row) })),
    details: { providers: providerIds },
  });
  return rows.map((row) => ({
    visit: toVisitRow(row),
    scope: row.scope,
    gapDays: row.gapDays,
    resolution: null,
    detectedAt: null,
    resolvedByCode: null,
    justification: null,
  }));
}

/** The what-if check lists at most this many conflicting visits, earliest first. */
export const MAX_WHAT_IF = 100;

export interface SupervisoryLoadResult {
  provider: ProviderRow;
  days: number;
  from: string;
  to: string;
  visitCount: number;
  organisationCount: number;
  byOrganisation: Array<{ code: string; visitCount: number }>;
}

/**
 * Toezichtlast: the visits (not cancelled) to a provider from `days` ago to `days` ahead, by organisation. A
 * joint visit counts once; its participants count it too. Unannounced visits count by their week.
 */
export async function supervisoryLoad(context: RequestContext, providerId: string, days: number | null | undefined): Promise<SupervisoryLoadResult> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.read');
  const period = days ?? 90;
  if (!Number.isInteger(period) || period < 1 || period > 366) throw new BadUserInputError('days', 'days must be between 1 and 366.');
  // The provider by id, on the primary (one registered a moment ago is found); the count may lag.
  const provider = await findVisibleProvider(context.em, viewer, providerId);
  if (!provider) {
    context.audit.record({ operation: 'supervisoryLoad', resourceType: 'Provider', resources: [{ id: providerId.slice(0, 64), owners: [] }], outcome: 'NOT_FOUND' });
    throw new NotFoundError('provider', providerId.slice(0, 64));
  }
  const from = addCalendarDays(context.now(), -period);
  const to = addCalendarDays(context.now(), period);
  // Only visits the viewer may see count: the load says nothing about visits hidden from it.
  const rows = await run<{ id: string; leadCode: string; participants: string[] }>(
    replicaReads(context),
    sqlf`select v.id, v.lead_organisation as "leadCode", v.participants from visit_provider vp join visit v on v.id = vp.visit_id
      where vp.provider_id = ${provider.id} and vp.active and vp.time_window && tstzrange(${from}, ${to}) and ${visitVisibleSql(viewer, 'v')}`,
  );
  const counts = new Map<string, number>();
  for (const row of rows) {
    for (const code of new Set([row.leadCode, ...row.participants])) counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  context.audit.record({ operation: 'supervisoryLoad', resourceType: 'Provider', resources: [{ id: provider.id, owners: [provider.registeredBy] }] });
  return {
    provider,
    days: period,
    from: from.toISOString(),
    to: to.toISOString(),
    visitCount: rows.length,
    organisationCount: counts.size,
    byOrganisation: [...counts.entries()]
      .map(([code, visitCount]) => ({ code, visitCount }))
      .sort((a, b) => b.visitCount - a.visitCount || a.code.localeCompare(b.code)),
  };
}

