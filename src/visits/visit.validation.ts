import { isOrganisationCode, organisationKindOf, OrganisationKind } from '../access/organisations.js';
import { InputProblems } from '../platform/errors.js';
import { parseUuid } from '../platform/ids.js';
import type { TimeRange } from '../platform/database/tstzrange.js';
import { addCalendarDays } from '../platform/time.js';
import { VisitKind } from './visit.enums.js';

export const MAX_WINDOW_DAYS = 14;
export const MAX_DAYS_AHEAD = 730;
export const MAX_PROVIDERS = 20;
export const MAX_THEMES = 20;
export const MAX_SHARED_WITH = 20;
export const MAX_MERGE = 20;
/** How many conflicts one visit lists at most (planVisit's answer shows at most this many open ones). */
export const MAX_CONFLICTS = 100;
/** How many history entries one visit lists: the most recent. */
export const MAX_HISTORY = 100;
export const MAX_PARTICIPANTS = 20;
export const MAX_THEME_LENGTH = 60;
export const MAX_TEXT = 4_000;
/** A window must end after it starts, last at most 14 calendar days and start within two years from now. */
export function checkWindow(problems: InputProblems, start: Date, end: Date, now: Date, field = 'input'): TimeRange {
  const valid = (date: Date) => date instanceof Date && !Number.isNaN(date.getTime());
  if (!valid(start)) problems.add(`${field}.start`, 'start is not a valid date-time.');
  if (!valid(end)) problems.add(`${field}.end`, 'end is not a valid date-time.');
  if (valid(start) && valid(end)) {
    if (end.getTime() <= start.getTime()) problems.add(`${field}.end`, 'end must lie after start.');
    else if (!(end.getTime() <= addCalendarDays(start, MAX_WINDOW_DAYS).getTime())) {
      problems.add(`${field}.end`, `A visit window lasts at most ${MAX_WINDOW_DAYS} days.`);
    }
    if (start.getTime() > addCalendarDays(now, MAX_DAYS_AHEAD).getTime()) {
      problems.add(`${field}.start`, 'A visit can be planned at most two years ahead.');
    }
  }
  return { start, end };
}

/** A list of ids: present, not too many, no duplicates; malformed ids are reported like unknown ones. */
export function checkIds(problems: InputProblems, ids: readonly string[], field: string, what: string, max: number): string[] {
  if (ids.length === 0) problems.add(field, `Name at least one ${what}.`);
  if (ids.length > max) problems.add(field, `At most ${max} ${what}s.`);
  if (new Set(ids).size !== ids.length) problems.add(field, `${capitalise(what)}s are listed more than once.`);
  const normalised = ids.map((id) => parseUuid(id) ?? id);
  if (new Set(normalised).size !== new Set(ids).size) problems.add(field, `${capitalise(what)}s are listed more than once.`);
  ids.forEach((id, index) => {
    if (!parseUuid(id)) problems.add(`${field}[${index}]`, `No ${what} with id ${id.slice(0, 64)} was found.`);
  });
  return normalised;
}

export function checkText(problems: InputProblems, value: string | null | undefined, field: string, required: boolean): string | null {
  const text = value?.trim() ?? '';
  if (required && text === '') problems.add(field, `${lastSegment(field)} must not be empty.`);
  if (text.length > MAX_TEXT) problems.add(field, `${lastSegment(field)} is longer than ${MAX_TEXT} characters.`);
  return text === '' ? null : text;
}

export interface PlanDraft {
  providerIds: string[];
  locationId: string | null;
  window: TimeRange;
  announced: boolean;
  kind: VisitKind;
  themes: string[];
  notes: string | null;
  sharedWith: string[];
}

export interface PlanFields {
  providerIds: readonly string[];
  locationId?: string | null;
  start: Date;
  end: Date;
  announced?: boolean | null;
  kind: VisitKind;
  themes?: readonly string[] | null;
  notes?: string | null;
  sharedWith?: readonly string[] | null;
}

/** Everything about a new visit that can be checked without the database, all problems at once. */
export function validatePlan(input: PlanFields, now: Date, ownOrganisation: string): PlanDraft {
  const problems = new InputProblems();
  const providerIds = checkIds(problems, input.providerIds, 'input.providerIds', 'provider', MAX_PROVIDERS);
  const locationId = input.locationId ? (parseUuid(input.locationId) ?? input.locationId) : null;
  if (locationId !== null && !parseUuid(locationId)) problems.add('input.locationId', `No location with id ${locationId.slice(0, 64)} was found.`);
  const window = checkWindow(problems, input.start, input.end, now);
  if (!Object.values(VisitKind).includes(input.kind)) problems.add('input.kind', `${String(input.kind)} is not a visit kind.`);

  const themes = (input.themes ?? []).map((theme) => theme.trim());
  if (themes.length > MAX_THEMES) problems.add('input.themes', `At most ${MAX_THEMES} themes.`);
  themes.forEach((theme, index) => {
    if (theme === '') problems.add(`input.themes[${index}]`, 'A theme must not be empty.');
    if (theme.length > MAX_THEME_LENGTH) problems.add(`input.themes[${index}]`, `A theme is at most ${MAX_THEME_LENGTH} characters.`);
  });
  if (new Set(themes.map((theme) => theme.toLowerCase())).size !== themes.length) problems.add('input.themes', 'Themes are listed more than once.');
  const notes = checkText(problems, input.notes, 'input.notes', false);

  const sharedWith = [...(input.sharedWith ?? [])].map((code) => code.trim());
  if (sharedWith.length > MAX_SHARED_WITH) problems.add('input.sharedWith', `At most ${MAX_SHARED_WITH} organisations.`);
  if (new Set(sharedWith).size !== sharedWith.length) problems.add('input.sharedWith', 'Organisations are listed more than once.');
  sharedWith.forEach((code, index) => {
    const field = `input.sharedWith[${index}]`;
    if (!isOrganisationCode(code)) problems.add(field, `${code.slice(0, 32)} is not an organisation.`);
    else if (code === ownOrganisation) problems.add(field, 'Your own organisation has the detail view already.');
    else if (organisationKindOf(code) === OrganisationKind.PROSECUTION) problems.add(field, 'The OM takes no part in visit planning.');
  });

  problems.throwIfAny();
  return { providerIds, locationId, window, announced: input.announced ?? true, kind: input.kind, themes, notes, sharedWith };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lastSegment(field: string): string {
  return field.slice(field.lastIndexOf('.') + 1);
}
