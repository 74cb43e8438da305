import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import type { Viewer } from '../access/viewer.js';
import { fragment, isoTimestamp, run, sqlf } from '../platform/database/sql.js';
import { BadUserInputError, ForbiddenError, InputProblems } from '../platform/errors.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { EnforcementStatus } from './enforcement.enums.js';
import { EventType } from '../notifications/index.js';
import { announceMeasure } from './enforcement-events.js';
import { ENFORCEMENT_TYPES } from './enforcement-types.js';
import { requireVisibleAction } from './enforcement-read.service.js';
import { enforcementStatusSql } from './enforcement.queries.js';
import { MAX_NOTES, SETTABLE_STATUSES } from './enforcement.validation.js';

interface LockedAction {
  id: string;
  organisation: string;
  type: keyof typeof ENFORCEMENT_TYPES;
  publishedAt: string | null;
  status: EnforcementStatus;
}

/**
 * Publishes a measure of the caller's organisation (openbaarmaking): from then on anyone can read it, without a
 * token, without its notes or related records. Once; a withdrawn measure is not published, and an AANGIFTE never.
 */
export async function publishEnforcementAction(context: RequestContext, input: { enforcementActionId: string }): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'enforcement.record');
  const action = await requireVisibleAction(context, input.enforcementActionId, 'publishEnforcementAction');
  requireRecorder(viewer, action.organisationCode);
  return inTransaction(context, async (em) => {
    const locked = await lock(em, action.id, context.now());
    const field = 'input.enforcementActionId';
    if (!ENFORCEMENT_TYPES[locked.type].publishable) throw new BadUserInputError(field, `A ${locked.type} is not published here: what becomes public is for the OM.`);
    if (locked.publishedAt) throw new BadUserInputError(field, `This measure was already published (${locked.publishedAt.slice(0, 10)}).`);
    if (locked.status === EnforcementStatus.WITHDRAWN) throw new BadUserInputError(field, 'A withdrawn measure is not published.');
    await run(em, sqlf`update enforcement_action set published_at = ${context.now()}, published_by_sub = ${viewer.sub} where id = ${action.id}`);
    await announceMeasure(em, { id: action.id, providerId: action.provider.id, organisation: viewer.organisation }, [EventType.ENFORCEMENT_PUBLISHED], context.now());
    context.audit.record({
      operation: 'publishEnforcementAction',
      resourceType: 'EnforcementAction',
      resources: [{ id: action.id, owners: [viewer.organisation] }],
      details: { type: locked.type },
    });
    return action.id;
  });
}

/**
 * Marks a measure of the caller's organisation COMPLIED or WITHDRAWN: appended to its history, never rewriting
 * what was recorded. A withdrawn measure changes no more; a published one stays public, reading WITHDRAWN.
 */
export async function updateEnforcementActionStatus(
  context: RequestContext,
  input: { enforcementActionId: string; status: EnforcementStatus; note?: string | null },
): Promise<string> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'enforcement.record');
  const problems = new InputProblems();
  const note = input.note?.trim() || null;
  problems.check(SETTABLE_STATUSES.includes(input.status), 'input.status', `Set COMPLIED or WITHDRAWN; ${input.status} is not set by hand.`);
  problems.check((note?.length ?? 0) <= MAX_NOTES, 'input.note', `note is longer than ${MAX_NOTES} characters.`);
  if (input.status === EnforcementStatus.WITHDRAWN) problems.check(note !== null, 'input.note', 'Say why the measure is withdrawn (note).');
  problems.throwIfAny();
  const action = await requireVisibleAction(context, input.enforcementActionId, 'updateEnforcementActionStatus');
  requireRecorder(viewer, action.organisationCode);
  return inTransaction(context, async (em) => {
    const locked = await lock(em, action.id, context.now());
    const field = 'input.enforcementActionId';
    if (locked.status === EnforcementStatus.WITHDRAWN) throw new BadUserInputError(field, 'This measure was withdrawn; it does not change any more.');
    if (locked.status === input.status) throw new BadUserInputError('input.status', `This measure is already ${input.status}.`);
    await run(
      em,
      sqlf`insert into enforcement_action_status (enforcement_action_id, status, note, changed_by_organisation, changed_by_sub, changed_at)
        values (${action.id}, ${input.status}, ${note}, ${viewer.organisation}, ${viewer.sub}, ${context.now()})`,
    );
    await announceMeasure(em, { id: action.id, providerId: action.provider.id, organisation: viewer.organisation }, [EventType.ENFORCEMENT_STATUS_CHANGED], context.now());
    context.audit.record({
      operation: 'updateEnforcementActionStatus',
      resourceType: 'EnforcementAction',
      resources: [{ id: action.id, owners: [viewer.organisation] }],
      details: { from: locked.status, to: input.status },
    });
    return action.id;
  });
}

function requireRecorder(viewer: Viewer, organisation: string): void {
  if (organisation !== viewer.organisation) throw new ForbiddenError(`Only ${organisation}, which recorded this measure, changes or publishes it.`);
}

/**
 * Locks the measure's row for the rest of the transaction (changes queue behind each other), then reads its state
 * in a statement of its own: under READ COMMITTED that one sees what a change before it committed.
 */
async function lock(em: EntityManager, id: string, now: Date): Promise<LockedAction> {
  await run(em, sqlf`select id from enforcement_action where id = ${id} for update`);
  const [row] = await run<LockedAction>(
    em,
    sqlf`select e.id, e.organisation, e.type, ${fragment(isoTimestamp('e.published_at'))} as "publishedAt", ${enforcementStatusSql('e', now)} as status
      from enforcement_action e where e.id = ${id}`,
  );
  return row!;
}
