import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import { locationInReach, reachDescription, visibleProviderIds } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { ensureOrganisationRow, OrganisationEntity } from '../organisations/index.js';
import { fragment, run, runOne, sqlf } from '../platform/database/sql.js';
import { BadUserInputError, InputProblems } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { EventResourceType, EventType, publishEvents } from '../notifications/index.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { LocationEntity } from './location.entity.js';
import { ProviderEntity } from './provider.entity.js';
import { LOCATION_COLUMNS, PROVIDER_COLUMNS, type ProviderRow } from './provider.loaders.js';
import { findVisibleProvider, toProvider } from './provider.service.js';
import type { Location, RegisterProviderPayload } from './provider.types.js';
import { placeKey, validateRegistration, type LocationDraft, type ProviderDraft, type RegisterProviderFields } from './provider.validation.js';

const RESOURCE = 'Provider';

/**
 * Registers a provider, or — when its KvK or KBO number is already known — adds the new locations and sectors to
 * the existing record. Every location must lie within the caller's reach, so the caller can always see what it
 * registered. Concurrent registrations of the same number are serialised by an advisory lock.
 *
 * Adding a location to a provider the caller could not see before widens its reach: it then sees the provider,
 * its visits and its future signals. That is allowed (supervisors do gain new providers), but never quietly: the
 * write is audited with the provider's earlier registering organisations as owners and announced to them, and
 * nothing in the answer — or in an error — says more about the provider than the caller may see afterwards.
 */
export async function registerProvider(context: RequestContext, input: RegisterProviderFields): Promise<RegisterProviderPayload> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'provider.register');
  const draft = validateRegistration(input);
  refuseOutsideReach(viewer, draft);

  return inTransaction(context, async (em) => {
    const registerKey = draft.kvkNumber ? `kvk:${draft.kvkNumber}` : `kbo:${draft.kboNumber}`;
    await run(em, sqlf`select pg_advisory_xact_lock(hashtextextended(${`provider:${registerKey}`}, 0))`);
    await ensureOrganisationRow(em, viewer.organisation);

    const existing = await runOne<ProviderRow>(
      em,
      sqlf`select ${fragment(PROVIDER_COLUMNS)} from provider p where ${fragment(draft.kvkNumber ? 'p.kvk_number' : 'p.kbo_number')} = ${draft.kvkNumber ?? draft.kboNumber}`,
    );
    const visibleBefore = existing ? (await visibleProviderIds(em, viewer, [existing.id])).has(existing.id) : false;
    if (!visibleBefore && draft.locations.length === 0) {
      throw new BadUserInputError('input.locations', `Register at least one location ${reachDescription(viewer)}.`);
    }
    const earlierRegistrants = existing ? await registrantsOf(em, existing.id) : [];

    const provider = existing ? em.getReference(ProviderEntity, existing.id) : createProvider(em, viewer, draft, context.now());
    const agbCodeKept = existing ? await mergeIntoExisting(em, existing, draft, visibleBefore) : false;
    const added = await locationsToAdd(em, draft, visibleBefore ? provider.id : null);
    const addedLocations = createLocations(em, viewer, provider, added, () => context.now());
    await em.flush();

    // The answer is what `provider(id)` shows the caller now: the same read, the same reach.
    const row = await findVisibleProvider(em, viewer, provider.id);
    if (!row) throw new BadUserInputError('input.locations', `Register at least one location ${reachDescription(viewer)}.`);
    context.audit.record({
      operation: 'registerProvider',
      resourceType: RESOURCE,
      resources: [{ id: row.id, owners: [...earlierRegistrants, viewer.organisation] }],
      details: {
        created: !existing,
        addedLocations: addedLocations.map((location) => location.id),
        ...(existing && !visibleBefore ? { reachWidened: true } : {}),
        ...(agbCodeKept ? { agbCodeKept: true } : {}),
      },
    });
    const others = earlierRegistrants.filter((code) => code !== viewer.organisation);
    if (addedLocations.length > 0 && others.length > 0) await announceLocationsAdded(em, row.id, others, context.now());
    return { provider: toProvider(row), created: !existing, addedLocations };
  });
}

/** Every location must lie within the caller's reach, so that the caller can always see what it registered. */
function refuseOutsideReach(viewer: Viewer, draft: ProviderDraft): void {
  const reach = new InputProblems();
  draft.locations.forEach((location, index) =>
    reach.check(locationInReach(viewer, location), `input.locations[${index}]`, `You can register locations only ${reachDescription(viewer)}.`),
  );
  reach.throwIfAny();
}

/**
 * The locations of the draft the provider does not have yet. Locations it already has are skipped — but only for a
 * caller that could see them (`visibleProviderId`, null otherwise). For anyone else every location is new, and a
 * vestigingsnummer the provider already holds is refused in the same words as one held by any other provider: the
 * answer must not tell which provider a number belongs to.
 */
async function locationsToAdd(em: EntityManager, draft: ProviderDraft, visibleProviderId: string | null): Promise<LocationDraft[]> {
  const present = visibleProviderId
    ? await run<Location>(em, sqlf`select ${fragment(LOCATION_COLUMNS)} from location l where l.provider_id = ${visibleProviderId}`)
    : [];
  const known = new Set(present.flatMap((location) => [placeKey(location), location.vestigingsnummer ?? '']));
  const added = draft.locations.filter((location) => !known.has(placeKey(location)) && !known.has(location.vestigingsnummer ?? '-'));
  await refuseTakenVestigingsnummers(em, draft.locations, added, visibleProviderId);
  return added;
}

function createLocations(em: EntityManager, viewer: Viewer, provider: ProviderEntity, added: readonly LocationDraft[], now: () => Date): Location[] {
  return added.map((location) => {
    const entity = em.create(LocationEntity, {
      id: uuidv7(),
      provider,
      ...location,
      registeredBy: em.getReference(OrganisationEntity, viewer.organisation),
      createdAt: now(),
    });
    return { id: entity.id, ...location };
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

/** The organisations that registered the provider or any of its locations. */
async function registrantsOf(em: EntityManager, providerId: string): Promise<string[]> {
  const rows = await run<{ code: string }>(
    em,
    sqlf`select registered_by as code from provider where id = ${providerId} union select registered_by from location where provider_id = ${providerId} order by 1`,
  );
  return rows.map((row) => row.code);
}

/**
 * Existing data wins; what is new (sectors, an AGB code where none was known) is added. A different AGB code is an
 * error only for a caller that could already see the provider (and so its code); anyone else learns nothing from
 * the register: the code on record is kept, and the caller sees it in the answer. Returns whether that happened.
 */
async function mergeIntoExisting(em: EntityManager, existing: ProviderRow, draft: ProviderDraft, visibleBefore: boolean): Promise<boolean> {
  const differs = Boolean(draft.agbCode && existing.agbCode && draft.agbCode !== existing.agbCode);
  if (differs && visibleBefore) {
    throw new BadUserInputError('input.agbCode', `This provider is registered with another AGB code (${existing.agbCode}).`);
  }
  const sectors = [...new Set([...existing.sectors, ...draft.sectors])];
  if (sectors.length !== existing.sectors.length || (draft.agbCode && !existing.agbCode)) {
    await run(em, sqlf`update provider set sectors = ${sectors}::text[], agb_code = coalesce(agb_code, ${draft.agbCode}) where id = ${existing.id}`);
  }
  return differs;
}

/**
 * A vestigingsnummer belongs to one location. A number already used elsewhere (anywhere but `ownProviderId`, a
 * provider the caller can see) is refused with the same words whoever holds it: the answer names neither the
 * provider nor whether the caller could see it.
 */
async function refuseTakenVestigingsnummers(
  em: EntityManager,
  all: readonly LocationDraft[],
  added: readonly LocationDraft[],
  ownProviderId: string | null,
): Promise<void> {
  const numbers = added.map((location) => location.vestigingsnummer).filter((number): number is string => number !== null);
  if (numbers.length === 0) return;
  const taken = await run<{ vestigingsnummer: string }>(
    em,
    sqlf`select vestigingsnummer from location where vestigingsnummer = any(${numbers}::text[]) and provider_id is distinct from ${ownProviderId}::uuid`,
  );
  const problems = new InputProblems();
  for (const { vestigingsnummer } of taken) {
    const index = all.findIndex((location) => location.vestigingsnummer === vestigingsnummer);
    problems.add(`input.locations[${index}].vestigingsnummer`, `Vestigingsnummer ${vestigingsnummer} is already in use for another location.`);
  }
  problems.throwIfAny();
}

/** PROVIDER_LOCATION_ADDED: the earlier registrants are told that another organisation added a location. */
async function announceLocationsAdded(em: EntityManager, providerId: string, recipients: readonly string[], now: Date): Promise<void> {
  await publishEvents(
    em,
    recipients.map((organisation) => ({ type: EventType.PROVIDER_LOCATION_ADDED, organisation, resourceType: EventResourceType.Provider, resourceId: providerId })),
    now,
  );
}
