import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Environment } from '../config.js';
import { costLimitPlugin } from './cost-limit.js';
import { textGuardPlugin } from './text-guard.js';
import { isDatabaseUnavailable } from '../database/availability.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logging.js';

/** Limits that keep any single query cheap; over-limit queries are refused with a 400 before execution. */
export const QUERY_LIMITS = {
  maxTokens: 4_000,
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 30,
  /**
   * See cost-limit.ts. A page of 100 visits with organisation, participants, providers, location and 20 conflicts
   * each (with the conflicting visit and its organisation) costs about 10,600, and with five locations of each
   * provider about 22,700; a page of pages (100 × 100 × 100) does not fit.
   */
  maxCost: 50_000,
};

export interface ApolloOptions<Context extends BaseContext> {
  schema: GraphQLSchema;
  environment: Environment;
  logger: Logger;
  plugins: Array<ApolloServerPlugin<Context>>;
  /** The HTML served on GET /graphql to browsers; undefined: no landing page. */
  landingPage?: () => string;
}

const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export function createApolloServer<Context extends BaseContext>(options: ApolloOptions<Context>): ApolloServer<Context> {
  const development = options.environment === 'development';
  const armor = new ApolloArmor({
    maxTokens: { enabled: false }, // graphql-armor turns token-limit syntax errors into 500s; Apollo's parseOptions does it right
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    costLimit: { enabled: false }, // it ignores list sizes: cost-limit.ts counts them
    blockFieldSuggestion: { enabled: !development },
  }).protect();

  return new ApolloServer<Context>({
    schema: options.schema,
    introspection: options.environment !== 'production',
    includeStacktraceInErrorResponses: development,
    hideSchemaDetailsFromClientErrors: !development,
    csrfPrevention: true,
    stopOnTerminationSignals: false, // main.ts drains HTTP first, then stops Apollo, the pool and the database
    allowBatchedHttpRequests: false,
    // Off: a persisted query carries no text, so the rate limit on changes (which reads the text) could not see a
    // mutation in it — and nothing here uses them.
    persistedQueries: false,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    validationRules: armor.validationRules,
    plugins: [
      ...(armor.plugins as Array<ApolloServerPlugin<Context>>),
      costLimitPlugin<Context>(QUERY_LIMITS.maxCost),
      textGuardPlugin<Context>(),
      unavailableStatusPlugin<Context>(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // A federation subgraph would otherwise send Apollo trace data to any gateway that asks for it.
      ApolloServerPluginInlineTraceDisabled(),
      options.landingPage ? landingPagePlugin(options.landingPage) : ApolloServerPluginLandingPageDisabled(),
      ...options.plugins,
    ],
    formatError: (formatted, error) => formatError(formatted, error, options.logger, development),
  });
}

/**
 * Errors callers can act on keep their code and message. Anything else is logged in full and answered with a
 * bare INTERNAL_SERVER_ERROR: no stack, no SQL, no internal message outside development.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
  development: boolean,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return withField(formatted);
  if (isDatabaseUnavailable(original)) {
    logger.warn({ err: original, path: formatted.path }, 'the database is unavailable');
    return {
      message: 'The database is not available at the moment; nothing was done. Try again shortly.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    };
  }
  // The statement limit stops a query from inside the ORM, which wraps what it throws (DriverException) but keeps
  // its fields: still the limit's own clean error.
  if ((original as { extensions?: { code?: unknown } } | undefined)?.extensions?.code === 'REQUEST_TOO_EXPENSIVE') {
    return { message: (original as Error).message, locations: formatted.locations, path: formatted.path, extensions: { code: 'REQUEST_TOO_EXPENSIVE' } };
  }
  const code = String(formatted.extensions?.code ?? '');
  if (CLIENT_ERROR_CODES.has(code)) return withoutValues(withField(formatted));
  logger.error({ err: original, path: formatted.path }, 'unexpected error while answering a GraphQL request');
  return {
    message: development ? formatted.message : 'Internal server error.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: {
      code: 'INTERNAL_SERVER_ERROR',
      ...(development && formatted.extensions?.stacktrace ? { stacktrace: formatted.extensions.stacktrace } : {}),
    },
  };
}

/** Variable coercion errors name the offending input in their message; give it to callers as `extensions.field`. */
function withField(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'BAD_USER_INPUT' || formatted.extensions.field) return formatted;
  const at = /at "([^"]+)"/.exec(formatted.message)?.[1];
  const variable = /Variable "\$([^"]+)"/.exec(formatted.message)?.[1];
  const field = at ?? variable;
  return field ? { ...formatted, extensions: { ...formatted.extensions, field } } : formatted;
}

/**
 * GraphQL's own messages repeat the offending value ("got invalid value 123456782 at …"). A value may be personal
 * data (a BSN sent as a number, say), so the echo is cut and any nine-digit number masked.
 */
function withoutValues(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = formatted.message
    .replace(/ got invalid value .*? at "/, ' has an invalid value at "')
    .replace(/\b\d{9}\b/g, '*********');
  return message === formatted.message ? formatted : { ...formatted, message };
}

/** An answer that says the service is unavailable (the database, the audit log) is a 503, whatever part failed. */
function unavailableStatusPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          if (response.body.singleResult.errors?.some((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE')) response.http.status = 503;
        },
      };
    },
  };
}

function landingPagePlugin<Context extends BaseContext>(html: () => string): ApolloServerPlugin<Context> {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: async () => html() };
        },
      };
    },
  };
}
