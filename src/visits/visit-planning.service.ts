import { OrganisationKind } from '../access/organisations.js';
import { requireAction } from '../access/policy.js';
import { locationInReach, organisationsReaching, reachDescription, visibleProviderIds, type LocationPlace } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { ensureOrganisationRow } from '../organisations/index.js';
import { run, runOne, sqlf } from '../platform/database/sql.js';
import { rangeLiteral, TstzRangeType } from '../platform/database/tstzrange.js';
import { BadUserInputError, InputProblems } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { VisitAction, VisitStatus } from './visit.enums.js';
import { checkText, checkWindow, validatePlan, type PlanDraft, type PlanFields } from './visit.validation.js';
import { planInOneStatement, type PlaceFindings } from './visit-plan-statement.js';
import { rescheduleInOneStatement } from './visit-reschedule-statement.js';
import {
  addHistory,
  announceConflicts,
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
} from './visit-writes.js';

const RESOURCE = 'Visit';

/**
 * Plans a visit. Its conflicts are recorded in the same transaction, after the providers are locked, so two
 * planners at the same provider at the same moment always see each other. Planning is never blocked by them.
 * One statement does it all (visit-plan-statement.ts); only when another write changed visits at the same
 * providers while that statement ran does it plan again, step by step in a transaction.
 */
export async function planVisit(context: RequestContext, input: PlanFields): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.plan');
  const draft = validatePlan(input, context.now(), viewer.organisation);
  const id = uuidv7();
  if (viewer.kind === OrganisationKind.MUNICIPALITY) await ensureOrganisationRow(context.em, viewer.organisation);
  const plan = await planInOneStatement(context, viewer, draft, id);
  if (plan.outcome === 'planned') return id;
  if (plan.outcome === 'refused') {
    placeProblems(viewer, draft, plan.findings).throwIfAny();
    throw new Error('The planVisit statement refused a visit whose place passes every check.');
  }
  await checkPlace(context, viewer, draft);
  await inTransaction(context, async (em) => {
    const conflicting = await run<{ id: string }>(
      em,
      sqlf`select visit_plan as id from visit_plan(${id}::uuid, ${viewer.organisation}, ${draft.locationId}::uuid, ${rangeLiteral(draft.window)}::tstzrange,
        ${draft.announced}, ${draft.kind}, ${draft.themes}::text[], ${draft.notes}, ${draft.sharedWith}::text[],
        ${draft.providerIds}::uuid[], ${context.settings.conflictMarginDays}::int, ${context.now()}, ${viewer.sub}, null)`,
    );
    await announceConflicts(em, id, conflicting.map((row) => row.id), context.now());
    context.audit.record({ operation: 'planVisit', resourceType: RESOURCE, resources: [{ id, owners: [viewer.organisation] }], details: { providers: draft.providerIds } });
  });
  forgetVisits(context);
  return id;
}

/** Providers within reach, a location of one of them within reach, and sharing only with their supervisors. */
async function checkPlace(context: RequestContext, viewer: Viewer, draft: PlanDraft): Promise<void> {
  const visibleProviderIdsOf = await visibleProviderIds(context.em, viewer, draft.providerIds);
  let location: PlaceFindings['location'];
  if (draft.locationId) {
    const row = await runOne<{ providerId: string } & LocationPlace>(
      context.em,
      sqlf`select provider_id as "providerId", country, municipality_code as "municipalityCode", region, registered_by as "registeredBy"
       from location where id = ${draft.locationId}`,
    );
    location = row && { ...row, providerVisible: (await visibleProviderIds(context.em, viewer, [row.providerId])).has(row.providerId) };
  }
  const supervising = await organisationsReaching(context.em, draft.sharedWith, draft.providerIds);
  placeProblems(viewer, draft, { visibleProviderIds: visibleProviderIdsOf, location, supervising }).throwIfAny();
}

/** What is wrong with the place of a visit, given what the database holds about it. */
function placeProblems(viewer: Viewer, draft: PlanDraft, findings: PlaceFindings): InputProblems {
  const problems = new InputProblems();
  draft.providerIds.forEach((id, index) => {
    if (!findings.visibleProviderIds.has(id)) problems.add(`input.providerIds[${index}]`, `No provider with id ${id} was found.`);
  });
  const location = findings.location;
  if (draft.locationId) {
    if (!location || !location.providerVisible) {
      problems.add('input.locationId', `No location with id ${draft.locationId} was found.`);
    } else if (!draft.providerIds.includes(location.providerId)) {
      problems.add('input.locationId', 'The location does not belong to a provider of this visit.');
    } else if (!locationInReach(viewer, location)) {
      problems.add('input.locationId', `You can only visit locations ${reachDescription(viewer)}.`);
    }
  }
  draft.sharedWith.forEach((code, index) => {
    if (!findings.supervising.has(code)) problems.add(`input.sharedWith[${index}]`, `${code} does not supervise any provider of this visit.`);
  });
  return problems;
}

export interface RescheduleFields {
  visitId: string;
  start: Date;
  end: Date;
  reason?: string | null;
}

/**
 * Moves a visit: conflicts that no longer hold close as MOVED, new ones open. After the read that finds the
 * visit, one statement does it (visit-reschedule-statement.ts); only when another write changed visits at the same
 * providers meanwhile does it move the visit again step by step in a transaction.
 */
export async function rescheduleVisit(context: RequestContext, input: RescheduleFields): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.plan');
  const problems = new InputProblems();
  const window = checkWindow(problems, input.start, input.end, context.now());
  const reason = checkText(problems, input.reason, 'input.reason', false);
  problems.throwIfAny();
  const visit = await requireVisibleVisit(context, input.visitId);
  requireLead(viewer, visit);
  requireActive(visit, 'input.visitId');

  const move = await rescheduleInOneStatement(context, viewer, visit, window, reason);
  if (move.outcome === 'moved') return visit.id;
  if (move.outcome === 'inactive') requireActive({ status: move.status }, 'input.visitId');
  await inTransaction(context, async (em) => {
    const locked = (await lockVisits(em, [visit.id])).get(visit.id)!;
    requireActive(locked, 'input.visitId');
    await lockProviders(em, await providerIdsOf(em, [visit.id]));
    const [previous] = await run<{ window: string }>(em, sqlf`select time_window::text as window from visit where id = ${visit.id}`);
    await run(em, sqlf`update visit set time_window = ${rangeLiteral(window)}::tstzrange, updated_at = ${context.now()} where id = ${visit.id}`);
    await run(
      em,
      sqlf`update visit_provider set time_window = visit_planning_window(${rangeLiteral(window)}::tstzrange, ${locked.announced})
        where visit_id = ${visit.id}`,
    );
    await addHistory(context, em, [
      {
        visitId: visit.id,
        action: VisitAction.RESCHEDULED,
        reason,
        previousWindow: new TstzRangeType().convertToJSValue(previous!.window),
      },
    ]);
    const margin = context.settings.conflictMarginDays;
    await run(
      em,
      sqlf`select visit_resolve_stale_conflicts(${visit.id}::uuid, ${margin}::int, ${context.now()}, ${viewer.organisation}, ${viewer.sub})`,
    );
    await recordConflicts(em, visit.id, margin, context.now());
    context.audit.record({ operation: 'rescheduleVisit', resourceType: RESOURCE, resources: [{ id: visit.id, owners: owners(visit) }] });
  });
  forgetVisits(context);
  return visit.id;
}

/** Cancels a visit: it stops conflicting, its open conflicts close as CANCELLED, open merge proposals are withdrawn. */
export async function cancelVisit(context: RequestContext, input: { visitId: string; reason: string }): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.plan');
  const problems = new InputProblems();
  const reason = checkText(problems, input.reason, 'input.reason', true);
  problems.throwIfAny();
  const visit = await requireVisibleVisit(context, input.visitId);
  requireLead(viewer, visit);
  requireActive(visit, 'input.visitId');

  await inTransaction(context, async (em) => {
    requireActive((await lockVisits(em, [visit.id])).get(visit.id)!, 'input.visitId');
    await lockProviders(em, await providerIdsOf(em, [visit.id]));
    await run(em, sqlf`update visit set status = 'CANCELLED', updated_at = ${context.now()} where id = ${visit.id}`);
    await run(em, sqlf`update visit_provider set active = false where visit_id = ${visit.id}`);
    await withdrawProposals(em, [visit.id], context.now());
    await resolveConflicts(context, em, [visit.id], 'CANCELLED');
    await addHistory(context, em, [{ visitId: visit.id, action: VisitAction.CANCELLED, reason }]);
    context.audit.record({ operation: 'cancelVisit', resourceType: RESOURCE, resources: [{ id: visit.id, owners: owners(visit) }] });
  });
  forgetVisits(context);
  return visit.id;
}

/** Marks a visit that has started as completed. Completed visits still count for conflicts and supervisory load. */
export async function completeVisit(context: RequestContext, input: { visitId: string }): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.complete');
  const visit = await requireVisibleVisit(context, input.visitId);
  requireLead(viewer, visit);
  requireActive(visit, 'input.visitId');
  if (Date.parse(visit.windowStart) > context.now().getTime()) {
    throw new BadUserInputError('input.visitId', 'This visit has not started yet; it cannot be completed.');
  }
  await inTransaction(context, async (em) => {
    requireActive((await lockVisits(em, [visit.id])).get(visit.id)!, 'input.visitId');
    // Not for the conflicts (a completed visit still counts), but so that a one-statement plan or move at the same
    // providers notices the new status (its counters, visit-statement.ts).
    await lockProviders(em, await providerIdsOf(em, [visit.id]));
    await run(em, sqlf`update visit set status = ${VisitStatus.COMPLETED}, updated_at = ${context.now()} where id = ${visit.id}`);
    await withdrawProposals(em, [visit.id], context.now());
    await addHistory(context, em, [{ visitId: visit.id, action: VisitAction.COMPLETED }]);
    context.audit.record({ operation: 'completeVisit', resourceType: RESOURCE, resources: [{ id: visit.id, owners: owners(visit) }] });
  });
  forgetVisits(context);
  return visit.id;
}
