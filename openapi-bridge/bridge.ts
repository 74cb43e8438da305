import type { ApolloServer } from '@apollo/server';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { print, type GraphQLSchema } from 'graphql';
import { countStatements } from '../src/platform/database/sql.js';
import { TooManyRequests } from '../src/platform/http/rate-limit.js';
import type { Logger } from '../src/platform/logging.js';
import type { RequestContext } from '../src/request-context.js';
import { registerApiDocs } from './api-docs.js';
import { API_VERSION, BRIDGE_PREFIX, openApiDocument } from './document.js';
import { MAX_INVALID_PARAMS, problem, problemOf, PROBLEM_CONTENT_TYPE, PROBLEM_SCHEMA, unauthenticated, type InvalidParam, type Problem } from './problem.js';
import { changes } from './route-kit.js';
import { bridgeRoutes, type BridgeRoute, type RouteInput } from './routes.js';

export interface BridgeOptions {
  apollo: ApolloServer<RequestContext>;
  schema: GraphQLSchema;
  /** The same request context a GraphQL request gets. */
  context: (request: FastifyRequest) => Promise<RequestContext>;
  /** The limit on changes per client (platform/http/rate-limit.ts), for the routes that change something; undefined: none. */
  limitChanges?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Serve the interactive documentation at /api/v1/docs. */
  docs: boolean;
  logger: Logger;
  eventSource: string;
}

/** The routes of the bridge; `eventSource` is the CloudEvents source of the events route (EVENT_SOURCE). */
export function bridgeRouteTable(eventSource = 'urn:nld:samenloop:development'): BridgeRoute[] {
  return bridgeRoutes({ problem: { $ref: '#/components/schemas/Problem' }, eventSource });
}

/**
 * The REST bridge under /api/v1 (NL API Design Rules): every route runs its named GraphQL operation in-process,
 * with the caller's request context, so the access gate, the services, their validation and the audit are the
 * ones the GraphQL API uses. Bodies and parameters are first checked against the schemas of the OpenAPI document
 * (every problem at once); errors are application/problem+json; every answer carries API-Version; CORS is closed
 * (no Access-Control headers are ever sent).
 */
export async function registerBridge(app: FastifyInstance, options: BridgeOptions): Promise<void> {
  const routes = bridgeRouteTable(options.eventSource);
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
      registerMethodNotAllowed(bridge, routes);
      bridge.get('/openapi.json', { exposeHeadRoute: false }, async () => document);
      if (options.docs) registerApiDocs(bridge);
    },
    { prefix: BRIDGE_PREFIX },
  );
}

const CONTEXT = Symbol('samenloop request context');
type WithContext = FastifyRequest & { [CONTEXT]?: RequestContext };

function registerRoute(bridge: FastifyInstance, route: BridgeRoute, options: BridgeOptions): void {
  const query = print(route.operation);
  const operationName = route.operation.definitions.find((definition) => definition.kind === 'OperationDefinition')?.name?.value;
  const pathParameters = route.parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = route.parameters.filter((parameter) => parameter.in === 'query');
  bridge.route({
    method: route.method,
    url: route.path.replace(/\{(\w+)\}/g, ':$1'),
    exposeHeadRoute: false,
    ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
    schema: {
      ...(route.body ? { body: route.body(options.schema) } : {}),
      ...(pathParameters.length > 0 ? { params: objectOf(pathParameters) } : {}),
      querystring: objectOf(queryParameters),
    },
    // Who is calling is settled first, before the body is read: a refused token answers 401 (and is audited)
    // whatever else is wrong with the request, exactly as on /graphql.
    onRequest: async (request, reply) => {
      const context = await options.context(request);
      (request as WithContext)[CONTEXT] = context;
      if (context.authError || (!context.viewer && !route.public)) {
        await context.audit.flush();
        return sendProblem(reply, unauthenticated(path(request)));
      }
    },
    // Only routes whose operation is a mutation count as changes (POST /visit-conflict-checks writes nothing).
    ...(changes(route) && options.limitChanges ? { preHandler: options.limitChanges } : {}),
    handler: async (request, reply) => {
      const input: RouteInput = {
        body: request.body,
        params: request.params as Record<string, string>,
        query: request.query as Record<string, unknown>,
      };
      const contextValue = (request as WithContext)[CONTEXT]!;
      const response = await countStatements(contextValue.statements, () =>
        options.apollo.executeOperation({ query, operationName, variables: route.variables(input) }, { contextValue }),
      );
      if (response.body.kind !== 'single') throw new Error('The bridge runs single-result operations only');
      const { data, errors } = response.body.singleResult;
      if (errors && errors.length > 0) return sendProblem(reply, problemOf(errors[0]!, path(request), route.inputPrefix));
      const answer = route.answer(data ?? {}, input, path(request));
      // A body of another JSON media type (CloudEvents) is serialised here: Fastify serialises application/json only.
      const typed = answer.headers?.['content-type'] !== undefined;
      return reply.code(answer.status).headers(answer.headers ?? {}).send(typed ? JSON.stringify(answer.body) : answer.body);
    },
  });
}

/** A path of the bridge asked for with a method it does not have: 405, with the methods it does have. */
function registerMethodNotAllowed(bridge: FastifyInstance, routes: readonly BridgeRoute[]): void {
  const byPath = new Map<string, string[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
  for (const [routePath, methods] of byPath) {
    const others = (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((method) => !methods.includes(method));
    bridge.route({
      method: [...others],
      url: routePath.replace(/\{(\w+)\}/g, ':$1'),
      exposeHeadRoute: false,
      handler: async (request, reply) => sendProblem(reply.header('allow', methods.join(', ')), problem('METHOD_NOT_ALLOWED', `This path answers ${methods.join(' and ')} only.`, path(request))),
    });
  }
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
  if (body.status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** A body larger than this has only its first problem listed: listing every problem of megabytes costs too much. */
const LIST_ALL_PROBLEMS_UP_TO = 256 * 1024;

/**
 * Two validators: bodies are taken as sent (no coercion, nothing removed), query and path parameters are read as
 * their declared types. Each first checks fast, stopping at the first problem; only an invalid, small request is
 * checked again to list every problem. Both know the document's Problem schema for $refs.
 */
function validatorsFor(document: Record<string, unknown>) {
  const make = (coerceTypes: boolean) => {
    const instance = (allErrors: boolean) => {
      const ajv = new Ajv({ allErrors, coerceTypes, removeAdditional: false, useDefaults: false, allowUnionTypes: true, strict: false });
      addFormats.default(ajv);
      ajv.addSchema({ components: (document as { components: unknown }).components }, 'bridge');
      return ajv;
    };
    const [fast, thorough] = [instance(false), instance(true)];
    return {
      compile: (schema: unknown) => {
        const quick = fast.compile(rewriteRefs(schema) as object);
        const full = thorough.compile(rewriteRefs(schema) as object);
        const validate = (data: unknown): boolean => {
          if (quick(data)) return true;
          const small = JSON.stringify(data ?? null).length <= LIST_ALL_PROBLEMS_UP_TO;
          validate.errors = small && !full(data) ? full.errors : quick.errors;
          return false;
        };
        validate.errors = null as ErrorObject[] | null | undefined;
        return validate;
      },
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
    const listed = error.validation.slice(0, MAX_INVALID_PARAMS).map(invalidParam);
    const more = error.validation.length > MAX_INVALID_PARAMS ? ` (the first ${MAX_INVALID_PARAMS} problems are listed)` : '';
    return problem('BAD_USER_INPUT', `The request is not valid: see invalidParams${more}.`, instance, listed);
  }
  if (error instanceof TooManyRequests) return problem('TOO_MANY_REQUESTS', error.message, instance);
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

/**
 * What Fastify refuses before any route (a URL that does not decode, a header it cannot read): under the
 * bridge's prefix a problem with API-Version, like every other answer there. Returns false for other paths.
 */
export function bridgeFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): boolean {
  if (!request.url.startsWith(`${BRIDGE_PREFIX}/`) && request.url !== BRIDGE_PREFIX) return false;
  reply.header('API-Version', API_VERSION);
  void sendProblem(reply, problem('BAD_USER_INPUT', error.code === 'FST_ERR_BAD_URL' ? 'The URL is not valid.' : 'The request is not valid.', request.url.split('?')[0]!.slice(0, 200)));
  return true;
}

