import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import { isoTimestamp, run, sqlf, fragment, sqlOne } from '../platform/database/sql.js';
import { BadUserInputError, ForbiddenError, InputProblems, NotFoundError } from '../platform/errors.js';
import { isUuid, uuidv7 } from '../platform/ids.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { ProposalDirection, ProposalStatus, VisitAction } from './visit.enums.js';
import { checkIds, checkText } from './visit.validation.js';
import type { VisitRow } from './visit.queries.js';
import {
  addHistory,
  forgetVisits,
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

const MAX_MERGE = 20;

export interface ProposalRow {
  id: string;
  leadVisitId: string;
  visitId: string;
  fromCode: string;
  toCode: string;
  status: ProposalStatus;
  note: string | null;
  responseNote: string | null;
  createdAt: string;
  respondedAt: string | null;
}

const PROPOSAL_COLUMNS = fragment(`p.id, p.lead_visit_id as "leadVisitId", p.visit_id as "visitId", p.from_organisation as "fromCode",
  p.to_organisation as "toCode", p.status, p.note, p.response_note as "responseNote",
  ${isoTimestamp('p.created_at')} as "createdAt", ${isoTimestamp('p.responded_at')} as "respondedAt"`);

export interface CoordinationResult {
  leadVisitId: string;
  mergedIds: string[];
  proposals: ProposalRow[];
}

/**
 * Makes one joint visit. Visits of the coordinator's own organisation are merged at once; a visit of another
 * organisation becomes a proposal its coordinator accepts or declines. Nobody's visit changes without consent.
 */
export async function coordinateVisits(
  context: RequestContext,
  input: { leadVisitId: string; visitIds: readonly string[]; note?: string | null },
): Promise<CoordinationResult> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.coordinate');
  const problems = new InputProblems();
  const ids = checkIds(problems, input.visitIds, 'input.visitIds', 'visit', MAX_MERGE);
  if (ids.includes(input.leadVisitId)) problems.add('input.visitIds', 'The joint visit cannot be merged into itself.');
  const note = checkText(problems, input.note, 'input.note', false);
  problems.throwIfAny();

  const lead = await requireVisibleVisit(context, input.leadVisitId);
  requireLead(viewer, lead);
  requireActive(lead, 'input.leadVisitId');
  // One batched load for all of them (the loader), then the checks in input order.
  const others: VisitRow[] = await Promise.all(ids.map((id) => requireVisibleVisit(context, id)));
  others.forEach((visit, index) => requireActive(visit, `input.visitIds[${index}]`));
  await requireSharedProviders(context.em, lead.id, ids);

  const own = others.filter((visit) => visit.leadCode === viewer.organisation);
  const foreign = others.filter((visit) => visit.leadCode !== viewer.organisation);
  const proposalIds: string[] = [];
  await inTransaction(context, async (em) => {
    const locked = await lockVisits(em, [lead.id, ...own.map((visit) => visit.id)]);
    for (const visit of [lead, ...own]) requireActive(locked.get(visit.id)!, 'input.visitIds');
    if (own.length > 0) {
      await mergeInto(context, em, locked.get(lead.id)!, own.map((visit) => locked.get(visit.id)!), []);
    }
    for (const visit of foreign) {
      const [row] = await run<{ id: string }>(
        em,
        sqlf`insert into coordination_proposal (id, lead_visit_id, visit_id, from_organisation, to_organisation, proposed_by_sub, note, status, created_at)
          values (${uuidv7()}, ${lead.id}, ${visit.id}, ${viewer.organisation}, ${visit.leadCode}, ${viewer.sub}, ${note}, 'PROPOSED', ${context.now()})
          on conflict (lead_visit_id, visit_id) where status = 'PROPOSED' do update set note = coalesce(excluded.note, coordination_proposal.note)
          returning id`,
      );
      proposalIds.push(row!.id);
      await addHistory(context, em, [{ visitId: lead.id, action: VisitAction.MERGE_PROPOSED, relatedVisitId: visit.id, reason: note }]);
    }
    context.audit.record({
      operation: 'coordinateVisits',
      resourceType: 'Visit',
      resources: [lead, ...others].map((visit) => ({ id: visit.id, owners: owners(visit) })),
      details: { merged: own.map((visit) => visit.id), proposals: proposalIds },
    });
  });
  forgetVisits(context);
  const proposals = await run<ProposalRow>(context.em, sqlf`select ${PROPOSAL_COLUMNS} from coordination_proposal p where p.id = any(${proposalIds}::uuid[])`);
  return { leadVisitId: lead.id, mergedIds: own.map((visit) => visit.id), proposals };
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
  if (proposal.status !== ProposalStatus.PROPOSED) {
    throw new BadUserInputError('input.proposalId', `This proposal was already ${proposal.status.toLowerCase()}.`);
  }

  await inTransaction(context, async (em) => {
    const [current] = await run<{ status: ProposalStatus }>(em, sqlf`select status from coordination_proposal where id = ${proposal.id} for update`);
    if (current?.status !== ProposalStatus.PROPOSED) {
      throw new BadUserInputError('input.proposalId', `This proposal was already ${String(current?.status).toLowerCase()}.`);
    }
    const status = input.accept ? ProposalStatus.ACCEPTED : ProposalStatus.DECLINED;
    if (input.accept) {
      const locked = await lockVisits(em, [proposal.leadVisitId, proposal.visitId]);
      requireActive(locked.get(proposal.leadVisitId)!, 'input.proposalId');
      requireActive(locked.get(proposal.visitId)!, 'input.proposalId');
      await mergeInto(context, em, locked.get(proposal.leadVisitId)!, [locked.get(proposal.visitId)!], [viewer.organisation]);
    } else {
      await addHistory(context, em, [{ visitId: proposal.leadVisitId, action: VisitAction.MERGE_DECLINED, relatedVisitId: proposal.visitId, reason: note }]);
    }
    await run(
      em,
      sqlf`update coordination_proposal set status = ${status}, responded_at = ${context.now()}, responded_by_sub = ${viewer.sub},
        response_note = ${note} where id = ${proposal.id}`,
    );
    context.audit.record({
      operation: 'respondToCoordination',
      resourceType: 'CoordinationProposal',
      resources: [
        { id: proposal.id, owners: [proposal.fromCode, proposal.toCode] },
        { id: proposal.leadVisitId, owners: [proposal.fromCode] },
        { id: proposal.visitId, owners: [proposal.toCode] },
      ],
      details: { accepted: input.accept },
    });
  });
  forgetVisits(context);
  return findProposal(context, proposal.id);
}

/**
 * Folds `merged` into `lead`: they are cancelled with a pointer to it, their providers and themes join it, their
 * conflicts close as MERGED, and `joining` organisations become participants. Then the joint visit's conflicts
 * are recorded afresh (it may now cover more providers).
 */
async function mergeInto(
  context: RequestContext,
  em: EntityManager,
  lead: LockedVisit,
  merged: readonly LockedVisit[],
  joining: readonly string[],
): Promise<void> {
  const mergedIds = merged.map((visit) => visit.id);
  await lockProviders(em, await providerIdsOf(em, [lead.id, ...mergedIds]));
  await resolveConflicts(context, em, mergedIds, 'MERGED');
  await run(
    em,
    sqlf`insert into visit_provider (visit_id, provider_id, time_window, active)
      select ${lead.id}, m.provider_id, l.time_window, true
      from visit_provider m join (select time_window from visit_provider where visit_id = ${lead.id} limit 1) l on true
      where m.visit_id = any(${mergedIds}::uuid[])
      on conflict (visit_id, provider_id) do nothing`,
  );
  const newParticipants = [...new Set([...joining, ...merged.flatMap((visit) => visit.participants)])].filter((code) => code !== lead.leadCode);
  await run(
    em,
    sqlf`update visit v set
        themes = array(select distinct theme from (
            select unnest(v.themes) as theme
            union select unnest(m.themes) from visit m where m.id = any(${mergedIds}::uuid[])) as themes order by theme),
        participants = array(select distinct p from unnest(v.participants || ${newParticipants}::text[]) p order by p),
        updated_at = ${context.now()}
      where v.id = ${lead.id}`,
  );
  await run(
    em,
    sqlf`update visit set status = 'CANCELLED', merged_into = ${lead.id}, updated_at = ${context.now()} where id = any(${mergedIds}::uuid[])`,
  );
  await run(em, sqlf`update visit_provider set active = false where visit_id = any(${mergedIds}::uuid[])`);
  // Proposals involving the merged visits lapse (the one being accepted, if any, is answered by the caller after this).
  await withdrawProposals(em, mergedIds, context.now());
  await addHistory(context, em, [
    ...merged.map((visit) => ({ visitId: visit.id, action: VisitAction.MERGED_INTO, relatedVisitId: lead.id })),
    ...merged.map((visit) => ({ visitId: lead.id, action: joining.length ? VisitAction.JOINED : VisitAction.ABSORBED, relatedVisitId: visit.id })),
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

/** A proposal the viewer's organisation sent or received; any other answers NOT_FOUND. */
async function findProposal(context: RequestContext, id: string): Promise<ProposalRow> {
  const viewer = requireViewer(context);
  const row = isUuid(id)
    ? await sqlOne<ProposalRow>(
        context.em,
        `select ${PROPOSAL_COLUMNS.sql} from coordination_proposal p where p.id = ? and ? in (p.from_organisation, p.to_organisation)`,
        [id, viewer.organisation],
      )
    : undefined;
  if (!row) throw new NotFoundError('coordination proposal', id.slice(0, 64));
  return row;
}

/** Proposals the viewer's organisation sent (outgoing) or received (incoming), newest first. */
export async function listProposals(
  context: RequestContext,
  filter: { status?: ProposalStatus | null; direction?: ProposalDirection | null } | null | undefined,
): Promise<ProposalRow[]> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.read');
  const organisation = viewer.organisation;
  const direction =
    filter?.direction === ProposalDirection.INCOMING
      ? sqlf`p.to_organisation = ${organisation}`
      : filter?.direction === ProposalDirection.OUTGOING
        ? sqlf`p.from_organisation = ${organisation}`
        : sqlf`(p.to_organisation = ${organisation} or p.from_organisation = ${organisation})`;
  const status = filter?.status ? sqlf`p.status = ${filter.status}` : fragment('true');
  const rows = await run<ProposalRow>(
    context.em,
    sqlf`select ${PROPOSAL_COLUMNS} from coordination_proposal p where ${direction} and ${status} order by p.created_at desc, p.id limit 500`,
  );
  context.audit.record({
    operation: 'coordinationProposals',
    resourceType: 'CoordinationProposal',
    resources: rows.map((row) => ({ id: row.id, owners: [row.fromCode, row.toCode] })),
  });
  return rows;
}

/** Keeps both visits: the conflict closes as ACKNOWLEDGED, with the justification, for both sides. */
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
    const [a, b] = [visit.id, other.id].sort();
    const updated = await run(
      em,
      sqlf`update visit_conflict set resolution = 'ACKNOWLEDGED', resolved_at = ${context.now()}, resolved_by_organisation = ${viewer.organisation},
          resolved_by_sub = ${viewer.sub}, justification = ${justification}
        where visit_a_id = ${a} and visit_b_id = ${b} and resolution is null returning id`,
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
