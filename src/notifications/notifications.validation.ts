import { InputProblems } from '../platform/errors.js';
import { parseUuid } from '../platform/ids.js';
import { EventType } from './event.enums.js';

export const MAX_URL_LENGTH = 2000;
export const MAX_EVENT_TYPES = Object.values(EventType).length;
export const MAX_DESCRIPTION = 500;
export const MAX_SUBSCRIPTIONS = 20;
export const MAX_ATTEMPTS_SHOWN = 100;

export interface SubscriptionDraft {
  url: string;
  eventTypes: EventType[];
  description: string | null;
}

/** The form of a subscription; where its URL may point is the target policy's (webhook-target.ts). */
export function validateSubscription(input: { url: string; eventTypes: readonly string[]; description?: string | null }, problems: InputProblems): SubscriptionDraft {
  const url = input.url.trim();
  problems.check(url.length > 0 && url.length <= MAX_URL_LENGTH, 'input.url', `A URL of 1 to ${MAX_URL_LENGTH} characters.`);
  problems.check(input.eventTypes.length > 0, 'input.eventTypes', 'Name at least one event type.');
  problems.check(new Set(input.eventTypes).size === input.eventTypes.length, 'input.eventTypes', 'An event type is listed more than once.');
  const description = input.description?.trim() || null;
  problems.check((description?.length ?? 0) <= MAX_DESCRIPTION, 'input.description', `description is longer than ${MAX_DESCRIPTION} characters.`);
  return { url, eventTypes: [...new Set(input.eventTypes)] as EventType[], description };
}

export function idOrProblem(problems: InputProblems, value: string, field: string, what: string): string {
  const id = parseUuid(value);
  if (!id) problems.add(field, `No ${what} with id ${value.slice(0, 64)} was found.`);
  return id ?? value;
}
