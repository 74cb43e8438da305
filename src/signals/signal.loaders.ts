import DataLoader from 'dataloader';
import { providerVisibleSql } from '../access/scope.js';
import { signalVisibleSql } from '../access/signal-scope.js';
import { groupBy, listLoader, type ListKey } from '../platform/collections.js';
import { fragment, run, sqlf } from '../platform/database/sql.js';
import { PROVIDER_COLUMNS, type ProviderRow } from '../providers/index.js';
import { asOrganisation, requireViewer, type RequestContext } from '../request-context.js';
import { routingColumns, signalColumns, signalsByIdQuery, type RoutingRow, type SignalRow } from './signal.queries.js';

/** Per-request loaders for what hangs under a signal; they return only what the viewer may see. */
export function signalById(context: RequestContext): DataLoader<string, SignalRow | undefined> {
  return context.loader(createSignalById);
}

function createSignalById(context: RequestContext): DataLoader<string, SignalRow | undefined> {
  return new DataLoader(async (ids) => {
    const rows = await asOrganisation(context, (em) => run<SignalRow>(em, signalsByIdQuery(requireViewer(context), ids, context.now())));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  });
}

/**
 * Routings of signals the viewer can see (callers pass only such ids), with decisions, by recipient; at most
 * `limit` per signal when asked through the field.
 */
export function routingsOfSignal(context: RequestContext): DataLoader<ListKey, RoutingRow[], string> {
  return context.loader(createRoutingsOfSignal);
}

function createRoutingsOfSignal(context: RequestContext): DataLoader<ListKey, RoutingRow[], string> {
  return listLoader(async (signalIds, limit) => {
    const rows = await asOrganisation(context, (em) =>
      run<RoutingRow>(
        em,
        sqlf`select routed.* from unnest(${signalIds}::uuid[]) as parent(id) cross join lateral (
            select ${routingColumns(requireViewer(context), context.now())}
            from signal_routing r join signal s on s.id = r.signal_id left join routing_decision d on d.routing_id = r.id
            where r.signal_id = parent.id order by r.recipient limit ${limit ?? null}) as routed`,
      ),
    );
    return groupBy(signalIds, rows, (row) => row.signalId);
  });
}

export function providersOfSignal(context: RequestContext): DataLoader<string, ProviderRow[]> {
  return context.loader(createProvidersOfSignal);
}

function createProvidersOfSignal(context: RequestContext): DataLoader<string, ProviderRow[]> {
  return new DataLoader(async (signalIds) => {
    const viewer = requireViewer(context);
    const rows = await asOrganisation(context, (em) =>
      run<ProviderRow & { signalId: string }>(
        em,
        sqlf`select s.id as "signalId", ${fragment(PROVIDER_COLUMNS)}
          from signal s join provider p on p.id = any(s.provider_ids)
          where s.id = any(${signalIds}::uuid[]) and ${providerVisibleSql(viewer, 'p.id')} order by p.name, p.id`,
      ),
    );
    return groupBy(signalIds, rows, (row) => row.signalId, ({ signalId: _signalId, ...provider }) => provider);
  });
}

/** Other signals about the same person (same pseudonym) that the viewer may see, newest first; at most `limit` each. */
export function relatedSignals(context: RequestContext): DataLoader<ListKey, SignalRow[], string> {
  return context.loader(createRelatedSignals);
}

function createRelatedSignals(context: RequestContext): DataLoader<ListKey, SignalRow[], string> {
  return listLoader(async (signalIds, limit) => {
    const viewer = requireViewer(context);
    const rows = await asOrganisation(context, (em) =>
      run<SignalRow & { forSignalId: string }>(
        em,
        sqlf`select related.* from signal origin cross join lateral (
            select origin.id as "forSignalId", ${signalColumns('s', context.now())}
            from signal s where s.subject_pseudonym = origin.subject_pseudonym and s.id <> origin.id and ${signalVisibleSql(viewer, 's')}
            order by s.received_at desc, s.id limit ${limit ?? null}) as related
          where origin.id = any(${signalIds}::uuid[]) and origin.subject_pseudonym is not null`,
      ),
    );
    if (rows.length > 0) {
      context.audit.recordRead(
        'signal.relatedSignals',
        'Signal',
        rows.map((row) => ({ id: row.id, owners: [row.sourceCode] })),
      );
    }
    return groupBy(signalIds, rows, (row) => row.forSignalId, ({ forSignalId: _forSignalId, ...signal }) => signal);
  });
}
