import { InputProblems } from '../platform/errors.js';
import { parseUuid } from '../platform/ids.js';
import { EnforcementStatus, EnforcementType } from './enforcement.enums.js';
import { ENFORCEMENT_TYPES } from './enforcement-types.js';

export const MAX_RELATED = 20;
export const MAX_NOTES = 4000;
export const MAX_LEGAL_BASIS = 200;
/** The furthest a deadline may lie after the imposition. */
export const MAX_DEADLINE_YEARS = 5;
export const EARLIEST_IMPOSED_ON = '2000-01-01';

/**
 * A legal basis names a regulation and an article: `<regulation> art. <article>[ lid <n>][ onder <letter>]`, e.g.
 * `Wkkgz art. 27`, `Awb art. 5:32`, `Wmo 2015 art. 6.3 lid 1`, `Jeugdwet art. 9.4 onder b`. Free text is refused:
 * the basis is published, and must not carry anything else (no names, no personal data).
 */
export const LEGAL_BASIS_FORMAT = /^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 .'’()-]{0,99} art\. \d{1,4}[a-z]{0,2}(?:[.:]\d{1,4}[a-z]{0,2}){0,3}(?: lid \d{1,2})?(?: onder [a-z]{1,3})?$/u;

export interface RecordFields {
  providerId: string;
  type: EnforcementType;
  legalBasis: string;
  imposedOn: string;
  deadline?: string | null;
  relatedSignalIds?: readonly string[] | null;
  relatedVisitIds?: readonly string[] | null;
  notes?: string | null;
}

export interface ActionDraft {
  providerId: string;
  type: EnforcementType;
  legalBasis: string;
  imposedOn: string;
  deadline: string | null;
  validUntil: string | null;
  signalIds: string[];
  visitIds: string[];
  notes: string | null;
}

/** Checks a measure to record; every problem is named with its field, all at once. */
export function validateRecord(input: RecordFields, today: string): ActionDraft {
  const problems = new InputProblems();
  const rule = ENFORCEMENT_TYPES[input.type];
  problems.check(rule !== undefined, 'input.type', 'Unknown type of measure.');
  const providerId = parseUuid(input.providerId);
  problems.check(providerId !== undefined, 'input.providerId', `No provider with id ${input.providerId.slice(0, 64)} was found.`);

  const legalBasis = input.legalBasis.trim().replace(/\s+/g, ' ');
  if (legalBasis.length > MAX_LEGAL_BASIS) problems.add('input.legalBasis', `legalBasis is longer than ${MAX_LEGAL_BASIS} characters.`);
  else if (!LEGAL_BASIS_FORMAT.test(legalBasis)) {
    problems.add('input.legalBasis', 'Write the legal basis as "<regulation> art. <article>", e.g. "Wkkgz art. 27" or "Awb art. 5:32 lid 1".');
  }

  const imposedOn = input.imposedOn;
  problems.check(imposedOn <= today, 'input.imposedOn', `imposedOn lies in the future (today is ${today}): record a measure once it is imposed.`);
  problems.check(imposedOn >= EARLIEST_IMPOSED_ON, 'input.imposedOn', `imposedOn lies before ${EARLIEST_IMPOSED_ON}.`);
  const deadline = input.deadline ?? null;
  if (deadline !== null) {
    problems.check(deadline >= imposedOn, 'input.deadline', 'The deadline lies before the day the measure was imposed.');
    problems.check(deadline <= addDays(imposedOn, MAX_DEADLINE_YEARS * 366), 'input.deadline', `The deadline lies more than ${MAX_DEADLINE_YEARS} years after the imposition.`);
  } else if (rule?.deadlineRequired) {
    problems.add('input.deadline', `A ${input.type} has a deadline within which the provider must comply.`);
  }

  const signalIds = relatedIds(problems, input.relatedSignalIds ?? [], 'input.relatedSignalIds', 'signal');
  const visitIds = relatedIds(problems, input.relatedVisitIds ?? [], 'input.relatedVisitIds', 'visit');
  const notes = input.notes?.trim() || null;
  problems.check((notes?.length ?? 0) <= MAX_NOTES, 'input.notes', `notes is longer than ${MAX_NOTES} characters.`);
  problems.throwIfAny();
  return {
    providerId: providerId!,
    type: input.type,
    legalBasis,
    imposedOn,
    deadline,
    validUntil: rule!.validDays !== undefined ? addDays(imposedOn, rule!.validDays) : null,
    signalIds,
    visitIds,
    notes,
  };
}

/** The statuses a caller may set (LAPSED is derived, ACTIVE is where every measure starts). */
export const SETTABLE_STATUSES: readonly EnforcementStatus[] = [EnforcementStatus.COMPLIED, EnforcementStatus.WITHDRAWN];

function relatedIds(problems: InputProblems, ids: readonly string[], field: string, what: string): string[] {
  if (ids.length > MAX_RELATED) problems.add(field, `At most ${MAX_RELATED} ${what}s.`);
  const normalised = ids.map((id) => parseUuid(id) ?? id);
  if (new Set(normalised).size !== normalised.length) problems.add(field, `A ${what} is listed more than once.`);
  ids.forEach((id, index) => {
    if (!parseUuid(id)) problems.add(`${field}[${index}]`, `No ${what} with id ${id.slice(0, 64)} was found.`);
  });
  return normalised;
}

/** A calendar day `days` after `day` (both YYYY-MM-DD). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}
