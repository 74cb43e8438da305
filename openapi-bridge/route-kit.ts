import { Kind, OperationTypeNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { selectionSchema, type JsonSchema } from './json-schema.js';

/**
 * The shapes every route of the bridge is made of (routes.ts): what a route is, its parameters, and the one way
 * a page of a connection is answered and continued.
 */
export interface RouteInput {
  body: unknown;
  params: Record<string, string>;
  query: Record<string, unknown>;
}

export interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  schema: JsonSchema;
  required?: boolean;
}

export interface Response {
  description: string;
  schema: (schema: GraphQLSchema) => JsonSchema;
  headers?: ReadonlyArray<'Location' | 'Link'>;
  /** When not application/json. */
  contentType?: string;
}

/**
 * The data of a route's operation. Its shape is the operation's selection, which the tests hold to the OpenAPI
 * document for every answer; typing it a second time here would be a copy that could drift.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationData = Record<string, any>;

export interface BridgeRoute {
  operationId: string;
  method: 'GET' | 'POST';
  /** The OpenAPI path, e.g. /signals/{id}. */
  path: string;
  summary: string;
  description: string;
  /** Needs no token (published data only). */
  public?: boolean;
  operation: DocumentNode;
  body?: (schema: GraphQLSchema) => JsonSchema;
  /** The largest body accepted, in bytes (413 beyond). */
  bodyLimit?: number;
  parameters: readonly Parameter[];
  variables(input: RouteInput): Record<string, unknown>;
  /** Turns the operation's data into the answer; `self` is the request path, for Location and next links. */
  answer(data: OperationData, input: RouteInput, self: string): RouteAnswer;
  responses: Record<number, Response>;
  /**
   * The error statuses particular to the route (each a problem+json). Every route can also answer 401, 500 and
   * 503, and one with a body 400, 413 and 415: the document adds those.
   */
  errors: readonly number[];
  /** How GraphQL names the request body's fields in errors (`input.` or `input[n].`), to name them as sent. */
  inputPrefix?: RegExp;
}

export const MAX_PAGE = 100;
export const page = { name: 'first', in: 'query', description: `How many items, 1 to ${MAX_PAGE} (default 20).`, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE } } as const;
export const after = {
  name: 'after',
  in: 'query',
  description: 'Where to continue: the cursor in the previous page\'s `next` link. Made by the server; anything else is refused.',
  schema: { type: 'string', maxLength: 500 },
} as const;
export const id = (name: string, what: string) => ({ name, in: 'path', required: true, description: `The id of the ${what}.`, schema: { type: 'string', maxLength: 64 } }) as const;
export const flag = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'boolean' } }) as const;

/** A page of a connection as `{ items, next }`, with `next` (and the Link header) pointing at the following page. */
export function pageAnswer(connection: { edges: Array<{ node: unknown }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } }, input: RouteInput, self: string): RouteAnswer {
  const next = connection.pageInfo.hasNextPage && connection.pageInfo.endCursor ? nextLink(self, input.query, connection.pageInfo.endCursor) : null;
  return { status: 200, body: { items: connection.edges.map((edge) => edge.node), next }, headers: next ? { Link: `<${next}>; rel="next"` } : {} };
}

export function nextLink(self: string, query: Record<string, unknown>, cursor: string): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (key !== 'after' && value !== undefined) parameters.set(key, String(value));
  parameters.set('after', cursor);
  return `${self}?${parameters.toString()}`;
}

export const pageSchema = (schema: GraphQLSchema, operation: DocumentNode, path: string): JsonSchema => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: selectionSchema(schema, operation, `${path}.edges.node`) },
    next: { type: ['string', 'null'], description: 'The URL of the next page; null on the last one.' },
  },
  required: ['items', 'next'],
  additionalProperties: false,
});

/** Whether a route's operation changes something: the limit on changes applies to exactly those. */
export function changes(route: BridgeRoute): boolean {
  return route.operation.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.MUTATION);
}
