import type { Viewer } from '../access/viewer.js';
import { requireAction } from '../access/policy.js';
import { AppError, BadUserInputError, ConflictError, InputProblems, type FieldProblem } from '../platform/errors.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { SubmitOutcome } from './signal.enums.js';
import { prepareSignals, type NumberedDraft, type Prepared } from './signal-preparation.js';
import { insertSignals, storedSignals, type StoredSignal } from './signal-writes.js';
import { MAX_BULK, validateSignal, type SubmitSignalFields } from './signal.validation.js';

export interface SubmissionResult {
  index: number;
  externalId: string | null;
  outcome: SubmitOutcome;
  signalId: string | null;
  error: { code: string; field: string | null; message: string; problems?: FieldProblem[] } | null;
}

/**
 * Takes in signals, one or up to a thousand at once. Each item ends as CREATED, DUPLICATE (same submitter,
 * externalId and content as a signal already there: that signal is returned) or ERROR (invalid, or the same
 * externalId with other content: CONFLICT). Valid items are kept when others fail. All new signals of a call
 * commit together with their routings (each the outbox row of its SIGNAL_ROUTED event, routing-relay.ts) and
 * audit — in a handful of statements, whatever the size.
 */
export async function submitSignals(
  context: RequestContext,
  inputs: readonly SubmitSignalFields[],
  field = 'input',
): Promise<SubmissionResult[]> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'signal.submit');
  if (inputs.length === 0) throw new BadUserInputError(field, 'Submit at least one signal.');
  if (inputs.length > MAX_BULK) throw new BadUserInputError(field, `Submit at most ${MAX_BULK} signals at once.`);
  const now = context.now();
  const answers = new SubmissionAnswers(inputs);
  const drafts = validateDrafts(inputs, field, now, answers);
  const prepared = await prepareSignals(context, viewer, drafts, now, (index, problem) => answers.fail(index, problem));
  const { fresh, repeats } = firstOfEachExternalId(prepared);
  if (fresh.length > 0) await storeFresh(context, viewer, fresh, inputs.length === 1 ? 'submitSignal' : 'submitSignals', answers);
  answerRepeats(repeats, answers);
  return answers.results;
}

/** The answer to each item of a submission, by its index; every item is an ERROR until shown otherwise. */
class SubmissionAnswers {
  readonly results: SubmissionResult[];

  constructor(inputs: readonly SubmitSignalFields[]) {
    this.results = inputs.map((input, index) => ({
      index,
      externalId: typeof input.externalId === 'string' ? input.externalId.trim() : null,
      outcome: SubmitOutcome.ERROR,
      signalId: null,
      error: null,
    }));
  }

  fail(index: number, error: AppError | FieldProblem): void {
    this.results[index]!.error =
      error instanceof BadUserInputError
        ? { code: error.code, field: error.field, message: error.message, problems: error.problems }
        : error instanceof AppError
          ? { code: error.code, field: (error.extensions.field as string | undefined) ?? null, message: error.message }
          : { code: 'BAD_USER_INPUT', field: error.field, message: error.message };
  }

  answer(index: number, outcome: SubmitOutcome.CREATED | SubmitOutcome.DUPLICATE, signalId: string): void {
    this.results[index] = { ...this.results[index]!, outcome, signalId };
  }
}

/** Validates every item on its own; the invalid ones are answered with all their problems and go no further. */
function validateDrafts(inputs: readonly SubmitSignalFields[], field: string, now: Date, answers: SubmissionAnswers): NumberedDraft[] {
  const drafts: NumberedDraft[] = [];
  inputs.forEach((input, index) => {
    const prefix = inputs.length === 1 && field === 'input' ? 'input' : `${field}[${index}]`;
    const problems = new InputProblems();
    const draft = validateSignal(input, now, prefix, problems);
    if (problems.problems.length > 0) answers.fail(index, BadUserInputError.of(problems.problems));
    else drafts.push({ index, prefix, draft });
  });
  return drafts;
}

/** The same externalId twice in one call: the first one counts; the others are compared with it. */
function firstOfEachExternalId(prepared: readonly Prepared[]): { fresh: Prepared[]; repeats: Array<{ item: Prepared; first: Prepared }> } {
  const firstByKey = new Map<string, Prepared>();
  const fresh: Prepared[] = [];
  const repeats: Array<{ item: Prepared; first: Prepared }> = [];
  for (const item of prepared) {
    const first = firstByKey.get(item.draft.externalId);
    if (first) repeats.push({ item, first });
    else {
      firstByKey.set(item.draft.externalId, item);
      fresh.push(item);
    }
  }
  return { fresh, repeats };
}

/**
 * Stores the new signals in one transaction. An externalId the submitter already used is a DUPLICATE when the
 * content is the same (answered with the stored signal) and a CONFLICT otherwise.
 */
async function storeFresh(context: RequestContext, viewer: Viewer, fresh: readonly Prepared[], operation: string, answers: SubmissionAnswers): Promise<void> {
  await inTransaction(context, async (em) => {
    context.log.debug({ signals: fresh.length }, 'signal batch: transaction started');
    const inserted = await insertSignals(context, em, viewer, fresh);
    const existing = fresh.filter((item) => !inserted.has(item.draft.externalId));
    const stored = await storedSignals(em, viewer, existing.map((item) => item.draft.externalId));
    for (const item of fresh) {
      if (inserted.has(item.draft.externalId)) {
        answers.answer(item.index, SubmitOutcome.CREATED, item.id);
      } else {
        const match = stored.get(item.draft.externalId)!;
        if (match.contentHash.equals(item.contentHash)) answers.answer(item.index, SubmitOutcome.DUPLICATE, match.id);
        else answers.fail(item.index, conflict(item.draft.externalId));
      }
    }
    auditStored(context, viewer, operation, fresh.filter((item) => inserted.has(item.draft.externalId)), fresh.length, stored, answers);
  });
}

/** Audits the signals created, and — a duplicate answers with the stored signal and its routings — the ones read. */
function auditStored(
  context: RequestContext,
  viewer: Viewer,
  operation: string,
  created: readonly Prepared[],
  fresh: number,
  stored: ReadonlyMap<string, StoredSignal>,
  answers: SubmissionAnswers,
): void {
  if (created.length > 0) {
    context.audit.record({
      operation,
      resourceType: 'Signal',
      resources: created.map((item) => ({ id: item.id, owners: [viewer.organisation, ...item.routings.map((routing) => routing.recipient)] })),
      details: { created: created.length, duplicates: fresh - created.length },
    });
  }
  const returned = new Set(answers.results.filter((result) => result.outcome === SubmitOutcome.DUPLICATE).map((result) => result.signalId));
  const duplicates = [...stored.values()].filter((match) => returned.has(match.id));
  if (duplicates.length > 0) {
    context.audit.record({
      operation,
      resourceType: 'Signal',
      resources: duplicates.map((match) => ({ id: match.id, owners: [viewer.organisation, ...match.recipients] })),
      details: { duplicates: duplicates.length },
    });
  }
}

/** A repeat within the call answers like its first: the same signal when the content is the same, else CONFLICT. */
function answerRepeats(repeats: ReadonlyArray<{ item: Prepared; first: Prepared }>, answers: SubmissionAnswers): void {
  for (const { item, first } of repeats) {
    const firstResult = answers.results[first.index]!;
    if (firstResult.signalId && first.contentHash.equals(item.contentHash)) answers.answer(item.index, SubmitOutcome.DUPLICATE, firstResult.signalId);
    else answers.fail(item.index, conflict(item.draft.externalId));
  }
}

/** One signal: the same as a bulk call of one, but a failure is the answer's error. */
export async function submitSignal(
  context: RequestContext,
  input: SubmitSignalFields,
): Promise<{ signalId: string; duplicate: boolean }> {
  const [result] = await submitSignals(context, [input]);
  if (result!.outcome === SubmitOutcome.ERROR) {
    const error = result!.error!;
    if (error.code === 'CONFLICT') throw conflict(result!.externalId ?? '');
    throw new BadUserInputError(error.field ?? 'input', error.message, error.problems);
  }
  return { signalId: result!.signalId!, duplicate: result!.outcome === SubmitOutcome.DUPLICATE };
}

function conflict(externalId: string): ConflictError {
  return new ConflictError(`externalId ${externalId.slice(0, 200)} was already used for a signal with different content.`, {
    field: 'externalId',
  });
}
