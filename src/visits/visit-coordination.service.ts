import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';
import { EventResourceType, EventType, publishEvents } from '../notifications/index.js';
import { run, sqlf } from '../platform/database/sql.js';
import { BadUserInputError, ForbiddenError, InputProblems } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { findProposal, PROPOSAL_COLUMNS, type ProposalRow } from './coordination-proposals.js';
import { ProposalStatus, VisitAction } from './visit.enums.js';
import { checkIds, checkText, MAX_MERGE, MAX_PARTICIPANTS, MAX_PROVIDERS } from './visit.validation.js';
import type { VisitRow } from './visit.queries.js';
import {
  addHistory,
  forgetVisits,
  lockProposal,
  lockProviders,
  lockVisits,
  owners,
  providerIdsOf,
  recordConflicts,
  requireActive,
  requireLead,
  requireVisibleVisit,
  resolveConflicts,
  withdrawProposals,
  type LockedVisit,
} from './visit-writes.js';

export interface CoordinationResult {
  leadVisitId: string;
  mergedIds: string[];
  proposals: ProposalRow[];
}

/**
 * Makes one joint visit. Visits of the coordinator's own organisation are merged at once; a visit of another
 * organisation becomes a proposal its coordinator accepts or declines. Nobody's visit, participation or sharing
 * changes without consent: a joint visit (one with participants) is never merged into another, since its
 * participants agreed to that visit and not to this one.
 */
export async function coordinateVisits(
  context: RequestContext,
  input: { leadVisitId: string; visitIds: readonly string[]; note?: string | null },
): Promise<CoordinationResult> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.coordinate');
  const { ids, note } = checkCoordinationInput(input);
  const { lead, others } = await findMergeableVisits(context, viewer, input.leadVisitId, ids);
  const own = others.filter((visit) => visit.leadCode === viewer.organisation);
  const foreign = others.filter((visit) => visit.leadCode !== viewer.organisation);
  const proposalIds = await inTransaction(context, async (em) => {
    const locked = await lockVisits(em, [lead.id, ...own.map((visit) => visit.id)]);
    for (const visit of [lead, ...own]) requireActive(locked.get(visit.id)!, 'input.visitIds');
    await lockProviders(em, await providerIdsOf(em, [lead.id, ...own.map((visit) => visit.id)]));
    const proposed = await proposeMerges(context, em, lead, foreign, note);
    if (own.length > 0) {
      await mergeInto(context, em, locked.get(lead.id)!, own.map((visit) => locked.get(visit.id)!), null, 'input.visitIds');
    }
    context.audit.record({
      operation: 'coordinateVisits',
      resourceType: 'Visit',
      resources: [lead, ...others].map((visit) => ({ id: visit.id, owners: owners(visit) })),
      details: { merged: own.map((visit) => visit.id), proposals: proposed },
    });
    return proposed;
  });
  forgetVisits(context);
  const proposals = await run<ProposalRow>(context.em, sqlf`select ${PROPOSAL_COLUMNS} from coordination_proposal p where p.id = any(${proposalIds}::uuid[])`);
  return { leadVisitId: lead.id, mergedIds: own.map((visit) => visit.id), proposals };
}

function checkCoordinationInput(input: { leadVisitId: string; visitIds: readonly string[]; note?: string | null }): { ids: string[]; note: string | null } {
  const problems = new InputProblems();
  const ids = checkIds(problems, input.visitIds, 'input.visitIds', 'visit', MAX_MERGE);
  if (ids.includes(input.leadVisitId.toLowerCase())) problems.add('input.visitIds', 'The joint visit cannot be merged into itself.');
  const note = checkText(problems, input.note, 'input.note', false);
  problems.throwIfAny();
  return { ids, note };
}

/** The joint visit (the coordinator's own, active) and the visits to fold into it (active, not joint, sharing a provider). */
async function findMergeableVisits(context: RequestContext, viewer: Viewer, leadVisitId: string, ids: readonly string[]): Promise<{ lead: VisitRow; others: VisitRow[] }> {
  const lead = await requireVisibleVisit(context, leadVisitId);
  requireLead(viewer, lead);
  requireActive(lead, 'input.leadVisitId');
  // One batched load for all of them (the loader), then the checks in input order.
  const others: VisitRow[] = await Promise.all(ids.map((id) => requireVisibleVisit(context, id)));
  others.forEach((visit, index) => {
    requireActive(visit, `input.visitIds[${index}]`);
    requireMergeable(visit, `input.visitIds[${index}]`);
  });
  await requireSharedProviders(context.em, lead.id, ids);
  return { lead, others };
}

/** A proposal to each other organisation whose visit should join (an open one is reused), its event and history. */
async function proposeMerges(context: RequestContext, em: EntityManager, lead: VisitRow, foreign: readonly VisitRow[], note: string | null): Promise<string[]> {
  const viewer = requireViewer(context);
  const proposalIds: string[] = [];
  for (const visit of foreign) {
    const [row] = await run<{ id: string }>(
      em,
      sqlf`insert into coordination_proposal (id, lead_visit_id, visit_id, from_organisation, to_organisation, proposed_by_sub, note, status, created_at)
        values (${uuidv7()}, ${lead.id}, ${visit.id}, ${viewer.organisation}, ${visit.leadCode}, ${viewer.sub}, ${note}, 'PROPOSED', ${context.now()})
        on conflict (lead_visit_id, visit_id) where status = 'PROPOSED' do update set note = coalesce(excluded.note, coordination_proposal.note)
        returning id`,
    );
    proposalIds.push(row!.id);
    await publishEvents(em, [{ type: EventType.COORDINATION_PROPOSED, organisation: visit.leadCode, resourceType: EventResourceType.CoordinationProposal, resourceId: row!.id }], context.now());
    await addHistory(context, em, [{ visitId: lead.id, action: VisitAction.MERGE_PROPOSED, relatedVisitId: visit.id, reason: note }]);
  }
  return proposalIds;
}

/** The other organisation's coordinator accepts (its visit joins the joint visit) or declines (nothing changes). */
export async function respondToCoordination(
  context: RequestContext,
  input: { proposalId: string; accept: boolean; note?: string | null },
): Promise<ProposalRow> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.coordinate');
  const problems = new InputProblems();
  const note = checkText(problems, input.note, 'input.note', false);
  problems.throwIfAny();
  const proposal = await findProposal(context, input.proposalId);
  if (proposal.toCode !== viewer.organisation) {
    throw new ForbiddenError(`Only ${proposal.toCode}, whose visit it concerns, can answer this proposal.`);
  }
  requireOpen(proposal.status);

  await inTransaction(context, async (em) => {
    // The documented order (visit-writes.ts): visits, providers, then the proposal — as cancelVisit and
    // coordinateVisits take them, so that they queue behind each other instead of deadlocking.
    const locked = await lockVisits(em, [proposal.leadVisitId, proposal.visitId]);
    await lockProviders(em, await providerIdsOf(em, [proposal.leadVisitId, proposal.visitId]));
    requireOpen(await lockProposal(em, proposal.id));
    if (input.accept) await acceptProposal(context, em, [locked.get(proposal.leadVisitId)!, locked.get(proposal.visitId)!]);
    else await addHistory(context, em, [{ visitId: proposal.leadVisitId, action: VisitAction.MERGE_DECLINED, relatedVisitId: proposal.visitId, reason: note }]);
    await recordAnswer(context, em, proposal, input.accept, note);
  });
  forgetVisits(context);
  return findProposal(context, proposal.id);
}

/** The visit joins the joint visit, if both are still active and it is not a joint visit itself. */
async function acceptProposal(context: RequestContext, em: EntityManager, [lead, visit]: [LockedVisit, LockedVisit]): Promise<void> {
  requireActive(lead, 'input.proposalId');
  requireActive(visit, 'input.proposalId');
  requireMergeable({ participantCodes: visit.participants }, 'input.proposalId');
  await mergeInto(context, em, lead, [visit], requireViewer(context).organisation, 'input.proposalId');
}

/** The answer on the proposal, the proposer told, the audit event. */
async function recordAnswer(context: RequestContext, em: EntityManager, proposal: ProposalRow, accept: boolean, note: string | null): Promise<void> {
  const viewer = requireViewer(context);
  const status = accept ? ProposalStatus.ACCEPTED : ProposalStatus.DECLINED;
  await run(
    em,
    sqlf`update coordination_proposal set status = ${status}, responded_at = ${context.now()}, responded_by_sub = ${viewer.sub},
      response_note = ${note} where id = ${proposal.id}`,
  );
  await publishEvents(em, [{ type: EventType.COORDINATION_ANSWERED, organisation: proposal.fromCode, resourceType: EventResourceType.CoordinationProposal, resourceId: proposal.id }], context.now());
  context.audit.record({
    operation: 'respondToCoordination',
    resourceType: 'CoordinationProposal',
    resources: [
      { id: proposal.id, owners: [proposal.fromCode, proposal.toCode] },
      { id: proposal.leadVisitId, owners: [proposal.fromCode] },
      { id: proposal.visitId, owners: [proposal.toCode] },
    ],
    details: { accepted: accept },
  });
}

function requireOpen(status: ProposalStatus | undefined): void {
  if (status !== ProposalStatus.PROPOSED) {
    throw new BadUserInputError('input.proposalId', `This proposal was already ${String(status).toLowerCase()}.`);
  }
}

/** A joint visit's participants agreed to that visit; merging it elsewhere would move them without their consent. */
function requireMergeable(visit: { participantCodes: readonly string[] }, field: string): void {
  if (visit.participantCodes.length > 0) {
    throw new BadUserInputError(
      field,
      `This is a joint visit with ${visit.participantCodes.join(', ')}, who agreed to it and not to another: merge other visits into it instead.`,
    );
  }
}

/**
 * Folds `merged` into `lead`: they are cancelled with a pointer to it, their providers join it, their conflicts
 * close as MERGED, and the `joining` organisation (the one that accepted) becomes a participant. Their themes,
 * notes and sharing stay theirs: the joint visit shows a merged visit's themes only to those who may see that
 * visit's details and to the joint visit's lead and participants of the moment its owner agreed (its
 * `merge_audience`; see visit-scope.ts). Then the joint visit's conflicts are recorded afresh.
 */
async function mergeInto(
  context: RequestContext,
  em: EntityManager,
  lead: LockedVisit,
  merged: readonly LockedVisit[],
  joining: string | null,
  field: string,
): Promise<void> {
  const mergedIds = merged.map((visit) => visit.id);
  const providers = await providerIdsOf(em, [lead.id, ...mergedIds]);
  if (providers.length > MAX_PROVIDERS) {
    throw new BadUserInputError(field, `A joint visit covers at most ${MAX_PROVIDERS} providers; this merge would make it ${providers.length}.`);
  }
  const participants = joining && !lead.participants.includes(joining) ? [...lead.participants, joining] : lead.participants;
  if (participants.length > MAX_PARTICIPANTS) {
    throw new BadUserInputError(field, `A joint visit has at most ${MAX_PARTICIPANTS} participating organisations.`);
  }
  await lockProviders(em, providers);
  await withdrawProposals(em, mergedIds, context.now());
  await resolveConflicts(context, em, mergedIds, 'MERGED');
  await run(
    em,
    sqlf`insert into visit_provider (visit_id, provider_id, time_window, active)
      select ${lead.id}, m.provider_id, l.time_window, true
      from visit_provider m join (select time_window from visit_provider where visit_id = ${lead.id} limit 1) l on true
      where m.visit_id = any(${mergedIds}::uuid[])
      on conflict (visit_id, provider_id) do nothing`,
  );
  await run(em, sqlf`update visit set participants = ${[...participants].sort()}::text[], updated_at = ${context.now()} where id = ${lead.id}`);
  // Whom the owner of a merged visit agreed to share it with: the joint visit's lead and participants as they are now.
  await run(
    em,
    sqlf`update visit set status = 'CANCELLED', merged_into = ${lead.id}, merge_audience = ${[lead.leadCode, ...participants].sort()}::text[],
      updated_at = ${context.now()} where id = any(${mergedIds}::uuid[])`,
  );
  await run(em, sqlf`update visit_provider set active = false where visit_id = any(${mergedIds}::uuid[])`);
  await addHistory(context, em, [
    ...merged.map((visit) => ({ visitId: visit.id, action: VisitAction.MERGED_INTO, relatedVisitId: lead.id })),
    ...merged.map((visit) => ({ visitId: lead.id, action: joining ? VisitAction.JOINED : VisitAction.ABSORBED, relatedVisitId: visit.id })),
  ]);
  await recordConflicts(em, lead.id, context.settings.conflictMarginDays, context.now());
}

/** A merge only makes sense for visits to the same provider. */
async function requireSharedProviders(em: EntityManager, leadId: string, ids: readonly string[]): Promise<void> {
  const rows = await run<{ id: string }>(
    em,
    sqlf`select distinct o.visit_id as id from visit_provider o join visit_provider l on l.provider_id = o.provider_id and l.visit_id = ${leadId}
      where o.visit_id = any(${ids}::uuid[])`,
  );
  const sharing = new Set(rows.map((row) => row.id));
  const problems = new InputProblems();
  ids.forEach((id, index) => {
    if (!sharing.has(id)) problems.add(`input.visitIds[${index}]`, 'This visit has no provider in common with the joint visit.');
  });
  problems.throwIfAny();
}

/**
 * Keeps both visits: the conflict closes as ACKNOWLEDGED, with the justification, for both sides. It stays so
 * while the visits stay at least as far apart as they are now; a move that brings them closer reopens it.
 */
export async function acknowledgeConflict(
  context: RequestContext,
  input: { visitId: string; conflictingVisitId: string; justification: string },
): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.plan');
  const problems = new InputProblems();
  const justification = checkText(problems, input.justification, 'input.justification', true);
  problems.throwIfAny();
  const visit = await requireVisibleVisit(context, input.visitId);
  requireLead(viewer, visit);
  const other = await requireVisibleVisit(context, input.conflictingVisitId);
  await inTransaction(context, async (em) => {
    await lockVisits(em, [visit.id, other.id]);
    const [a, b] = [visit.id, other.id].sort();
    const updated = await run(
      em,
      sqlf`update visit_conflict c set resolution = 'ACKNOWLEDGED', resolved_at = ${context.now()}, resolved_by_organisation = ${viewer.organisation},
          resolved_by_sub = ${viewer.sub}, justification = ${justification},
          acknowledged_gap_seconds = (select visit_gap_seconds(pa.time_window, pb.time_window)
                                      from visit_provider pa, visit_provider pb where pa.visit_id = c.visit_a_id and pb.visit_id = c.visit_b_id limit 1)
        where c.visit_a_id = ${a} and c.visit_b_id = ${b} and c.resolution is null returning c.id`,
    );
    if (updated.length === 0) throw new BadUserInputError('input.conflictingVisitId', 'These visits have no open conflict.');
    await addHistory(context, em, [{ visitId: visit.id, action: VisitAction.CONFLICT_ACKNOWLEDGED, relatedVisitId: other.id, reason: justification }]);
    context.audit.record({
      operation: 'acknowledgeConflict',
      resourceType: 'Visit',
      resources: [visit, other].map((each) => ({ id: each.id, owners: owners(each) })),
    });
  });
  forgetVisits(context);
  return visit.id;
}
