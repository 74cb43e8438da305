import type { EntityManager } from '@mikro-orm/postgresql';
import { fragment, joinSql, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { OrganisationKind, organisationKindOf } from './organisations.js';
import type { Viewer } from './viewer.js';

/**
 * The access policy, part two: which providers an organisation reaches. A provider is visible when it has a
 * location within reach; asking for one outside reach answers exactly like asking for one that does not exist.
 * Everything that reads providers — by id, in lists, in loaders — goes through these helpers.
 */
export enum ProviderReach {
  /** Dutch supervisors: providers with a location in the Netherlands (cross-border ones included). */
  NETHERLANDS = 'NETHERLANDS',
  /**
   * Zorginspectie: providers with a location in Flanders, or in Brussels registered by Zorginspectie itself
   * (Flemish and cross-border providers). Walloon locations are in nobody's reach and refused at registration.
   */
  BELGIUM = 'BELGIUM',
  /** A municipality: providers with a location in its own territory, nothing else, ever. */
  OWN_TERRITORY = 'OWN_TERRITORY',
  /** The OM: only Dutch providers (a location in the Netherlands) named in signals routed to it. */
  ROUTED_SIGNALS = 'ROUTED_SIGNALS',
}

export const PROVIDER_REACH: Readonly<Record<OrganisationKind, ProviderReach>> = {
  [OrganisationKind.INSPECTORATE]: ProviderReach.NETHERLANDS,
  [OrganisationKind.MARKET_AUTHORITY]: ProviderReach.NETHERLANDS,
  [OrganisationKind.MUNICIPALITY]: ProviderReach.OWN_TERRITORY,
  [OrganisationKind.FOREIGN_INSPECTORATE]: ProviderReach.BELGIUM,
  [OrganisationKind.PROSECUTION]: ProviderReach.ROUTED_SIGNALS,
};

/** The organisation whose Brussels locations are in its own reach (see ProviderReach.BELGIUM). */
export const BRUSSELS_REGISTRANT = 'ZORGINSPECTIE';

export interface LocationPlace {
  country: string;
  municipalityCode?: string | null;
  /** Belgian locations: FLANDERS, BRUSSELS or WALLONIA. */
  region?: string | null;
  /** Who registered the location; absent for a location being registered (by the caller). */
  registeredBy?: string | null;
}

/** Whether a location puts its provider within `organisation`'s reach — the in-memory twin of LOCATION_IN_REACH. */
export function locationWithinReach(reach: ProviderReach, organisation: string, location: LocationPlace): boolean {
  switch (reach) {
    case ProviderReach.NETHERLANDS:
      return location.country === 'NL';
    case ProviderReach.BELGIUM:
      return (
        location.country === 'BE' &&
        (location.region === 'FLANDERS' || (location.region === 'BRUSSELS' && (location.registeredBy ?? organisation) === BRUSSELS_REGISTRANT))
      );
    case ProviderReach.OWN_TERRITORY:
      return location.country === 'NL' && location.municipalityCode === organisation;
    case ProviderReach.ROUTED_SIGNALS:
      return false; // nothing to register or visit there
  }
}

export function locationInReach(viewer: Viewer, location: LocationPlace): boolean {
  return locationWithinReach(PROVIDER_REACH[viewer.kind], viewer.organisation, location);
}

/** Describes the reach in words, for error messages. */
export function reachDescription(viewer: Viewer): string {
  switch (PROVIDER_REACH[viewer.kind]) {
    case ProviderReach.NETHERLANDS:
      return 'in the Netherlands';
    case ProviderReach.BELGIUM:
      return viewer.organisation === BRUSSELS_REGISTRANT ? 'in Flanders or Brussels' : 'in Flanders';
    case ProviderReach.OWN_TERRITORY:
      return `in municipality ${viewer.organisation}`;
    case ProviderReach.ROUTED_SIGNALS:
      return 'nowhere';
  }
}

export type SqlCondition = SqlFragment;

/**
 * Which of a provider's locations put it within a reach, as SQL over the location alias `l`; `organisation` is the
 * organisation's code (a value, or a fragment naming a column). The register-based reaches, written once for every
 * query that needs them.
 */
const LOCATION_IN_REACH: Record<Exclude<ProviderReach, ProviderReach.ROUTED_SIGNALS>, (l: string, organisation: unknown) => SqlFragment> = {
  [ProviderReach.NETHERLANDS]: (l) => fragment(`${l}.country = 'NL'`),
  [ProviderReach.BELGIUM]: (l) =>
    sqlf`(${fragment(l)}.country = 'BE' and (${fragment(l)}.region = 'FLANDERS' or (${fragment(l)}.region = 'BRUSSELS' and ${fragment(l)}.registered_by = ${BRUSSELS_REGISTRANT})))`,
  [ProviderReach.OWN_TERRITORY]: (l, organisation) => sqlf`(${fragment(l)}.country = 'NL' and ${fragment(l)}.municipality_code = ${organisation})`,
};

/** A SQL condition, true when the provider whose id is `providerId` (a column or expression) is visible. */
export function providerVisibleSql(viewer: Viewer, providerId: string): SqlCondition {
  const reach = PROVIDER_REACH[viewer.kind];
  const provider = fragment(providerId);
  if (reach === ProviderReach.ROUTED_SIGNALS) {
    // provider_routing (second-wall migration, rebuilt in signal_provider_ids) gives the (provider, recipient) pairs
    // of all routings, nothing more.
    // The Dutch OM reaches Dutch providers only: a Flemish provider named beside a Dutch one stays out of its reach.
    return sqlf`(exists (select 1 from provider_routing reach where reach.provider_id = ${provider} and reach.recipient = ${viewer.organisation})
      and exists (select 1 from location nl where nl.provider_id = ${provider} and nl.country = 'NL'))`;
  }
  return providerInReachSql(reach, viewer.organisation, providerId);
}

/**
 * True when the provider `providerId` (a column or expression) has a location within a register-based reach of
 * `organisation` (a value, or a fragment naming a column).
 */
export function providerInReachSql(reach: Exclude<ProviderReach, ProviderReach.ROUTED_SIGNALS>, organisation: unknown, providerId: string): SqlCondition {
  return sqlf`exists (select 1 from location reach where reach.provider_id = ${fragment(providerId)} and ${LOCATION_IN_REACH[reach]('reach', organisation)})`;
}

/** True when the location `l` (an alias) puts its provider within the viewer's reach: the SQL twin of locationInReach. */
export function locationInReachSql(viewer: Viewer, l: string): SqlCondition {
  const reach = PROVIDER_REACH[viewer.kind];
  return reach === ProviderReach.ROUTED_SIGNALS ? fragment('false') : LOCATION_IN_REACH[reach](l, viewer.organisation);
}

/**
 * Of the organisations `codes`, those whose supervision reaches at least one of the providers `providerIds` — in one
 * statement, however many organisations are asked about.
 */
export async function organisationsReaching(em: EntityManager, codes: readonly string[], providerIds: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0 || providerIds.length === 0) return new Set();
  const rows = await run<{ code: string }>(em, organisationsReachingSql(codes, providerIds));
  return new Set(rows.map((row) => row.code));
}

/** The same as a query (one column, `code`), for a statement that needs it as one of its parts. */
export function organisationsReachingSql(codes: readonly string[], providerIds: readonly string[]): SqlFragment {
  return sqlf`select o.code from unnest(${codes}::text[], ${codes.map((code) => PROVIDER_REACH[organisationKindOf(code)!])}::text[]) as o(code, reach)
     where exists (select 1 from location l where l.provider_id = any(${providerIds}::uuid[]) and ${reachCaseSql(fragment('o.reach'), 'l', fragment('o.code'))})`;
}

/**
 * True when location `l` is within the reach named by the SQL expression `reach` (a ProviderReach value) of
 * `organisation` (a fragment naming a column): for statements where the organisation is a column, not the viewer.
 */
export function reachCaseSql(reach: SqlFragment, l: string, organisation: SqlFragment): SqlCondition {
  const cases = joinSql(
    Object.entries(LOCATION_IN_REACH).map(([name, condition]) => sqlf`when ${name} then ${condition(l, organisation)}`),
    ' ',
  );
  return sqlf`case ${reach} ${cases} else false end`;
}

/** The reach (a ProviderReach value) of an organisation whose kind is the SQL expression `kind`. */
export function reachOfKindSql(kind: SqlFragment): SqlFragment {
  const cases = joinSql(Object.entries(PROVIDER_REACH).map(([name, reach]) => sqlf`when ${name} then ${reach}`), ' ');
  return sqlf`(case ${kind} ${cases} end)`;
}

/** The subset of `ids` the viewer may see, in one query. */
export async function visibleProviderIds(em: EntityManager, viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await run<{ id: string }>(
    em,
    sqlf`select p.id from provider p where p.id = any(${ids}::uuid[]) and ${providerVisibleSql(viewer, 'p.id')}`,
  );
  return new Set(rows.map((row) => row.id));
}
