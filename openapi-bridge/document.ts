import type { GraphQLSchema } from 'graphql';
import type { JsonSchema } from './json-schema.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA } from './problem.js';
import { changes } from './route-kit.js';
import type { BridgeRoute } from './routes.js';

/** The version of the REST bridge's contract (semver), sent as API-Version on every answer. */
export const API_VERSION = '1.0.0';
/** Where the bridge lives: the major version is in the path (NL API Design Rules). */
export const BRIDGE_PREFIX = '/api/v1';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: every problem at once in invalidParams.',
  401: 'No token, or a token that was not accepted (the same answer whatever the reason; a bad token fails the public route too).',
  403: 'Your organisation or roles may not do this.',
  404: 'No such record — or one you may not see: the two answers are the same.',
  409: 'A conflict: the same externalId with other content, or a routing already decided.',
  405: 'The path exists, but not for this method (see the Allow header).',
  413: 'The body is larger than this route accepts.',
  415: 'The body is not application/json.',
  429: 'Too many changes from this client in the last minute: wait as many seconds as Retry-After says.',
  500: 'Something went wrong on our side; nothing you sent is the cause. Try again later.',
  503: 'Temporarily unavailable (for instance the audit log cannot be written): nothing was done. Retry with backoff.',
};

/** Every route can answer these; one with a body also 400, 413 and 415; one that changes something also 429. */
const COMMON_ERRORS = [401, 500, 503];
const BODY_ERRORS = [400, 413, 415];
/** Routes that change something are rate-limited per client (RATE_LIMIT_MUTATIONS_PER_MINUTE). */
const CHANGE_ERRORS = [429];

/** The error statuses a route can answer with: its own and the common ones, in order. */
export function errorStatuses(route: BridgeRoute): number[] {
  return [...new Set([...route.errors, ...COMMON_ERRORS, ...(route.body ? BODY_ERRORS : []), ...(changes(route) ? CHANGE_ERRORS : [])])].sort((a, b) => a - b);
}

const API_VERSION_HEADER = { description: 'The version of this API (semver).', schema: { type: 'string', example: API_VERSION } };
const HEADERS: Record<'Location' | 'Link', JsonSchema> = {
  Location: { description: 'Where the new resource is.', schema: { type: 'string' } },
  Link: { description: 'The next page, as <url>; rel="next" (absent on the last page).', schema: { type: 'string' } },
};

/**
 * The OpenAPI 3.1 document of the bridge, made from its route table and the GraphQL schema — the same schemas the
 * routes validate with. Committed as openapi-bridge/openapi.json and served at /api/v1/openapi.json.
 */
export function openApiDocument(schema: GraphQLSchema, routes: readonly BridgeRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        headers: { 'API-Version': { $ref: '#/components/headers/API-Version' }, ...Object.fromEntries((response.headers ?? []).map((name) => [name, HEADERS[name]])) },
        content: { [response.contentType ?? 'application/json']: { schema: response.schema(schema) } },
      };
    }
    for (const status of errorStatuses(route)) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status],
        headers: {
          'API-Version': { $ref: '#/components/headers/API-Version' },
          ...(status === 429 ? { 'Retry-After': { description: 'Seconds to wait before the next change.', schema: { type: 'integer', minimum: 1 } } } : {}),
        },
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: route.operationId,
        summary: route.summary,
        description: route.description,
        ...(route.public ? { security: [] } : {}),
        parameters: route.parameters.map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          description: parameter.description,
          required: parameter.in === 'path' ? true : Boolean(parameter.required),
          schema: parameter.schema,
        })),
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body(schema) } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Samenloop REST bridge',
      version: API_VERSION,
      description:
        'For systems that do not speak GraphQL: submit signals, work the signal inbox, read the shared planning, check planned visits for conflicts, read published enforcement measures. The same tokens, access rules, validation and audit as the GraphQL API: each route runs a named GraphQL operation. See docs/integrations.md.',
      contact: { name: 'Samenloop', email: 'samenloop@example.org', url: 'https://samenloop.example.org' },
    },
    servers: [{ url: BRIDGE_PREFIX, description: 'This server' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      headers: { 'API-Version': API_VERSION_HEADER },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token of a trusted issuer, with the claims org and roles (docs/integrations.md).' },
      },
    },
  };
}

/** The document as committed: stable key order, two-space indents, a final newline. */
export function printOpenApiDocument(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
