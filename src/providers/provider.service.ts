import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import { locationInReach, providerVisibleSql, reachDescription, visibleProviderIds } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { ensureOrganisationRow, OrganisationEntity } from '../organisations/index.js';
import { sql, sqlOne } from '../platform/database/sql.js';
import { BadUserInputError, InputProblems, NotFoundError } from '../platform/errors.js';
import { cursorPart, decodeCursor, pageSize, toPage, type Page } from '../platform/graphql/connection.js';
import { isUuid, uuidv7 } from '../platform/ids.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { gemeentecodeProblem } from './identifiers.js';
import { LocationEntity } from './location.entity.js';
import { LOCATION_COLUMNS, PROVIDER_COLUMNS, type ProviderRow } from './provider.loaders.js';
import { ProviderEntity } from './provider.entity.js';
import type { Location, Provider, RegisterProviderPayload } from './provider.types.js';
import {
  placeKey,
  validateRegistration,
  type LocationDraft,
  type ProviderDraft,
  type RegisterProviderFields,
} from './provider.validation.js';
import type { Sector } from './sector.js';

const RESOURCE = 'Provider';

/** One provider by id; a provider outside the caller's reach is reported exactly like one that does not exist. */
export async function getProvider(context: RequestContext, id: string): Promise<ProviderRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'provider.read');
  const row = isUuid(id) ? await findVisibleProvider(context.em, viewer, id) : undefined;
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
  if (!isUuid(id)) return undefined;
  const visible = providerVisibleSql(viewer, 'p.id');
  return sqlOne<ProviderRow>(em, `select ${PROVIDER_COLUMNS} from provider p where p.id = ? and ${visible.sql}`, [
    id,
    ...visible.params,
  ]);
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
  const limit = pageSize(first);
  const cursor = decodeCursor(after, [cursorPart.text, cursorPart.uuid]);

  const visible = providerVisibleSql(viewer, 'p.id');
  const conditions = [visible.sql];
  const params: unknown[] = [...visible.params];
  const add = (condition: string, ...values: unknown[]) => {
    conditions.push(condition);
    params.push(...values);
  };
  if (filter?.name?.trim()) {
    if (filter.name.length > 200) throw new BadUserInputError('filter.name', 'name is longer than 200 characters.');
    add(`p.name ilike ? escape '\\'`, `%${filter.name.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter?.kvkNumber) add('p.kvk_number = ?', filter.kvkNumber.trim());
  if (filter?.kboNumber) add('p.kbo_number = ?', filter.kboNumber.trim());
  if (filter?.agbCode) add('p.agb_code = ?', filter.agbCode.trim());
  if (filter?.sector) add('? = any(p.sectors)', filter.sector);
  if (filter?.municipalityCode) {
    const problem = gemeentecodeProblem(filter.municipalityCode);
    if (problem) throw new BadUserInputError('filter.municipalityCode', `${problem}.`);
    add('exists (select 1 from location l where l.provider_id = p.id and l.municipality_code = ?)', filter.municipalityCode);
  }
  const where = conditions.join(' and ');
  const pageConditions = cursor ? `${where} and (lower(p.name), p.id) > (?, ?::uuid)` : where;
  const rows = await sql<ProviderRow & { sortName: string }>(
    context.em,
    `select ${PROVIDER_COLUMNS}, lower(p.name) as "sortName" from provider p
     where ${pageConditions} order by lower(p.name), p.id limit ?`,
    [...params, ...(cursor ?? []), limit + 1],
  );
  const shown = rows.slice(0, limit);
  context.audit.record({
    operation: 'providers',
    resourceType: RESOURCE,
    resources: shown.map((row) => ({ id: row.id, owners: [row.registeredBy] })),
  });
  return toPage(
    rows,
    limit,
    cursor !== undefined,
    (row) => row,
    (row) => [row.sortName, row.id],
    async () => {
      const [count] = await sql<{ count: string }>(context.em, `select count(*) from provider p where ${where}`, params);
      return Number(count?.count ?? 0);
    },
  );
}

/**
 * Registers a provider, or — when its KvK or KBO number is already known — adds the new locations and sectors
 * to the existing record. Every location must lie within the caller's reach, so the caller can always see
 * what it registered. Concurrent registrations of the same number are serialised by an advisory lock.
 */
export async function registerProvider(context: RequestContext, input: RegisterProviderFields): Promise<RegisterProviderPayload> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'provider.register');
  const draft = validateRegistration(input);
  const reach = new InputProblems();
  draft.locations.forEach((location, index) =>
    reach.check(
      locationInReach(viewer, location),
      `input.locations[${index}]`,
      `You can register locations only ${reachDescription(viewer)}.`,
    ),
  );
  reach.throwIfAny();

  return inTransaction(context, async (em) => {
    const registerKey = draft.kvkNumber ? `kvk:${draft.kvkNumber}` : `kbo:${draft.kboNumber}`;
    await sql(em, 'select pg_advisory_xact_lock(hashtextextended(?, 0))', [`provider:${registerKey}`]);
    await ensureOrganisationRow(em, viewer.organisation);

    const existing = await sqlOne<ProviderRow>(
      em,
      `select ${PROVIDER_COLUMNS} from provider p where ${draft.kvkNumber ? 'p.kvk_number' : 'p.kbo_number'} = ?`,
      [draft.kvkNumber ?? draft.kboNumber],
    );
    const visible = existing ? (await visibleProviderIds(em, viewer, [existing.id])).has(existing.id) : false;
    if (!visible && draft.locations.length === 0) {
      throw new BadUserInputError('input.locations', `Register at least one location ${reachDescription(viewer)}.`);
    }

    const provider = existing ? em.getReference(ProviderEntity, existing.id) : createProvider(em, viewer, draft, context.now());
    if (existing) await mergeIntoExisting(em, existing, draft);
    const present = existing ? await sql<Location>(em, `select ${LOCATION_COLUMNS} from location l where l.provider_id = ?`, [existing.id]) : [];
    const known = new Set(present.flatMap((location) => [placeKey(location), location.vestigingsnummer ?? '']));
    const added = draft.locations.filter((location) => !known.has(placeKey(location)) && !known.has(location.vestigingsnummer ?? '-'));
    await refuseForeignVestigingsnummers(em, added, draft.locations, provider.id);

    const addedLocations: Location[] = added.map((location) => {
      const entity = em.create(LocationEntity, {
        id: uuidv7(),
        provider,
        ...location,
        registeredBy: em.getReference(OrganisationEntity, viewer.organisation),
        createdAt: context.now(),
      });
      return { id: entity.id, ...location };
    });
    await em.flush();

    const row = (await sqlOne<ProviderRow>(em, `select ${PROVIDER_COLUMNS} from provider p where p.id = ?`, [provider.id]))!;
    context.audit.record({
      operation: 'registerProvider',
      resourceType: RESOURCE,
      resources: [{ id: row.id, owners: [row.registeredBy, viewer.organisation] }],
      details: { created: !existing, addedLocations: addedLocations.map((location) => location.id) },
    });
    return { provider: toProvider(row), created: !existing, addedLocations };
  });
}

function createProvider(em: EntityManager, viewer: Viewer, draft: ProviderDraft, now: Date): ProviderEntity {
  return em.create(ProviderEntity, {
    id: uuidv7(),
    name: draft.name,
    kvkNumber: draft.kvkNumber,
    kboNumber: draft.kboNumber,
    agbCode: draft.agbCode,
    sectors: draft.sectors,
    registeredBy: em.getReference(OrganisationEntity, viewer.organisation),
    createdAt: now,
  });
}

/** Existing data wins; what is new (sectors, an AGB code where none was known) is added. */
async function mergeIntoExisting(em: EntityManager, existing: ProviderRow, draft: ProviderDraft) {
  if (draft.agbCode && existing.agbCode && draft.agbCode !== existing.agbCode) {
    throw new BadUserInputError('input.agbCode', `This provider is registered with another AGB code (${existing.agbCode}).`);
  }
  const sectors = [...new Set([...existing.sectors, ...draft.sectors])];
  if (sectors.length !== existing.sectors.length || (draft.agbCode && !existing.agbCode)) {
    await sql(em, 'update provider set sectors = ?::text[], agb_code = coalesce(agb_code, ?) where id = ?', [
      sectors,
      draft.agbCode,
      existing.id,
    ]);
  }
}

async function refuseForeignVestigingsnummers(
  em: EntityManager,
  added: LocationDraft[],
  all: LocationDraft[],
  providerId: string,
): Promise<void> {
  const numbers = added.map((location) => location.vestigingsnummer).filter((number): number is string => number !== null);
  if (numbers.length === 0) return;
  const taken = await sql<{ vestigingsnummer: string }>(
    em,
    'select vestigingsnummer from location where vestigingsnummer = any(?::text[]) and provider_id <> ?',
    [numbers, providerId],
  );
  if (taken.length === 0) return;
  const problems = new InputProblems();
  for (const { vestigingsnummer } of taken) {
    const index = all.findIndex((location) => location.vestigingsnummer === vestigingsnummer);
    problems.add(`input.locations[${index}].vestigingsnummer`, `Vestigingsnummer ${vestigingsnummer} is registered for another provider.`);
  }
  problems.throwIfAny();
}

export function toProvider(row: ProviderRow): Provider {
  return row as unknown as Provider;
}
