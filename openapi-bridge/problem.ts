import type { GraphQLFormattedError } from 'graphql';
import type { JsonSchema } from './json-schema.js';

/**
 * Errors as `application/problem+json` (RFC 9457), the NL API Design Rules' error format. The GraphQL error codes
 * of the contract map onto HTTP statuses; validation problems are listed all at once in `invalidParams`.
 */
export interface InvalidParam {
  name: string;
  reason: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  invalidParams?: InvalidParam[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** At most this many invalid params in one answer. */
export const MAX_INVALID_PARAMS = 50;

const STATUS: Record<string, { status: number; title: string }> = {
  BAD_USER_INPUT: { status: 400, title: 'Bad Request' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, title: 'Bad Request' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not Found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  SAMENLOOP_CONFLICT: { status: 409, title: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload Too Large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type' },
  TOO_MANY_REQUESTS: { status: 429, title: 'Too Many Requests' },
  REQUEST_TOO_EXPENSIVE: { status: 400, title: 'Bad Request' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service Unavailable' },
  INTERNAL_SERVER_ERROR: { status: 500, title: 'Internal Server Error' },
};

/** The same words whatever the reason: which check a token failed is the log's, not the caller's. */
const UNAUTHENTICATED_DETAIL = 'A valid access token is required (Authorization: Bearer <token>).';

export function problem(code: string, detail: string, instance: string, invalidParams?: InvalidParam[]): Problem {
  const known = STATUS[code] ?? STATUS.INTERNAL_SERVER_ERROR!;
  return {
    type: `urn:samenloop:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: known.title,
    status: known.status,
    detail,
    instance,
    code: STATUS[code] ? code : 'INTERNAL_SERVER_ERROR',
    ...(invalidParams && invalidParams.length > 0 ? { invalidParams } : {}),
  };
}

/**
 * A problem for the first error of a GraphQL answer. Input field paths lose their GraphQL prefix (`input.` for a
 * body, `input[3].` for an item of a bulk body), so they name the JSON the client sent. A record that is missing or
 * invisible answers with the same words: only `instance` (the request path) differs.
 */
export function problemOf(error: GraphQLFormattedError, instance: string, inputPrefix: RegExp = /^input\.?/): Problem {
  const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  if (code === 'UNAUTHENTICATED') return problem(code, UNAUTHENTICATED_DETAIL, instance);
  if (code === 'NOT_FOUND') return problem(code, `No ${String(error.extensions?.resourceType ?? 'record')} with this id was found.`, instance);
  const listed = (error.extensions?.problems as InvalidParam[] | undefined) ?? undefined;
  // GraphQL's own refusal of a variable ('Variable "$input" got invalid value … at "input.occurredAt"; …') names its field.
  const coercion = /^Variable "\$\w+" got invalid value .*? at "([^"]+)"; (.*)$/s.exec(error.message);
  if (code === 'BAD_USER_INPUT' && !listed && coercion) {
    return problem(code, 'The request is not valid: see invalidParams.', instance, [{ name: coercion[1]!.replace(inputPrefix, '') || 'body', reason: coercion[2]!.slice(0, 300) }]);
  }
  const field = typeof error.extensions?.field === 'string' ? error.extensions.field : undefined;
  const invalid =
    code === 'BAD_USER_INPUT'
      ? (listed ?? (field ? [{ field, message: error.message }] : [])).map((entry: { field?: string; message?: string; name?: string; reason?: string }) => ({
          name: (entry.field ?? entry.name ?? '').replace(inputPrefix, '') || 'body',
          reason: entry.message ?? entry.reason ?? error.message,
        })).slice(0, MAX_INVALID_PARAMS)
      : undefined;
  const detail = STATUS[code] ? error.message : 'The request could not be completed.';
  return problem(code, detail, instance, invalid);
}

export function unauthenticated(instance: string): Problem {
  return problem('UNAUTHENTICATED', UNAUTHENTICATED_DETAIL, instance);
}

/** The problem document, as the OpenAPI document describes it. */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'An error, per RFC 9457 (application/problem+json).',
  properties: {
    type: { type: 'string', format: 'uri', description: 'What kind of problem: urn:samenloop:problem:<code>.' },
    title: { type: 'string', description: 'The HTTP status in words.' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong, for a person to read.' },
    instance: { type: 'string', description: 'The request path the problem is about.' },
    code: { type: 'string', description: 'The error code of the contract (UNAUTHENTICATED, NOT_FOUND, BAD_USER_INPUT, CONFLICT, …).' },
    invalidParams: {
      type: 'array',
      description: 'Every invalid input at once (validation problems only).',
      items: {
        type: 'object',
        properties: { name: { type: 'string', description: 'Where: a JSON path in the body, or a parameter name.' }, reason: { type: 'string' } },
        required: ['name', 'reason'],
        additionalProperties: false,
      },
    },
  },
  required: ['type', 'title', 'status', 'detail', 'instance', 'code'],
  additionalProperties: false,
};
