import { InputProblems } from '../platform/errors.js';
import { parseUuid } from '../platform/ids.js';
import { agbCodeProblem, bsnProblem, kboNumberProblem, kvkNumberProblem } from '../providers/index.js';
import { Severity, SignalCategory } from './signal.enums.js';

export const MAX_PROVIDER_REFS = 20;
/** Signals in one bulk call. */
export const MAX_BULK = 1_000;
export const MAX_SUMMARY = 4_000;
export const MAX_EXTERNAL_ID = 200;

export interface ProviderRef {
  id?: string | null;
  kvkNumber?: string | null;
  kboNumber?: string | null;
  agbCode?: string | null;
}

export interface SubmitSignalFields {
  externalId: string;
  category: SignalCategory;
  severity: Severity;
  possibleCriminalOffence?: boolean | null;
  providers: readonly ProviderRef[];
  occurredAt: Date;
  summary: string;
  subjectBsn?: string | null;
}

export type RefKind = 'id' | 'kvkNumber' | 'kboNumber' | 'agbCode';

export interface SignalDraft {
  externalId: string;
  category: SignalCategory;
  severity: Severity;
  possibleCriminalOffence: boolean;
  refs: Array<{ kind: RefKind; value: string }>;
  occurredAt: Date;
  summary: string;
  subjectBsn: string | null;
}

const REF_CHECKS: Record<RefKind, (value: string) => string | undefined> = {
  id: (value) => (parseUuid(value) ? undefined : 'not a provider id'),
  kvkNumber: kvkNumberProblem,
  kboNumber: kboNumberProblem,
  agbCode: agbCodeProblem,
};

/**
 * Checks one signal; every problem is reported with its field under `prefix` (e.g. `input` or `input[3]`).
 * The BSN is checked but never repeated in a message.
 */
export function validateSignal(input: SubmitSignalFields, now: Date, prefix: string, problems: InputProblems): SignalDraft {
  const externalId = checkedExternalId(input.externalId, prefix, problems);
  problems.check(Object.values(SignalCategory).includes(input.category), `${prefix}.category`, 'Unknown category.');
  problems.check(Object.values(Severity).includes(input.severity), `${prefix}.severity`, 'Unknown severity.');
  const refs = checkedProviderRefs(input.providers ?? [], prefix, problems);
  checkOccurredAt(input.occurredAt, now, prefix, problems);
  const summary = input.summary?.trim() ?? '';
  problems.check(summary.length > 0, `${prefix}.summary`, 'summary must not be empty.');
  problems.check(summary.length <= MAX_SUMMARY, `${prefix}.summary`, `summary is longer than ${MAX_SUMMARY} characters.`);
  const subjectBsn = checkedSubjectBsn(input.subjectBsn, prefix, problems);
  return {
    externalId,
    category: input.category,
    severity: input.severity,
    possibleCriminalOffence: input.possibleCriminalOffence ?? false,
    refs,
    occurredAt: input.occurredAt,
    summary,
    subjectBsn,
  };
}

/** The submitter's own key for the signal: present, not too long, printable. Returned trimmed. */
function checkedExternalId(given: string | undefined, prefix: string, problems: InputProblems): string {
  const externalId = given?.trim() ?? '';
  problems.check(externalId.length > 0, `${prefix}.externalId`, 'externalId must not be empty.');
  problems.check(externalId.length <= MAX_EXTERNAL_ID, `${prefix}.externalId`, `externalId is longer than ${MAX_EXTERNAL_ID} characters.`);
  problems.check(![...externalId].some((char) => char.charCodeAt(0) < 0x20), `${prefix}.externalId`, 'externalId contains control characters.');
  return externalId;
}

/** One to MAX_PROVIDER_REFS providers, each named by exactly one well-formed key, none twice. */
function checkedProviderRefs(providers: readonly ProviderRef[], prefix: string, problems: InputProblems): SignalDraft['refs'] {
  problems.check(providers.length > 0, `${prefix}.providers`, 'Name at least one provider.');
  problems.check(providers.length <= MAX_PROVIDER_REFS, `${prefix}.providers`, `At most ${MAX_PROVIDER_REFS} providers.`);
  const refs = providers.slice(0, MAX_PROVIDER_REFS).map((ref, index) => checkedProviderRef(ref, `${prefix}.providers[${index}]`, problems));
  const keys = refs.map((ref) => `${ref.kind}:${ref.value}`);
  problems.check(new Set(keys).size === keys.length, `${prefix}.providers`, 'A provider is named more than once.');
  return refs;
}

function checkedProviderRef(ref: ProviderRef, field: string, problems: InputProblems): { kind: RefKind; value: string } {
  const given = (Object.keys(REF_CHECKS) as RefKind[]).filter((kind) => (ref[kind]?.trim() ?? '') !== '');
  if (given.length !== 1) {
    problems.add(field, 'Give exactly one of id, kvkNumber, kboNumber or agbCode.');
    return { kind: 'id', value: '' };
  }
  const kind = given[0]!;
  const trimmed = ref[kind]!.trim();
  const value = kind === 'id' ? (parseUuid(trimmed) ?? trimmed) : trimmed;
  const problem = REF_CHECKS[kind](value);
  if (problem) problems.add(`${field}.${kind}`, `${problem.charAt(0).toUpperCase()}${problem.slice(1)} (got "${value.slice(0, 40)}").`);
  return { kind, value };
}

/** A real moment, not in the future (five minutes' leeway for clocks) and not before 1900. */
function checkOccurredAt(occurredAt: Date, now: Date, prefix: string, problems: InputProblems): void {
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) {
    problems.add(`${prefix}.occurredAt`, 'occurredAt is not a valid date-time.');
    return;
  }
  problems.check(occurredAt.getTime() <= now.getTime() + 5 * 60_000, `${prefix}.occurredAt`, 'occurredAt lies in the future.');
  problems.check(occurredAt.getUTCFullYear() >= 1900, `${prefix}.occurredAt`, 'occurredAt lies before 1900.');
}

/** The BSN, trimmed, or null when none is given; a wrong one is reported without repeating it. */
function checkedSubjectBsn(given: string | null | undefined, prefix: string, problems: InputProblems): string | null {
  const subjectBsn = given?.trim() || null;
  if (subjectBsn !== null) {
    const problem = bsnProblem(subjectBsn);
    if (problem) problems.add(`${prefix}.subjectBsn`, `subjectBsn is not a valid BSN: ${problem}.`);
  }
  return subjectBsn;
}
