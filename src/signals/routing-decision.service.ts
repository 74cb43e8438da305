import type { EntityManager } from '@mikro-orm/postgresql';
import { requireAction } from '../access/policy.js';
import { signalVisibleSql } from '../access/signal-scope.js';
import type { Viewer } from '../access/viewer.js';
import { run, sqlf } from '../platform/database/sql.js';
import { ConflictError, ForbiddenError, InputProblems, NotFoundError } from '../platform/errors.js';
import { parseUuid, uuidv7 } from '../platform/ids.js';
import { EventResourceType, EventType, publishEvents } from '../notifications/index.js';
import { asOrganisation, inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { lockRoutings } from './prosecution.js';
import { RoutingOutcome } from './signal.enums.js';
import { routingsOfSignal, signalById } from './signal.loaders.js';
import { MAX_SUMMARY } from './signal.validation.js';

interface DecisionInput {
  routingId: string;
  signalId?: string | null;
  outcome: RoutingOutcome;
  note?: string | null;
}

/** The routing decided on, with what telling the others and auditing needs. */
interface DecidedRouting {
  id: string;
  signalId: string;
  recipient: string;
  source: string;
}

/**
 * The recipient decides on a routing: ACCEPT, DECLINE (with a note) or JOINT. A decision is appended once and
 * never changed; a second one is refused. Late decisions (after the due date) are still taken.
 */
export async function decideRouting(context: RequestContext, input: DecisionInput): Promise<{ routingId: string; signalId: string }> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'signal.decide');
  const note = checkedNote(input);
  const routing = await routingToDecide(context, viewer, input);
  await inTransaction(context, async (em) => {
    // Queue behind a fine that is checking this routing's state at this moment (una via), and vice versa.
    await lockRoutings(em, [routing.id]);
    await appendDecision(context, em, viewer, routing, input.outcome, note);
    await tellOthers(context, em, viewer, routing);
    context.audit.record({
      operation: 'decideRouting',
      resourceType: 'SignalRouting',
      resources: [routing.id, routing.signalId].map((id) => ({ id, owners: [routing.source, routing.recipient] })),
      details: { outcome: input.outcome },
    });
  });
  signalById(context).clear(routing.signalId);
  routingsOfSignal(context).clearAll();
  return { routingId: routing.id, signalId: routing.signalId };
}

/** The outcome is known, a decline says why, the note fits; returns the note, trimmed (null when empty). */
function checkedNote(input: DecisionInput): string | null {
  const problems = new InputProblems();
  const note = input.note?.trim() || null;
  problems.check(Object.values(RoutingOutcome).includes(input.outcome), 'input.outcome', 'Unknown outcome.');
  if (input.outcome === RoutingOutcome.DECLINE) problems.check(note !== null, 'input.note', 'Say why you decline (note).');
  problems.check((note?.length ?? 0) <= MAX_SUMMARY, 'input.note', `note is longer than ${MAX_SUMMARY} characters.`);
  problems.throwIfAny();
  return note;
}

/** The routing, when the viewer may see its signal and is its recipient; otherwise NOT_FOUND or FORBIDDEN. */
async function routingToDecide(context: RequestContext, viewer: Viewer, input: DecisionInput): Promise<DecidedRouting> {
  const routingId = parseUuid(input.routingId);
  const [routing] = routingId
    ? await asOrganisation(context, (em) => run<DecidedRouting>(
        em,
        sqlf`select r.id, r.signal_id as "signalId", r.recipient, s.source_organisation as source
          from signal_routing r join signal s on s.id = r.signal_id where r.id = ${routingId}::uuid and ${signalVisibleSql(viewer, 's')}`,
      ))
    : [];
  // A routing asked for under another signal (the REST path /signals/{id}/routings/{routingId}) does not exist there.
  if (!routing || (input.signalId && parseUuid(input.signalId) !== routing.signalId)) throw new NotFoundError('routing', input.routingId.slice(0, 64));
  if (routing.recipient !== viewer.organisation) {
    throw new ForbiddenError(`Only the recipient (${routing.recipient}) decides on this routing.`);
  }
  return routing;
}

/** Appends the decision, once: a routing already decided is a CONFLICT. */
async function appendDecision(
  context: RequestContext,
  em: EntityManager,
  viewer: Viewer,
  routing: DecidedRouting,
  outcome: RoutingOutcome,
  note: string | null,
): Promise<void> {
  const decided = await run(
    em,
    sqlf`insert into routing_decision (id, routing_id, outcome, note, decided_by_organisation, decided_by_sub, decided_at)
      values (${uuidv7()}, ${routing.id}, ${outcome}, ${note}, ${viewer.organisation}, ${viewer.sub}, ${context.now()})
      on conflict (routing_id) do nothing returning id`,
  );
  if (decided.length === 0) throw new ConflictError('This routing was already decided; a decision is never changed.', { routingId: routing.id });
}

/** ROUTING_DECIDED to the submitter and the other recipients (una via and joint tracks depend on the outcome). */
async function tellOthers(context: RequestContext, em: EntityManager, viewer: Viewer, routing: DecidedRouting): Promise<void> {
  const told = await run<{ code: string }>(
    em,
    sqlf`select ${routing.source}::text as code union select recipient from signal_routing where signal_id = ${routing.signalId}::uuid`,
  );
  await publishEvents(
    em,
    told
      .filter((row) => row.code !== viewer.organisation)
      .map((row) => ({ type: EventType.ROUTING_DECIDED, organisation: row.code, resourceType: EventResourceType.Signal, resourceId: routing.signalId })),
    context.now(),
  );
}
