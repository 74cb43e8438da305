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
import { lockRoutings, prosecutionRoutingsOf, reportToProsecution, RoutingStatus, type RoutingRow } from '../signals/index.js';
import { EnforcementStatus, type EnforcementType } from './enforcement.enums.js';
import { SamenloopConflictError } from './enforcement.errors.js';
import { ENFORCEMENT_TYPES } from './enforcement-types.js';
import { validateRecord, type ActionDraft, type RecordFields } from './enforcement.validation.js';

/** OM routings in these states have released the facts for an administrative fine (Awb 5:44). */
const RELEASED: ReadonlySet<RoutingStatus> = new Set([RoutingStatus.DECLINED, RoutingStatus.EXPIRED]);

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
  await checkRelations(context, viewer, draft, rule.reportsToOm);

  const id = uuidv7(now.getTime());
  return inTransaction(context, async (em) => {
    const release = rule.needsOmRelease ? await requireOmRelease(em, viewer, draft.signalIds, now) : [];
    await ensureOrganisationRow(em, viewer.organisation);
    await run(
      em,
      sqlf`insert into enforcement_action (id, organisation, provider_id, type, legal_basis, imposed_on, deadline, valid_until, notes,
          recorded_by_sub, recorded_at, published_at, published_by_sub)
        values (${id}, ${viewer.organisation}, ${draft.providerId}, ${draft.type}, ${draft.legalBasis}, ${draft.imposedOn}::date,
          ${draft.deadline}::date, ${draft.validUntil}::date, ${draft.notes}, ${viewer.sub}, ${now},
          ${rule.publishedOnRecording ? now : null}, ${rule.publishedOnRecording ? viewer.sub : null})`,
    );
    const report = rule.reportsToOm
      ? await reportToProsecution(context, em, { reportId: id, providerId: draft.providerId, signalIds: draft.signalIds, legalBasis: draft.legalBasis, imposedOn: draft.imposedOn })
      : undefined;
    await linkRelated(em, id, report?.signalIds ?? draft.signalIds, draft.visitIds);
    await run(
      em,
      sqlf`insert into enforcement_action_status (enforcement_action_id, status, note, changed_by_organisation, changed_by_sub, changed_at)
        values (${id}, ${EnforcementStatus.ACTIVE}, null, ${viewer.organisation}, ${viewer.sub}, ${now})`,
    );
    await announce(em, id, viewer.organisation, rule.publishedOnRecording ? ['enforcement.recorded', 'enforcement.published'] : ['enforcement.recorded'], now);
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
    return id;
  });
}

function notRecordedBy(type: EnforcementType): string {
  return type === 'VEILIGHEIDSMAATREGEL'
    ? 'Only Zorginspectie takes a VEILIGHEIDSMAATREGEL.'
    : `Your organisation does not record measures of type ${type} here.`;
}

/**
 * The provider must be within reach (a municipality: in its territory), an AANGIFTE's in the Netherlands (the
 * Dutch OM), and every related signal and visit visible to the caller and about that provider. What the caller
 * cannot see answers exactly like what does not exist.
 */
async function checkRelations(context: RequestContext, viewer: Viewer, draft: ActionDraft, reportsToOm: boolean): Promise<void> {
  const problems = new InputProblems();
  const provider = await findVisibleProvider(context.em, viewer, draft.providerId);
  if (!provider) problems.add('input.providerId', `No provider with id ${draft.providerId} was found.`);
  else if (reportsToOm) {
    const [dutch] = await run<{ dutch: boolean }>(context.em, sqlf`select exists (select 1 from location where provider_id = ${provider.id} and country = 'NL') as dutch`);
    problems.check(dutch!.dutch, 'input.providerId', 'An AANGIFTE goes to the Dutch OM: the provider needs a location in the Netherlands.');
  }
  const signals = await asOrganisation(context, (em) =>
    run<{ id: string; concerns: boolean }>(
      em,
      sqlf`select s.id, exists (select 1 from signal_provider sp where sp.signal_id = s.id and sp.provider_id = ${draft.providerId}::uuid) as concerns
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
 * Una via (Awb 5:44): every OM routing of the related signals must have released the facts — DECLINED, or
 * EXPIRED (13 weeks without a decision). The routings are locked first and then read again, so a decision that
 * commits at this moment is either seen here or waits until this transaction is done. Returns the releases.
 */
async function requireOmRelease(em: EntityManager, viewer: Viewer, signalIds: readonly string[], now: Date): Promise<RoutingRow[]> {
  const found = await prosecutionRoutingsOf(em, viewer, signalIds, now);
  if (found.length === 0) return [];
  await lockRoutings(em, found.map((routing) => routing.id));
  const routings = await prosecutionRoutingsOf(em, viewer, signalIds, now);
  const blocking = routings.filter((routing) => !RELEASED.has(routing.status));
  if (blocking.length === 0) return routings;
  const pursued = blocking.find((routing) => routing.status !== RoutingStatus.PENDING);
  const waiting = [...blocking].sort((a, b) => b.dueAt.localeCompare(a.dueAt))[0]!;
  const named = pursued ?? waiting;
  throw new SamenloopConflictError(named.id, pursued ? null : waiting.dueAt, blocking.map((routing) => routing.id));
}

async function linkRelated(em: EntityManager, id: string, signalIds: readonly string[], visitIds: readonly string[]): Promise<void> {
  if (signalIds.length > 0) {
    await run(em, sqlf`insert into enforcement_action_signal (enforcement_action_id, signal_id) select ${id}, unnest(${signalIds}::uuid[])`);
  }
  if (visitIds.length > 0) {
    await run(em, sqlf`insert into enforcement_action_visit (enforcement_action_id, visit_id) select ${id}, unnest(${visitIds}::uuid[])`);
  }
}

/** For the notifications: a reference to the measure, never its content. */
export async function announce(em: EntityManager, id: string, organisation: string, topics: readonly string[], now: Date): Promise<void> {
  await run(
    em,
    sqlf`insert into outbox_event (topic, payload, created_at)
      select topic, jsonb_build_object('enforcementActionId', ${id}::text, 'organisation', ${organisation}::text), ${now} from unnest(${topics}::text[]) as topic`,
  );
}
