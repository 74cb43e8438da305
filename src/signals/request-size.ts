import { Severity, SignalCategory } from './signal.enums.js';
import { MAX_BULK, MAX_EXTERNAL_ID, MAX_PROVIDER_REFS, MAX_SUMMARY } from './signal.validation.js';

/** Room for the GraphQL document and its envelope next to the variables (a document is at most 4,000 tokens). */
export const DOCUMENT_ALLOWANCE_BYTES = 64 * 1024;

/**
 * The largest legitimate request body: a bulk submission of the most signals a call may hold, each at its
 * maximum — every free text at its longest, in characters that a JSON encoder writes as `\uXXXX` escapes (six
 * bytes each; encoders such as Python's `json.dumps` do so by default), the most provider references, each by its
 * longest key. Nothing any operation accepts is larger, so the HTTP host refuses anything larger unparsed (413).
 */
export function largestSubmissionBytes(): Readonly<{ variables: number; graphql: number }> {
  largest ??= Object.freeze(measureLargestSubmission());
  return largest;
}

let largest: Readonly<{ variables: number; graphql: number }> | undefined;

/**
 * Counted from one signal, not by writing out all of them: `[`, the signals joined by `,`, `]`. Writing out the
 * whole array left about 400 MB of garbage behind at start, which the server carried until V8's first full
 * collection (the soak's memory check saw it as growth).
 */
function measureLargestSubmission(): { variables: number; graphql: number } {
  const escaped = (length: number) => '\u20ac'.repeat(length);
  const signal = {
    externalId: escaped(MAX_EXTERNAL_ID),
    category: longest(Object.values(SignalCategory)),
    severity: longest(Object.values(Severity)),
    possibleCriminalOffence: false,
    providers: Array.from({ length: MAX_PROVIDER_REFS }, () => ({ id: '00000000-0000-7000-8000-000000000000' })),
    occurredAt: '2026-12-01T09:00:00.000+01:00',
    summary: escaped(MAX_SUMMARY),
    subjectBsn: '123456782',
  };
  const one = Buffer.byteLength(JSON.stringify(signal).replaceAll('\u20ac', '\\u20ac'));
  const variables = 2 + MAX_BULK * one + (MAX_BULK - 1);
  return { variables, graphql: variables + DOCUMENT_ALLOWANCE_BYTES };
}

function longest(values: readonly string[]): string {
  return values.reduce((a, b) => (b.length > a.length ? b : a));
}
