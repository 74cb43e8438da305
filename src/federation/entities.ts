import type DataLoader from 'dataloader';
import { can, type Action } from '../access/policy.js';
import { actionById, EnforcementAction } from '../enforcement/index.js';
import { Organisation, organisationLoader } from '../organisations/index.js';
import { parseUuid } from '../platform/ids.js';
import { Provider, providerById } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import { Signal, signalById, signalOwners, type SignalRow } from '../signals/index.js';
import { Visit, visitById } from '../visits/index.js';

/**
 * The entities partners may reference (the `@key`s in the types), and how a reference is resolved: through the
 * same per-request loaders — so the same access rules, views and batching — as every other path. Each loader
 * answers a whole `_entities` call for its type in one statement; what the caller may not see resolves to null.
 */
export interface EntityKind {
  type: Function;
  /** The key field of the representation. */
  key: 'id' | 'code';
  /** The action needed to read it; without it (or without a token) only `anonymous` may still answer. */
  action: Action;
  load(context: RequestContext): DataLoader<string, object | undefined>;
  /** What may be resolved without the action (published measures, public reference data); undefined: nothing. */
  anonymous?: (context: RequestContext) => DataLoader<string, object | undefined>;
  /** The organisations whose data a resolved entity is, for the audit. */
  owners(context: RequestContext, entity: object): Promise<readonly string[]> | readonly string[];
  /** Whether a key value can be an id of this kind at all (malformed ones resolve to null without a query). */
  wellFormed(value: string): boolean;
}

const uuid = (value: string) => parseUuid(value) !== undefined;

export const ENTITY_KINDS: Readonly<Record<string, EntityKind>> = {
  Organisation: {
    type: Organisation,
    key: 'code',
    action: 'organisation.list',
    load: organisationLoader,
    anonymous: organisationLoader, // the list of taking part organisations is public reference data
    owners: () => [],
    wellFormed: (value) => /^[A-Z0-9]{2,16}$/.test(value),
  },
  Provider: {
    type: Provider,
    key: 'id',
    action: 'provider.read',
    load: providerById,
    owners: (_context, provider) => [(provider as { registeredBy: string }).registeredBy],
    wellFormed: uuid,
  },
  Visit: {
    type: Visit,
    key: 'id',
    action: 'visit.read',
    load: visitById,
    owners: (_context, visit) => {
      const row = visit as { leadCode: string; participantCodes: string[] };
      return [row.leadCode, ...row.participantCodes];
    },
    wellFormed: uuid,
  },
  Signal: {
    type: Signal,
    key: 'id',
    action: 'signal.read',
    load: signalById,
    owners: (context, signal) => signalOwners(context, signal as SignalRow),
    wellFormed: uuid,
  },
  EnforcementAction: {
    type: EnforcementAction,
    key: 'id',
    action: 'enforcement.read',
    load: actionById,
    anonymous: actionById, // published measures, in the public view
    owners: (_context, action) => [(action as { organisationCode: string }).organisationCode],
    wellFormed: uuid,
  },
};

/** The entity kind a representation's `__typename` names, if it is one of ours (own properties only: not `toString`). */
export function entityKind(typename: unknown): EntityKind | undefined {
  return typeof typename === 'string' && Object.hasOwn(ENTITY_KINDS, typename) ? ENTITY_KINDS[typename] : undefined;
}

/** The loader that resolves references of `kind` for this caller, or undefined when it may resolve none. */
export function loaderFor(context: RequestContext, kind: EntityKind): DataLoader<string, object | undefined> | undefined {
  if (context.viewer && can(context.viewer, kind.action)) return kind.load(context);
  return kind.anonymous?.(context);
}
