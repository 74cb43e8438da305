import { BadUserInputError } from '../errors.js';

/** How many items a page holds when the caller does not say, and at most. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new BadUserInputError('first', `first must be between 1 and ${max}.`);
  }
  return first;
}
