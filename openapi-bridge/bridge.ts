import type { ApolloServer } from '@apollo/server';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { print, type GraphQLSchema } from 'graphql';
import type { Logger } from '../src/platform/logging.js';
import type { RequestContext } from '../src/request-context.js';
import { registerApiDocs } from './api-docs.js';
import { API_VERSION, BRIDGE_PREFIX, openApiDocument } from './document.js';
import { problem, problemOf, PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA, type InvalidParam, type Problem } from './problem.js';
import { bridgeRoutes, type BridgeRoute, type RouteInput } from './routes.js';

export interface BridgeOptions {
  apollo: ApolloServer<RequestContext>;
  schema: GraphQLSchema;
  /** The same request context a GraphQL request gets. */
  context: (request: FastifyRequest) => Promise<RequestContext>;
  /** Serve the interactive documentation at /api/v1/docs. */
  docs: boolean;
  logger: Logger;
}

/** The routes of the bridge, bound to the GraphQL schema (for the document and the request schemas). */
export function bridgeRouteTable(): BridgeRoute[] {
  return bridgeRoutes({ problem: { $ref: '#/components/schemas/Problem' } });
}

/**
 * The REST bridge under /api/v1 (NL API Design Rules): every route runs its named GraphQL operation in-process,
 * with the caller's request context, so the access gate, the services, their validation and the audit are the
 * ones the GraphQL API uses. Bodies and parameters are first checked against the schemas of the OpenAPI document
 * (every problem at once); errors are application/problem+json; every answer carries API-Version; CORS is closed
 * (no Access-Control headers are ever sent).
 */
export async function registerBridge(app: FastifyInstance, options: BridgeOptions): Promise<void> {
  const routes = bridgeRouteTable();
  const document = openApiDocument(options.schema, routes);
  await app.register(
    async (bridge) => {
      bridge.removeContentTypeParser('text/plain'); // JSON only: anything else is a 415
      bridge.addHook('onSend', async (_request, reply, payload) => {
        reply.header('API-Version', API_VERSION);
        return payload;
      });
      const validators = validatorsFor(document);
      bridge.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'querystring' || httpPart === 'params' ? validators.parameters : validators.body).compile(schema));
      bridge.setErrorHandler((error: FastifyError, request, reply) => sendProblem(reply, fromHttpError(error, request, options.logger)));
      bridge.setNotFoundHandler((request, reply) => sendProblem(reply, problem('NOT_FOUND', 'There is no such route.', path(request))));

      for (const route of routes) registerRoute(bridge, route, options);
      bridge.get('/openapi.json', async () => document);
      if (options.docs) registerApiDocs(bridge);
    },
    { prefix: BRIDGE_PREFIX },
  );
}

function registerRoute(bridge: FastifyInstance, route: BridgeRoute, options: BridgeOptions): void {
  const query = print(route.operation);
  const operationName = route.operation.definitions.find((definition) => definition.kind === 'OperationDefinition')?.name?.value;
  const pathParameters = route.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = route.parameters.filter((parameter) => parameter.in === 'query');
  bridge.route({
    method: route.method,
    url: route.path.replace(/\{(\w+)\}/g, ':$1'),
    ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
    schema: {
      ...(route.body ? { body: route.body(options.schema) } : {}),
      ...(pathParameters.length > 0 ? { params: objectOf(pathParameters) } : {}),
      querystring: objectOf(queryParameters),
    },
    handler: async (request, reply) => {
      const input: RouteInput = {
        body: request.body,
        params: request.params as Record<string, string>,
        query: request.query as Record<string, unknown>,
      };
      const contextValue = await options.context(request);
      const response = await options.apollo.executeOperation({ query, operationName, variables: route.variables(input) }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('The bridge runs single-result operations only');
      const { data, errors } = response.body.singleResult;
      if (errors && errors.length > 0) return sendProblem(reply, problemOf(errors[0]!, path(request), route.inputPrefix));
      const answer = route.answer(data ?? {}, input, path(request));
      return reply.code(answer.status).headers(answer.headers ?? {}).send(answer.body);
    },
  });
}

function objectOf(parameters: BridgeRoute['parameters']) {
  return {
    type: 'object',
    properties: Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema])),
    required: parameters.filter((parameter) => parameter.in === 'path' || parameter.required).map((parameter) => parameter.name),
    additionalProperties: false,
  };
}

function path(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}

function sendProblem(reply: FastifyReply, body: Problem) {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Two validators: bodies are taken as sent (no coercion, nothing removed), query and path parameters are read as
 * their declared types. Both report every problem, and know the document's Problem schema for $refs.
 */
function validatorsFor(document: Record<string, unknown>) {
  const make = (coerceTypes: boolean) => {
    const ajv = new Ajv({ allErrors: true, coerceTypes, removeAdditional: false, useDefaults: false, allowUnionTypes: true, strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ components: (document as { components: unknown }).components }, 'bridge');
    return {
      compile: (schema: unknown) => ajv.compile(rewriteRefs(schema) as object),
    };
  };
  return { body: make(false), parameters: make(true) };
}

/** `#/components/schemas/X` inside a route schema points at the document's components. */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/components/') ? `bridge${value}` : rewriteRefs(value)]),
    );
  }
  return schema;
}

/** Fastify's own refusals (validation, size, media type, bad JSON) as problems; anything else is a 500. */
function fromHttpError(error: FastifyError & { validation?: ErrorObject[]; validationContext?: string }, request: FastifyRequest, logger: Logger): Problem {
  const instance = path(request);
  if (error.validation) {
    return problem('BAD_USER_INPUT', 'The request is not valid: see invalidParams.', instance, error.validation.map(invalidParam));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problem('PAYLOAD_TOO_LARGE', 'The body is larger than this route accepts.', instance);
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problem('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', instance);
  if (error.statusCode === 400) return problem('BAD_USER_INPUT', 'The body is not valid JSON.', instance, [{ name: 'body', reason: 'not valid JSON' }]);
  logger.error({ err: error, path: instance }, 'REST bridge request failed');
  return problem('INTERNAL_SERVER_ERROR', 'The request could not be completed.', instance);
}

/** An ajv error as an invalid parameter: a JSON path in the body such as `providers[0].kvkNumber`, or a parameter's name. */
function invalidParam(error: ErrorObject): InvalidParam {
  const segments = error.instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required') segments.push(String((error.params as { missingProperty: string }).missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
  const name = segments.reduce((joined, segment) => (/^\d+$/.test(segment) ? `${joined}[${segment}]` : joined ? `${joined}.${segment}` : segment), '');
  const reason =
    error.keyword === 'required' ? 'is required' : error.keyword === 'additionalProperties' ? 'is not a field of this request' : (error.message ?? 'is not valid');
  return { name: name || 'body', reason };
}

export { PROBLEM_SCHEMA };
