import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isMunicipalityCode } from '../access/organisations.js';
import { requireAction } from '../access/policy.js';
import { providerVisibleSql } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { canonicalJson } from '../audit/canonical.js';
import { ensureOrganisationRow } from '../organisations/index.js';
import { run, sqlf } from '../platform/database/sql.js';
import { AppError, BadUserInputError, ConflictError, InputProblems, type FieldProblem } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { calendarDay } from '../platform/time.js';
import type { Sector } from '../providers/index.js';
import { inTransaction, requireViewer, type RequestContext } from '../request-context.js';
import { pseudonymOf } from './pseudonym.js';
import { routeSignal, type PlannedRouting } from './routing.js';
import { insertRoutings } from './routing-writes.js';
import { ruleSetValidOn } from './routing-rules.js';
import { SubmitOutcome } from './signal.enums.js';
import { MAX_BULK, validateSignal, type RefKind, type SignalDraft, type SubmitSignalFields } from './signal.validation.js';


export interface SubmissionResult {
  index: number;
  externalId: string | null;
  outcome: SubmitOutcome;
  signalId: string | null;
  error: { code: string; field: string | null; message: string; problems?: FieldProblem[] } | null;
}

interface ResolvedProvider {
  id: string;
  kvkNumber: string | null;
  kboNumber: string | null;
  agbCode: string | null;
  sectors: Sector[];
  locations: Array<{ country: string; municipalityCode: string | null; region: string | null; registeredBy: string }>;
}

interface Prepared {
  index: number;
  id: string;
  draft: SignalDraft;
  providerIds: string[];
  pseudonym: Buffer | null;
  contentHash: Buffer;
  routings: PlannedRouting[];
}

/**
 * Takes in signals, one or up to a thousand at once. Each item ends as CREATED, DUPLICATE (same submitter,
 * externalId and content as a signal already there: that signal is returned) or ERROR (invalid, or the same
 * externalId with other content: CONFLICT). Valid items are kept when others fail. All new signals of a call
 * commit together with their routings, outbox events and audit — in a handful of statements, whatever the size.
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
  const results: SubmissionResult[] = inputs.map((input, index) => ({
    index,
    externalId: typeof input.externalId === 'string' ? input.externalId.trim() : null,
    outcome: SubmitOutcome.ERROR,
    signalId: null,
    error: null,
  }));
  const fail = (index: number, error: AppError | FieldProblem) => {
    results[index]!.error =
      error instanceof BadUserInputError
        ? { code: error.code, field: error.field, message: error.message, problems: error.problems }
        : error instanceof AppError
          ? { code: error.code, field: (error.extensions.field as string | undefined) ?? null, message: error.message }
          : { code: 'BAD_USER_INPUT', field: error.field, message: error.message };
  };

  const drafts: Array<{ index: number; draft: SignalDraft }> = [];
  inputs.forEach((input, index) => {
    const problems = new InputProblems();
    const draft = validateSignal(input, now, inputs.length === 1 && field === 'input' ? 'input' : `${field}[${index}]`, problems);
    if (problems.problems.length > 0) fail(index, BadUserInputError.of(problems.problems));
    else drafts.push({ index, draft });
  });

  const providers = await resolveProviders(context.em, viewer, drafts.map((item) => item.draft));
  const rules = ruleSetValidOn(calendarDay(now));
  const prepared: Prepared[] = [];
  for (const { index, draft } of drafts) {
    const prefix = inputs.length === 1 && field === 'input' ? 'input' : `${field}[${index}]`;
    const resolved = draft.refs.map((ref) => providers.lookup(ref.kind, ref.value));
    const problem = resolved.findIndex((match) => match.length !== 1);
    if (problem >= 0) {
      const ref = draft.refs[problem]!;
      const message =
        resolved[problem]!.length === 0
          ? `No provider with ${describe(ref.kind)} ${ref.value} was found.`
          : `More than one provider has AGB code ${ref.value}; name it by kvkNumber or kboNumber.`;
      fail(index, { field: `${prefix}.providers[${problem}].${ref.kind}`, message });
      continue;
    }
    const named = [...new Map(resolved.map((match) => [match[0]!.id, match[0]!])).values()];
    const pseudonym = draft.subjectBsn ? pseudonymOf(context.settings.pseudonymKey, draft.subjectBsn) : null;
    const providerIds = named.map((provider) => provider.id).sort();
    prepared.push({
      index,
      id: uuidv7(now.getTime()),
      draft,
      providerIds,
      pseudonym,
      contentHash: contentHash(draft, providerIds, pseudonym),
      routings: routeSignal({
        category: draft.category,
        severity: draft.severity,
        possibleCriminalOffence: draft.possibleCriminalOffence,
        submitter: viewer.organisation,
        submitterKind: viewer.kind,
        providers: named,
      }, rules),
    });
  }

  // The same externalId twice in one call: the first one counts; the others are compared with it.
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

  if (fresh.length > 0) {
    await inTransaction(context, async (em) => {
      context.log.debug({ signals: fresh.length }, 'signal batch: transaction started');
      const inserted = await insertSignals(context, em, viewer, fresh);
      const existing = fresh.filter((item) => !inserted.has(item.draft.externalId));
      const stored = await storedSignals(em, viewer, existing.map((item) => item.draft.externalId));
      for (const item of fresh) {
        const result = results[item.index]!;
        if (inserted.has(item.draft.externalId)) {
          result.outcome = SubmitOutcome.CREATED;
          result.signalId = item.id;
        } else {
          const match = stored.get(item.draft.externalId)!;
          if (match.contentHash.equals(item.contentHash)) {
            result.outcome = SubmitOutcome.DUPLICATE;
            result.signalId = match.id;
          } else fail(item.index, conflict(item.draft.externalId));
        }
      }
      const operation = inputs.length === 1 ? 'submitSignal' : 'submitSignals';
      const created = fresh.filter((item) => inserted.has(item.draft.externalId));
      if (created.length > 0) {
        context.audit.record({
          operation,
          resourceType: 'Signal',
          resources: created.map((item) => ({ id: item.id, owners: [viewer.organisation, ...item.routings.map((routing) => routing.recipient)] })),
          details: { created: created.length, duplicates: fresh.length - created.length },
        });
      }
      // A duplicate answers with the stored signal and its routings: that is a read of them, and audited as one.
      const returned = new Set(results.filter((result) => result.outcome === SubmitOutcome.DUPLICATE).map((result) => result.signalId));
      const duplicates = [...stored.values()].filter((match) => returned.has(match.id));
      if (duplicates.length > 0) {
        context.audit.record({
          operation,
          resourceType: 'Signal',
          resources: duplicates.map((match) => ({ id: match.id, owners: [viewer.organisation, ...match.recipients] })),
          details: { duplicates: duplicates.length },
        });
      }
    });
  }
  for (const { item, first } of repeats) {
    const firstResult = results[first.index]!;
    if (firstResult.signalId && first.contentHash.equals(item.contentHash)) {
      results[item.index] = { ...results[item.index]!, outcome: SubmitOutcome.DUPLICATE, signalId: firstResult.signalId };
    } else fail(item.index, conflict(item.draft.externalId));
  }
  return results;
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

function describe(kind: RefKind): string {
  return { id: 'id', kvkNumber: 'KvK number', kboNumber: 'KBO number', agbCode: 'AGB code' }[kind];
}

/** The fingerprint of what was submitted, to tell an identical resubmission from a conflicting one. */
function contentHash(draft: SignalDraft, providerIds: string[], pseudonym: Buffer | null): Buffer {
  return createHash('sha256')
    .update(
      canonicalJson({
        externalId: draft.externalId,
        category: draft.category,
        severity: draft.severity,
        possibleCriminalOffence: draft.possibleCriminalOffence,
        providers: providerIds,
        occurredAt: draft.occurredAt.toISOString(),
        summary: draft.summary,
        subject: pseudonym?.toString('hex') ?? null,
      }),
    )
    .digest();
}

/** All providers the drafts name, within the submitter's reach, in one query. */
async function resolveProviders(em: EntityManager, viewer: Viewer, drafts: readonly SignalDraft[]) {
  const values = (kind: RefKind) => [...new Set(drafts.flatMap((draft) => draft.refs.filter((ref) => ref.kind === kind).map((ref) => ref.value)))];
  const rows =
    drafts.length === 0
      ? []
      : await run<ResolvedProvider>(
          em,
          sqlf`select p.id, p.kvk_number as "kvkNumber", p.kbo_number as "kboNumber", p.agb_code as "agbCode", p.sectors,
              coalesce((select json_agg(json_build_object('country', l.country, 'municipalityCode', l.municipality_code,
                          'region', l.region, 'registeredBy', l.registered_by))
                        from location l where l.provider_id = p.id), '[]') as locations
            from provider p
            where (p.id = any(${values('id')}::uuid[]) or p.kvk_number = any(${values('kvkNumber')}::text[])
                   or p.kbo_number = any(${values('kboNumber')}::text[]) or p.agb_code = any(${values('agbCode')}::text[]))
              and ${providerVisibleSql(viewer, 'p.id')}`,
        );
  const key: Record<RefKind, (provider: ResolvedProvider) => string | null> = {
    id: (provider) => provider.id,
    kvkNumber: (provider) => provider.kvkNumber,
    kboNumber: (provider) => provider.kboNumber,
    agbCode: (provider) => provider.agbCode,
  };
  return {
    lookup: (kind: RefKind, value: string) => rows.filter((provider) => key[kind](provider) === value),
  };
}

/** Inserts the signals that are new; returns the externalIds that were inserted (the others already exist). */
async function insertSignals(context: RequestContext, em: EntityManager, viewer: Viewer, items: readonly Prepared[]): Promise<Set<string>> {
  const now = context.now();
  if (isMunicipalityCode(viewer.organisation)) await ensureOrganisationRow(em, viewer.organisation);
  const recipients = new Set(items.flatMap((item) => item.routings.map((routing) => routing.recipient)));
  for (const code of recipients) if (isMunicipalityCode(code)) await ensureOrganisationRow(em, code);

  const rows = await run<{ externalId: string }>(
    em,
    sqlf`insert into signal (id, source_organisation, external_id, content_hash, category, severity, possible_criminal_offence,
          occurred_at, received_at, summary, subject_pseudonym, submitted_by)
        select r.id, ${viewer.organisation}, r.external_id, decode(r.content_hash, 'hex'), r.category, r.severity, r.possible_criminal_offence,
          r.occurred_at, ${now}, r.summary, decode(r.subject_pseudonym, 'hex'), ${viewer.sub}
        from jsonb_to_recordset(${JSON.stringify(
          items.map((item) => ({
            id: item.id,
            external_id: item.draft.externalId,
            content_hash: item.contentHash.toString('hex'),
            category: item.draft.category,
            severity: item.draft.severity,
            possible_criminal_offence: item.draft.possibleCriminalOffence,
            occurred_at: item.draft.occurredAt.toISOString(),
            summary: item.draft.summary,
            subject_pseudonym: item.pseudonym?.toString('hex') ?? null,
          })),
        )}::jsonb) as r(id uuid, external_id text, content_hash text, category text, severity text, possible_criminal_offence boolean,
          occurred_at timestamptz, summary text, subject_pseudonym text)
        on conflict (source_organisation, external_id) do nothing
        returning external_id as "externalId"`,
  );
  const inserted = new Set(rows.map((row) => row.externalId));
  const created = items.filter((item) => inserted.has(item.draft.externalId));
  if (created.length === 0) return inserted;

  await run(
    em,
    sqlf`insert into signal_provider (signal_id, provider_id)
      select r.signal_id, r.provider_id from jsonb_to_recordset(${JSON.stringify(
        created.flatMap((item) => item.providerIds.map((providerId) => ({ signal_id: item.id, provider_id: providerId }))),
      )}::jsonb) as r(signal_id uuid, provider_id uuid)`,
  );
  await insertRoutings(
    em,
    created.flatMap((item) => item.routings.map((routing) => ({ signalId: item.id, ...routing }))),
    now,
  );
  return inserted;
}

async function storedSignals(em: EntityManager, viewer: Viewer, externalIds: readonly string[]) {
  if (externalIds.length === 0) return new Map<string, { id: string; contentHash: Buffer; recipients: string[] }>();
  const rows = await run<{ id: string; externalId: string; contentHash: Buffer; recipients: string[] }>(
    em,
    sqlf`select s.id, s.external_id as "externalId", s.content_hash as "contentHash",
        array(select r.recipient from signal_routing r where r.signal_id = s.id order by r.recipient) as recipients
      from signal s where s.source_organisation = ${viewer.organisation} and s.external_id = any(${externalIds}::text[])`,
  );
  return new Map(rows.map((row) => [row.externalId, row]));
}
