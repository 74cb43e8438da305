import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import { providerVisibleSql } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { fragment, joinSql, run, runOne, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { BadUserInputError, NotFoundError } from '../platform/errors.js';
import { cursorPart, type Page } from '../platform/graphql/connection.js';
import { parseUuid } from '../platform/ids.js';
import { replicaReads, requireViewer, type RequestContext } from '../request-context.js';
import { gemeentecodeProblem } from './identifiers.js';
import { PROVIDER_COLUMNS, type ProviderRow } from './provider.loaders.js';
import type { Provider } from './provider.types.js';
import type { Sector } from './sector.js';

const RESOURCE = 'Provider';

/** One provider by id; a provider outside the caller's reach is reported exactly like one that does not exist. */
export async function getProvider(context: RequestContext, id: string): Promise<ProviderRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'provider.read');
  const row = await findVisibleProvider(context.em, viewer, id);
  context.audit.record({
    operation: 'provider',
    resourceType: RESOURCE,
    resources: [{ id: row?.id ?? id.slice(0, 64), owners: row ? [row.registeredBy] : [] }],
    outcome: row ? 'SUCCESS' : 'NOT_FOUND',
  });
  if (!row) throw new NotFoundError('provider', id);
  return row;
}

/** A provider within the viewer's reach, or undefined (also for malformed ids). */
export async function findVisibleProvider(em: EntityManager, viewer: Viewer, id: string): Promise<ProviderRow | undefined> {
  const providerId = parseUuid(id);
  if (!providerId) return undefined;
  return runOne<ProviderRow>(
    em,
    sqlf`select ${fragment(PROVIDER_COLUMNS)} from provider p where p.id = ${providerId} and ${providerVisibleSql(viewer, 'p.id')}`,
  );
}

export interface ProviderListFilter {
  name?: string | null;
  kvkNumber?: string | null;
  kboNumber?: string | null;
  agbCode?: string | null;
  municipalityCode?: string | null;
  sector?: Sector | null;
}

/** Providers within reach, by name, a page at a time. */
export async function listProviders(
  context: RequestContext,
  filter: ProviderListFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<ProviderRow>> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'provider.read');
  const page = context.settings.cursors.request(first, after, [cursorPart.text, cursorPart.uuid]);

  const conditions: SqlFragment[] = [providerVisibleSql(viewer, 'p.id')];
  if (filter?.name?.trim()) {
    if (filter.name.length > 200) throw new BadUserInputError('filter.name', 'name is longer than 200 characters.');
    conditions.push(sqlf`p.name ilike ${`%${filter.name.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  }
  if (filter?.kvkNumber) conditions.push(sqlf`p.kvk_number = ${filter.kvkNumber.trim()}`);
  if (filter?.kboNumber) conditions.push(sqlf`p.kbo_number = ${filter.kboNumber.trim()}`);
  if (filter?.agbCode) conditions.push(sqlf`p.agb_code = ${filter.agbCode.trim()}`);
  if (filter?.sector) conditions.push(sqlf`${filter.sector} = any(p.sectors)`);
  if (filter?.municipalityCode) {
    const problem = gemeentecodeProblem(filter.municipalityCode);
    if (problem) throw new BadUserInputError('filter.municipalityCode', `${problem}.`);
    conditions.push(sqlf`exists (select 1 from location l where l.provider_id = p.id and l.municipality_code = ${filter.municipalityCode})`);
  }
  const where = joinSql(conditions, ' and ');
  const reads = replicaReads(context);
  return page.read<ProviderRow & { sortName: string }>({
    where,
    after: ([name, id]) => sqlf`(lower(p.name), p.id) > (${name}, ${id}::uuid)`,
    select: (condition, limit) =>
      sqlf`select ${fragment(PROVIDER_COLUMNS)}, lower(p.name) as "sortName" from provider p where ${condition} order by lower(p.name), p.id limit ${limit}`,
    count: sqlf`select count(*) from provider p where ${where}`,
    run: (query) => run(reads, query),
    keyOf: (row) => [row.sortName, row.id],
    audit: (shown) =>
      context.audit.record({ operation: 'providers', resourceType: RESOURCE, resources: shown.map((row) => ({ id: row.id, owners: [row.registeredBy] })) }),
  });
}

export function toProvider(row: ProviderRow): Provider {
  return row as unknown as Provider;
}
