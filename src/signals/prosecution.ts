import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../access/viewer.js';
import { fragment, isoTimestamp, run, sqlf } from '../platform/database/sql.js';
import { uuidv7 } from '../platform/ids.js';
import { calendarDay, startOfDutchDay } from '../platform/time.js';
import { requireViewer, type RequestContext } from '../request-context.js';
import { OM_AANGIFTE, ruleSetValidOn } from './routing-rules.js';
import { insertRoutings } from './routing-writes.js';
import { RoutingStatus, Severity, SignalCategory } from './signal.enums.js';
import { contentHash } from './signal-preparation.js';
import { routingColumns, routingStatusSql, type RoutingRow } from './signal.queries.js';

/** The organisation that decides on criminal prosecution: una via turns on its routings. */
export const PROSECUTOR_ORGANISATION = 'OM';

/**
 * Serialises everything that reads a routing's state to act on it (a fine checking una via) with everything that
 * changes it (a decision): one transaction-scoped advisory lock per routing, taken in sorted order.
 */
export async function lockRoutings(em: EntityManager, routingIds: readonly string[]): Promise<void> {
  if (routingIds.length === 0) return;
  await run(
    em,
    sqlf`select pg_advisory_xact_lock(hashtextextended('routing:' || id, 0)) from (select unnest(${[...new Set(routingIds)].sort()}::text[]) as id order by 1) as ids`,
  );
}

/** The OM's routings of the given signals (which the caller may see), with their state at `now`. */
export async function prosecutionRoutingsOf(em: EntityManager, viewer: Viewer, signalIds: readonly string[], now: Date): Promise<RoutingRow[]> {
  if (signalIds.length === 0) return [];
  return run<RoutingRow>(
    em,
    sqlf`select ${routingColumns(viewer, now)} from signal_routing r join signal s on s.id = r.signal_id left join routing_decision d on d.routing_id = r.id
      where r.signal_id = any(${signalIds}::uuid[]) and r.recipient = ${PROSECUTOR_ORGANISATION} order by r.id`,
  );
}

/** The state of one OM routing for una via. */
export interface ProsecutionState {
  id: string;
  signalId: string;
  status: RoutingStatus;
  dueAt: string;
  decidedAt: string | null;
}

/**
 * The OM's routings of the facts of these signals: their own, and those of the criminal reports (AANGIFTE)
 * recorded on any of them — whoever recorded those, since una via turns on whether the OM holds the facts, not on
 * who told it. Read through prosecution_routings() (the una-via migration), which sees past row security for
 * exactly this; the caller passes only signals it may see.
 */
export async function prosecutionStateOf(em: EntityManager, signalIds: readonly string[], now: Date): Promise<ProsecutionState[]> {
  if (signalIds.length === 0) return [];
  return run<ProsecutionState>(
    em,
    sqlf`select p.routing_id as id, p.signal_id as "signalId", ${fragment(isoTimestamp('p.due_at'))} as "dueAt",
        ${fragment(isoTimestamp('p.decided_at'))} as "decidedAt", ${routingStatusSql('p.outcome', 'p.due_at', now)} as status
      from prosecution_routings(${signalIds}::uuid[]) as p order by p.routing_id`,
  );
}

export interface ProsecutionReport {
  /** The signals the report's facts are in: the given ones, or the one made for it. */
  signalIds: string[];
  /** Routings to the OM made now (the signals that had one keep it: it is linked, not repeated). */
  createdRoutingIds: string[];
  /** The organisations whose data each of those signals is (submitter and recipients), for the audit. */
  owners: Array<{ id: string; owners: string[] }>;
}

/** OM routings in these states no longer hold the facts: a new report must reach the OM as a signal of its own. */
const RELEASED: ReadonlySet<RoutingStatus> = new Set([RoutingStatus.DECLINED, RoutingStatus.EXPIRED]);

/**
 * Routes the facts of a criminal report (AANGIFTE) to the OM, in the caller's transaction. A related signal without
 * an OM routing gets one by rule OM-AANGIFTE; one whose OM routing is still open keeps it (linked, not repeated).
 * A report without signals — or on signals the OM already declined or let expire — gets a signal of its own:
 * submitted by the reporting organisation, flagged as a possible criminal offence, naming only the provider, routed
 * to the OM, so that the report reaches its inbox, its decisions and una via like every other signal.
 */
export async function reportToProsecution(
  context: RequestContext,
  em: EntityManager,
  report: { reportId: string; providerId: string; signalIds: readonly string[]; legalBasis: string; imposedOn: string },
): Promise<ProsecutionReport> {
  const viewer = requireViewer(context);
  const now = context.now();
  const existing = await prosecutionRoutingsOf(em, viewer, report.signalIds, now);
  const routed = new Set(existing.map((routing) => routing.signalId));
  const needsOwnSignal = report.signalIds.length === 0 || existing.some((routing) => RELEASED.has(routing.status));
  const signalIds = [...report.signalIds, ...(needsOwnSignal ? [await signalForReport(context, em, viewer, report)] : [])];
  const protocolVersion = ruleSetValidOn(calendarDay(now)).version;
  const createdRoutingIds = await insertRoutings(
    em,
    signalIds
      .filter((id) => !routed.has(id))
      .map((signalId) => ({ signalId, recipient: PROSECUTOR_ORGANISATION, ruleId: OM_AANGIFTE.id, protocolVersion, dueDays: OM_AANGIFTE.dueDays })),
    now,
  );
  const owners = await run<{ id: string; owners: string[] }>(
    em,
    sqlf`select s.id, array[s.source_organisation] || array(select r.recipient from signal_routing r where r.signal_id = s.id order by r.recipient) as owners
      from signal s where s.id = any(${signalIds}::uuid[])`,
  );
  return { signalIds, createdRoutingIds, owners };
}

/** The signal a report without signals rests on; its externalId names the report, so it is made once. */
async function signalForReport(
  context: RequestContext,
  em: EntityManager,
  viewer: Viewer,
  report: { reportId: string; providerId: string; legalBasis: string; imposedOn: string },
): Promise<string> {
  const id = uuidv7(context.now().getTime());
  const externalId = `AANGIFTE-${report.reportId}`;
  const summary = `Aangifte bij het Openbaar Ministerie (${report.legalBasis})`;
  const occurredAt = startOfDutchDay(report.imposedOn);
  const content = { externalId, category: SignalCategory.OVERIG, severity: Severity.HIGH, possibleCriminalOffence: true, occurredAt, summary };
  const fingerprint = contentHash(content, [report.providerId], null);
  await run(
    em,
    sqlf`insert into signal (id, source_organisation, external_id, content_hash, category, severity, possible_criminal_offence,
        occurred_at, received_at, summary, provider_ids, subject_pseudonym, submitted_by)
      values (${id}, ${viewer.organisation}, ${externalId}, ${fingerprint}, ${content.category}, ${content.severity}, true, ${occurredAt}, ${context.now()}, ${summary},
        array[${report.providerId}]::uuid[], null, ${viewer.sub})`,
  );
  return id;
}
