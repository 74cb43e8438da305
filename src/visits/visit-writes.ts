import type { EntityManager } from '@mikro-orm/postgresql';
import { visitVisibleToSql } from '../access/visit-scope.js';
import { EventResourceType, EventType, eventOutboxSql } from '../notifications/index.js';
import type { Viewer } from '../access/viewer.js';
import { fragment, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { rangeLiteral, type TimeRange } from '../platform/database/tstzrange.js';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../platform/errors.js';
import { parseUuid } from '../platform/ids.js';
import type { RequestContext } from '../request-context.js';
import { type ProposalStatus, VisitAction, VisitStatus } from './visit.enums.js';
import { conflictsOfVisit, historyOfVisit, providersOfVisit, visitById } from './visit.loaders.js';
import type { VisitRow } from './visit.queries.js';

/**
 * The building blocks every visit write uses. Lock order, always:
 *
 *   1. visit rows — sorted by id, FOR NO KEY UPDATE (which does not block foreign-key checks of concurrent inserts);
 *   2. the providers' advisory locks — sorted — and under them the providers' change counters
 *      (visit_lock_providers; the counters tell a one-statement plan or move whether it missed a change,
 *      visit-statement.ts);
 *   3. coordination proposal rows;
 *   4. conflict rows.
 *
 * The audit chain's row comes last, with the audit event at the end of the transaction or statement.
 * A write may skip a step but never go back to an earlier one (planning takes only 2 and 4). One order everywhere
 * means opposing writes queue behind each other instead of deadlocking; test/visits/lock-order.test.ts drives
 * the opposing pairs.
 */

const ACTIVE: readonly VisitStatus[] = [VisitStatus.PLANNED, VisitStatus.CONFIRMED];

/** A visit the viewer may see, or NOT_FOUND exactly as for a visit that does not exist. */
export async function requireVisibleVisit(context: RequestContext, id: string): Promise<VisitRow> {
  const visitId = parseUuid(id);
  const row = visitId ? await visitById(context).load(visitId) : undefined;
  if (!row) throw new NotFoundError('visit', id.slice(0, 64));
  return row;
}

/** Nobody changes another organisation's visit. */
export function requireLead(viewer: Viewer, visit: { leadCode: string }): void {
  if (visit.leadCode !== viewer.organisation) {
    throw new ForbiddenError(`Only the lead organisation (${visit.leadCode}) can change this visit.`);
  }
}

export function requireActive(visit: { status: VisitStatus }, field: string): void {
  if (!ACTIVE.includes(visit.status)) {
    throw new BadUserInputError(field, `This visit is ${visit.status.toLowerCase()}; it can no longer be changed.`);
  }
}

export interface LockedVisit {
  id: string;
  leadCode: string;
  status: VisitStatus;
  announced: boolean;
  participants: string[];
}

/** Locks visit rows for the rest of the transaction and returns their current state. */
export async function lockVisits(em: EntityManager, ids: readonly string[]): Promise<Map<string, LockedVisit>> {
  const rows = await run<LockedVisit>(
    em,
    sqlf`select id, lead_organisation as "leadCode", status, announced, participants from visit
      where id = any(${[...ids].sort()}::uuid[]) order by id for no key update`,
  );
  return new Map(rows.map((row) => [row.id, row]));
}

export async function providerIdsOf(em: EntityManager, visitIds: readonly string[]): Promise<string[]> {
  const rows = await run<{ providerId: string }>(
    em,
    sqlf`select distinct provider_id as "providerId" from visit_provider where visit_id = any(${visitIds}::uuid[])`,
  );
  return rows.map((row) => row.providerId);
}

/** Its own statement, before any check: see the visits migration. */
export async function lockProviders(em: EntityManager, providerIds: readonly string[]): Promise<void> {
  await run(em, sqlf`select visit_lock_providers(${providerIds}::uuid[])`);
}

export async function recordConflicts(em: EntityManager, visitId: string, marginDays: number, at: Date): Promise<string[]> {
  const before = await run<{ id: string }>(
    em,
    sqlf`select case when c.visit_a_id = ${visitId}::uuid then c.visit_b_id else c.visit_a_id end as id from visit_conflict c
      where (c.visit_a_id = ${visitId}::uuid or c.visit_b_id = ${visitId}::uuid) and c.resolution is null`,
  );
  const rows = await run<{ id: string }>(em, sqlf`select visit_record_conflicts as id from visit_record_conflicts(${visitId}::uuid, ${marginDays}::int, ${at})`);
  const open = new Set(before.map((row) => row.id));
  await announceConflicts(em, visitId, rows.map((row) => row.id).filter((id) => !open.has(id)), at);
  return rows.map((row) => row.id);
}

/** A visit that has new conflicts, as SQL: its lead, its providers (uuid[]) and its location (uuid). */
export interface ConflictTarget {
  id: string;
  lead: SqlFragment;
  providerIds: SqlFragment;
  locationId: SqlFragment;
}

/** A stored visit (this transaction's writes included) as a ConflictTarget. */
export function storedConflictTarget(id: string): ConflictTarget {
  return {
    id,
    lead: sqlf`(select tv.lead_organisation from visit tv where tv.id = ${id}::uuid)`,
    providerIds: sqlf`array(select tp.provider_id from visit_provider tp where tp.visit_id = ${id}::uuid)`,
    locationId: sqlf`(select tv.location_id from visit tv where tv.id = ${id}::uuid)`,
  };
}

/**
 * VISIT_CONFLICT_DETECTED, as the CTEs that write the events (eventOutboxSql) over the CTE `conflicting` (the other
 * visits of the new pairs, a visit row each, with `announce`): for each pair, the lead organisation of each visit is
 * told about its own visit — when it may see the other visit's planning view (otherwise it would learn of a visit
 * hidden from it). The one statement of planVisit and rescheduleVisit uses it, and so does announceConflicts.
 */
export function conflictEventsSql(target: ConflictTarget, at: Date): SqlFragment {
  const other = { providerIds: sqlf`array(select op.provider_id from visit_provider op where op.visit_id = o.id)`, locationId: fragment('o.location_id') };
  const told = sqlf`select ${target.lead}::text as organisation, ${target.id}::uuid as resource_id from conflicting o
      where o.announce and ${visitVisibleToSql(target.lead, other.providerIds, other.locationId)}
    union
    select o.lead_organisation, o.id from conflicting o
      where o.announce and ${visitVisibleToSql(fragment('o.lead_organisation'), target.providerIds, target.locationId)}`;
  return eventOutboxSql(
    sqlf`select uuid_v7(${at}) as id, told.organisation, ${EventType.VISIT_CONFLICT_DETECTED}::text as type,
      ${EventResourceType.Visit}::text as resource_type, told.resource_id from (${told}) as told`,
    at,
  );
}

/** The events of the new pairs of `visitId` with `others`, in the caller's transaction, in one statement. */
export async function announceConflicts(em: EntityManager, visitId: string, others: readonly string[], at: Date): Promise<void> {
  if (others.length === 0) return;
  await run(
    em,
    sqlf`with conflicting as (select o.*, true as announce from visit o where o.id = any(${others}::uuid[])),
      ${conflictEventsSql(storedConflictTarget(visitId), at)} select null`,
  );
}

export interface HistoryEntry {
  visitId: string;
  action: VisitAction;
  reason?: string | null;
  relatedVisitId?: string | null;
  previousWindow?: TimeRange | null;
}

export async function addHistory(context: RequestContext, em: EntityManager, entries: readonly HistoryEntry[]): Promise<void> {
  const viewer = context.viewer!;
  for (const entry of entries) {
    await run(
      em,
      sqlf`insert into visit_history (visit_id, at, action, actor_organisation, actor_sub, reason, related_visit_id, previous_window)
        values (${entry.visitId}, ${context.now()}, ${entry.action}, ${viewer.organisation}, ${viewer.sub}, ${entry.reason ?? null},
                ${entry.relatedVisitId ?? null}, ${entry.previousWindow ? rangeLiteral(entry.previousWindow) : null}::tstzrange)`,
    );
  }
}

/** Step 3 of the lock order: the proposal row, and its status now. */
export async function lockProposal(em: EntityManager, id: string): Promise<ProposalStatus | undefined> {
  const [row] = await run<{ status: ProposalStatus }>(em, sqlf`select status from coordination_proposal where id = ${id} for update`);
  return row?.status;
}

/** Withdraws open merge proposals that involve visits which can no longer be merged. */
export async function withdrawProposals(em: EntityManager, visitIds: readonly string[], at: Date): Promise<void> {
  await run(
    em,
    sqlf`update coordination_proposal set status = 'WITHDRAWN', responded_at = ${at}
      where status = 'PROPOSED' and (lead_visit_id = any(${visitIds}::uuid[]) or visit_id = any(${visitIds}::uuid[]))`,
  );
}

/** Closes the open conflicts of visits with the given resolution. */
export async function resolveConflicts(
  context: RequestContext,
  em: EntityManager,
  visitIds: readonly string[],
  resolution: 'CANCELLED' | 'MERGED',
): Promise<void> {
  const viewer = context.viewer!;
  await run(
    em,
    sqlf`update visit_conflict set resolution = ${resolution}, resolved_at = ${context.now()},
        resolved_by_organisation = ${viewer.organisation}, resolved_by_sub = ${viewer.sub}
      where resolution is null and (visit_a_id = any(${visitIds}::uuid[]) or visit_b_id = any(${visitIds}::uuid[]))`,
  );
}

/** After a write, loaders must not answer from what they read before it. */
export function forgetVisits(context: RequestContext): void {
  visitById(context).clearAll();
  providersOfVisit(context).clearAll();
  conflictsOfVisit(context).clearAll();
  historyOfVisit(context).clearAll();
}

/** The organisations whose data a visit is, for the audit log. */
export function owners(visit: { leadCode: string; participantCodes?: string[]; participants?: string[] }): string[] {
  return [visit.leadCode, ...(visit.participantCodes ?? visit.participants ?? [])];
}
