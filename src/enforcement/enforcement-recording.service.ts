import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import { signalVisibleSql } from '../access/signal-scope.js';
import { visitVisibleSql } from '../access/visit-scope.js';
import type { Viewer } from '../access/viewer.js';
import { ensureOrganisationRow } from '../organisations/index.js';
import { run, sqlf } from '../platform/database/sql.js';
import { ForbiddenError, InputProblems } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { calendarDay } from '../platform/time.js';
import { findVisibleProvider } from '../providers/index.js';
import { asOrganisation, inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { lockRoutings, prosecutionStateOf, reportToProsecution, RoutingStatus, type ProsecutionReport, type ProsecutionState } from '../signals/index.js';
import { EnforcementStatus, type EnforcementType } from './enforcement.enums.js';
import { SamenloopConflictError, type UnreleasedReason } from './enforcement.errors.js';
import { announceMeasure } from './enforcement-events.js';
import { ENFORCEMENT_TYPES, type EnforcementTypeRule } from './enforcement-types.js';
import { EventType } from '../notifications/index.js';
import { validateRecord, type ActionDraft, type RecordFields } from './enforcement.validation.js';

/**
 * Records a measure. The checks that need no lock come first (who may record this type, the provider within
 * reach, related signals and visits the caller can see and that concern the provider); then, in one transaction:
 * the una-via check of a fine (under the routings' locks, so a decision landing at the same moment is either seen
 * or waits), the measure, its links, its first status, an AANGIFTE's routing to the OM, the outbox and the audit.
 */
export async function recordEnforcementAction(context: RequestContext, input: RecordFields): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'enforcement.record');
  const now = context.now();
  const draft = validateRecord(input, calendarDay(now));
  const rule = ENFORCEMENT_TYPES[draft.type];
  if (!rule.recordedBy.includes(viewer.kind)) throw new ForbiddenError(notRecordedBy(draft.type));
  await checkRelations(context, viewer, draft);

  const recording: Recording = { id: uuidv7(now.getTime()), viewer, draft, rule, now };
  return inTransaction(context, async (em) => {
    const release = rule.needsOmRelease ? await requireOmRelease(em, draft, now) : [];
    await ensureOrganisationRow(em, viewer.organisation);
    await insertMeasure(em, recording);
    const report = rule.reportsToOm ? await reportToProsecution(context, em, criminalReport(recording)) : undefined;
    await linkRelated(em, recording.id, report?.signalIds ?? draft.signalIds, draft.visitIds);
    await insertFirstStatus(em, recording);
    await announceMeasure(
      em,
      { id: recording.id, providerId: draft.providerId, organisation: viewer.organisation },
      rule.publishedOnRecording ? [EventType.ENFORCEMENT_RECORDED, EventType.ENFORCEMENT_PUBLISHED] : [EventType.ENFORCEMENT_RECORDED],
      now,
    );
    auditRecording(context, recording, release, report);
    return recording.id;
  });
}

/** One measure being recorded: who records it, what, under which rule of its type, and when. */
interface Recording {
  id: string;
  viewer: Viewer;
  draft: ActionDraft;
  rule: EnforcementTypeRule;
  now: Date;
}

async function insertMeasure(em: EntityManager, { id, viewer, draft, rule, now }: Recording): Promise<void> {
  await run(
    em,
    sqlf`insert into enforcement_action (id, organisation, provider_id, type, legal_basis, imposed_on, deadline, valid_until, notes,
        recorded_by_sub, recorded_at, published_at, published_by_sub)
      values (${id}, ${viewer.organisation}, ${draft.providerId}, ${draft.type}, ${draft.legalBasis}, ${draft.imposedOn}::date,
        ${draft.deadline}::date, ${draft.validUntil}::date, ${draft.notes}, ${viewer.sub}, ${now},
        ${rule.publishedOnRecording ? now : null}, ${rule.publishedOnRecording ? viewer.sub : null})`,
  );
}

function criminalReport({ id, draft }: Recording): Parameters<typeof reportToProsecution>[2] {
  return { reportId: id, providerId: draft.providerId, signalIds: draft.signalIds, legalBasis: draft.legalBasis, imposedOn: draft.imposedOn };
}

async function insertFirstStatus(em: EntityManager, { id, viewer, now }: Recording): Promise<void> {
  await run(
    em,
    sqlf`insert into enforcement_action_status (enforcement_action_id, status, note, changed_by_organisation, changed_by_sub, changed_at)
      values (${id}, ${EnforcementStatus.ACTIVE}, null, ${viewer.organisation}, ${viewer.sub}, ${now})`,
  );
}

function auditRecording(context: RequestContext, { id, viewer, draft, rule }: Recording, release: readonly ProsecutionState[], report: ProsecutionReport | undefined): void {
  // A criminal report sends other organisations' signals to the OM: a write on their data, audited to them.
  if (report) context.audit.record({ operation: 'recordEnforcementAction', resourceType: 'Signal', resources: report.owners, details: { reportedToOm: report.createdRoutingIds } });
  context.audit.record({
    operation: 'recordEnforcementAction',
    resourceType: 'EnforcementAction',
    resources: [{ id, owners: [viewer.organisation] }],
    details: {
      type: draft.type,
      published: rule.publishedOnRecording,
      ...(rule.needsOmRelease ? { unaVia: release.map((routing) => ({ routingId: routing.id, status: routing.status })) } : {}),
      ...(report ? { reportedToOm: report.createdRoutingIds, signals: report.signalIds } : {}),
    },
  });
}

function notRecordedBy(type: EnforcementType): string {
  return type === 'VEILIGHEIDSMAATREGEL'
    ? 'Only Zorginspectie takes a VEILIGHEIDSMAATREGEL.'
    : `Your organisation does not record measures of type ${type} here.`;
}

/**
 * The provider must be within reach (a municipality: in its territory), and every related signal and visit visible
 * to the caller and about that provider. What the caller cannot see answers exactly like what does not exist. (An
 * AANGIFTE's provider is always Dutch, as the Dutch OM needs: only Dutch supervisors record one, and their reach
 * is the Netherlands.)
 */
async function checkRelations(context: RequestContext, viewer: Viewer, draft: ActionDraft): Promise<void> {
  const problems = new InputProblems();
  const provider = await findVisibleProvider(context.em, viewer, draft.providerId);
  if (!provider) problems.add('input.providerId', `No provider with id ${draft.providerId} was found.`);
  const signals = await asOrganisation(context, (em) =>
    run<{ id: string; concerns: boolean }>(
      em,
      sqlf`select s.id, s.provider_ids @> array[${draft.providerId}]::uuid[] as concerns
        from signal s where s.id = any(${draft.signalIds}::uuid[]) and ${signalVisibleSql(viewer, 's')}`,
    ),
  );
  const visits = await run<{ id: string; concerns: boolean }>(
    context.em,
    sqlf`select v.id, exists (select 1 from visit_provider vp where vp.visit_id = v.id and vp.provider_id = ${draft.providerId}::uuid) as concerns
      from visit v where v.id = any(${draft.visitIds}::uuid[]) and ${visitVisibleSql(viewer, 'v')}`,
  );
  for (const [ids, found, field, what] of [
    [draft.signalIds, signals, 'input.relatedSignalIds', 'signal'],
    [draft.visitIds, visits, 'input.relatedVisitIds', 'visit'],
  ] as const) {
    const byId = new Map(found.map((row) => [row.id, row.concerns]));
    ids.forEach((relatedId, index) => {
      if (!byId.has(relatedId)) problems.add(`${field}[${index}]`, `No ${what} with id ${relatedId} was found.`);
      else if (provider && !byId.get(relatedId)) problems.add(`${field}[${index}]`, `This ${what} does not concern the provider of the measure.`);
    });
  }
  problems.throwIfAny();
}

/**
 * Una via (Awb 5:44): every OM routing of the facts — of the related signals, and of the criminal reports recorded
 * on them — must have released them: DECLINED, or EXPIRED (13 weeks without a decision), and the fine must be
 * imposed on or after the day of that release. The routings are locked first and then read again, so a decision
 * that commits at this moment is either seen here or waits until this transaction is done. Returns the releases.
 */
async function requireOmRelease(em: EntityManager, draft: ActionDraft, now: Date): Promise<ProsecutionState[]> {
  const found = await prosecutionStateOf(em, draft.signalIds, now);
  if (found.length === 0) return [];
  await lockRoutings(em, found.map((routing) => routing.id));
  const routings = await prosecutionStateOf(em, draft.signalIds, now);
  const blocking = (reason: UnreleasedReason, routing: ProsecutionState, from: string | null, all: readonly ProsecutionState[]) =>
    new SamenloopConflictError(reason, routing.id, from, all.map((each) => each.id));

  const pursued = routings.filter((routing) => routing.status === RoutingStatus.ACCEPTED || routing.status === RoutingStatus.JOINT);
  if (pursued.length > 0) throw blocking('PURSUED', pursued[0]!, null, pursued);
  const pending = routings.filter((routing) => routing.status === RoutingStatus.PENDING).sort((a, b) => b.dueAt.localeCompare(a.dueAt));
  if (pending.length > 0) throw blocking('PENDING', pending[0]!, pending[0]!.dueAt, pending);
  const releases = routings.map((routing) => ({ routing, at: routing.status === RoutingStatus.DECLINED ? routing.decidedAt! : routing.dueAt }));
  const later = releases.filter((release) => calendarDay(new Date(release.at)) > draft.imposedOn).sort((a, b) => b.at.localeCompare(a.at));
  if (later.length > 0) throw blocking('IMPOSED_BEFORE_RELEASE', later[0]!.routing, later[0]!.at, later.map((release) => release.routing));
  return routings;
}

async function linkRelated(em: EntityManager, id: string, signalIds: readonly string[], visitIds: readonly string[]): Promise<void> {
  if (signalIds.length > 0) {
    await run(em, sqlf`insert into enforcement_action_signal (enforcement_action_id, signal_id) select ${id}, unnest(${signalIds}::uuid[])`);
  }
  if (visitIds.length > 0) {
    await run(em, sqlf`insert into enforcement_action_visit (enforcement_action_id, visit_id) select ${id}, unnest(${visitIds}::uuid[])`);
  }
}
