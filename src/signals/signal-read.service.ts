import { requireAction } from '../access/policy.js';
import { providerVisibleSql } from '../access/scope.js';
import { signalVisibleSql } from '../access/signal-scope.js';
import type { Viewer } from '../access/viewer.js';
import { joinSql, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { NotFoundError } from '../platform/errors.js';
import { cursorPart, type Page } from '../platform/graphql/connection.js';
import { parseUuid } from '../platform/ids.js';
import { asOrganisation, replicaReads, requireViewer, type RequestContext } from '../request-context.js';
import type { SignalCategory, SignalStatus } from './signal.enums.js';
import { routingsOfSignal, signalById } from './signal.loaders.js';
import { signalColumns, signalStatusSql, type SignalRow } from './signal.queries.js';

/** The organisations whose data a signal is: its submitter and its recipients. */
export async function signalOwners(context: RequestContext, signal: SignalRow): Promise<string[]> {
  const routings = await routingsOfSignal(context).load({ id: signal.id });
  return [signal.sourceCode, ...routings.map((routing) => routing.recipientCode)];
}

/** One signal, for its submitter and its recipients; NOT_FOUND for anyone else. */
export async function getSignal(context: RequestContext, id: string): Promise<SignalRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'signal.read');
  const signalId = parseUuid(id);
  const signal = signalId ? await signalById(context).load(signalId) : undefined;
  if (!signal) {
    context.audit.record({ operation: 'signal', resourceType: 'Signal', resources: [{ id: id.slice(0, 64), owners: [] }], outcome: 'NOT_FOUND' });
    throw new NotFoundError('signal', id.slice(0, 64));
  }
  context.audit.record({ operation: 'signal', resourceType: 'Signal', resources: [{ id: signal.id, owners: await signalOwners(context, signal) }] });
  return signal;
}

export interface SignalListFilter {
  providerId?: string | null;
  category?: SignalCategory | null;
  status?: SignalStatus | null;
  routedToMe?: boolean | null;
  overdue?: boolean | null;
}

/** Signals the viewer may see, newest first. */
export async function listSignals(
  context: RequestContext,
  filter: SignalListFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<SignalRow>> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'signal.read');
  const page = context.settings.cursors.request(first, after, [cursorPart.timestamp, cursorPart.uuid]);
  const now = context.now();
  const where = joinSql([signalVisibleSql(viewer, 's'), ...filterConditions(viewer, filter, now)], ' and ');
  const reads = replicaReads(context);
  return page.read<SignalRow>({
    where,
    after: ([receivedAt, id]) => sqlf`(s.received_at, s.id) < (${receivedAt}::timestamptz, ${id}::uuid)`,
    select: (condition, limit) => sqlf`select ${signalColumns('s', now)} from signal s where ${condition} order by s.received_at desc, s.id desc limit ${limit}`,
    count: sqlf`select count(*) from signal s where ${where}`,
    run: (query) => asOrganisation(context, (em) => run(em, query), reads),
    keyOf: (row) => [row.receivedAt, row.id],
    audit: async (shown) => {
      // The recipients are owners too; the routings loaded here are the ones the page's fields then use.
      const loader = routingsOfSignal(context);
      const routings = (await Promise.all(shown.map((row) => loader.load({ id: row.id })))).flat();
      context.audit.record({
        operation: 'signals',
        resourceType: 'Signal',
        resources: shown.map((row) => ({
          id: row.id,
          owners: [row.sourceCode, ...routings.filter((routing) => routing.signalId === row.id).map((routing) => routing.recipientCode)],
        })),
      });
    },
  });
}

function filterConditions(viewer: Viewer, filter: SignalListFilter | null | undefined, now: Date): SqlFragment[] {
  const conditions: SqlFragment[] = [];
  if (filter?.providerId) {
    conditions.push(
      parseUuid(filter.providerId)
        ? sqlf`(s.provider_ids @> array[${filter.providerId}]::uuid[]
            and exists (select 1 from provider p where p.id = ${filter.providerId}::uuid and ${providerVisibleSql(viewer, 'p.id')}))`
        : sqlf`false`,
    );
  }
  if (filter?.category) conditions.push(sqlf`s.category = ${filter.category}`);
  if (filter?.status) conditions.push(sqlf`${signalStatusSql('s', now)} = ${filter.status}`);
  if (filter?.routedToMe !== undefined && filter.routedToMe !== null) {
    const routed = sqlf`exists (select 1 from signal_routing mine where mine.signal_id = s.id and mine.recipient = ${viewer.organisation})`;
    conditions.push(filter.routedToMe ? routed : sqlf`not ${routed}`);
  }
  if (filter?.overdue !== undefined && filter.overdue !== null) {
    // Overdue for the viewer: any routing of a signal it submitted, otherwise its own routing.
    const overdue = sqlf`exists (select 1 from signal_routing late left join routing_decision d on d.routing_id = late.id
      where late.signal_id = s.id and d.id is null and late.due_at <= ${now}
        and (s.source_organisation = ${viewer.organisation} or late.recipient = ${viewer.organisation}))`;
    conditions.push(filter.overdue ? overdue : sqlf`not ${overdue}`);
  }
  return conditions;
}
