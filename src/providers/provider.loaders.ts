import DataLoader from 'dataloader';
import { groupBy, listLoader, type ListKey } from '../platform/collections.js';
import { providerVisibleSql } from '../access/scope.js';
import { fragment, run, sqlf } from '../platform/database/sql.js';
import { requireViewer, type RequestContext } from '../request-context.js';
import type { Location } from './provider.types.js';
import type { Sector } from './sector.js';

/** A provider as read from the database; `locations` is resolved separately, through the loader below. */
export interface ProviderRow {
  id: string;
  name: string;
  kvkNumber: string | null;
  kboNumber: string | null;
  agbCode: string | null;
  sectors: Sector[];
  registeredBy: string;
  /**
   * Shown only by its public facts (name, register numbers, sectors), as the provider of a published measure read
   * by someone outside its reach: no locations, nothing hanging under it.
   */
  publicOnly?: boolean;
}

export const PROVIDER_COLUMNS = `p.id, p.name, p.kvk_number as "kvkNumber", p.kbo_number as "kboNumber",
  p.agb_code as "agbCode", p.sectors, p.registered_by as "registeredBy"`;

export const LOCATION_COLUMNS = `l.id, l.name, l.vestigingsnummer, l.street, l.postcode, l.city,
  l.municipality_code as "municipalityCode", l.country, l.region`;

/**
 * The locations of providers, oldest first, one query per request however many providers are shown. Callers pass
 * only ids of providers the viewer may see; a visible provider's locations are part of its record.
 */
export function locationsOfProvider(context: RequestContext): DataLoader<ListKey, Location[], string> {
  return context.loader(createLocationsLoader);
}

function createLocationsLoader(context: RequestContext): DataLoader<ListKey, Location[], string> {
  return listLoader(async (providerIds, limit) => {
    const rows = await run<Location & { providerId: string }>(
      context.em,
      sqlf`select located.* from unnest(${providerIds}::uuid[]) as parent(id) cross join lateral (
         select ${fragment(LOCATION_COLUMNS)}, l.provider_id as "providerId" from location l
         where l.provider_id = parent.id order by l.created_at, l.id limit ${limit ?? null}) as located`,
    );
    return groupBy(providerIds, rows, (row) => row.providerId, ({ providerId: _providerId, ...location }) => location);
  });
}

/** Providers by id, batched per request; undefined for those outside the viewer's reach. */
export function providerById(context: RequestContext): DataLoader<string, ProviderRow | undefined> {
  return context.loader(createProviderById);
}

function createProviderById(context: RequestContext): DataLoader<string, ProviderRow | undefined> {
  return new DataLoader(async (ids) => {
    const rows = await run<ProviderRow>(
      context.em,
      sqlf`select ${fragment(PROVIDER_COLUMNS)} from provider p where p.id = any(${ids}::uuid[]) and ${providerVisibleSql(requireViewer(context), 'p.id')}`,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}
