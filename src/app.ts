import { hkdfSync } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { bridgeFrameworkError, registerBridge } from '../openapi-bridge/bridge.js';
import { createDeliveries, startOverdueSweep } from './background-work.js';
import { accessGatePlugin } from './access/access-plugin.js';
import { Authenticator, type Clock } from './access/authenticate.js';
import type { TrustedIssuer } from './access/issuers.js';
import { AuditCheckpointer, AuditWriter } from './audit/index.js';
import { auditPlugin } from './audit/audit-plugin.js';
import { MIGRATIONS } from '../migrations/index.js';
import { registerConsole } from './console/serve.js';
import { ENTITIES } from './modules.js';
import type { Config } from './platform/config.js';
import { createOrm, type Orm } from './platform/database/orm.js';
import { ReadReplica } from './platform/database/read-replica.js';
import { schemaLag } from './platform/database/schema-state.js';
import { assertApplicationRole } from './platform/database/roles.js';
import { countStatements, installStatementCounter } from './platform/database/sql.js';
import { createApolloServer } from './platform/graphql/apollo.js';
import { Cursors } from './platform/graphql/connection.js';
import { graphqlHttpErrors } from './platform/graphql/http-errors.js';
import { metricsPlugin } from './platform/graphql/metrics-plugin.js';
import { operationKind, operationKindPlugin } from './platform/graphql/operation-kind.js';
import { graphiqlAvailable, graphiqlPage, registerGraphiqlAssets, type DemoPersona } from './platform/http/graphiql.js';
import { mutationLimiter, type MutationLimit } from './platform/http/rate-limit.js';
import { createHttpServer, createMetricsServer, type Readiness } from './platform/http/server.js';
import type { Logger } from './platform/logging.js';
import { Metrics } from './platform/metrics.js';
import { withTimeout } from './platform/time.js';
import { SecretBox, systemResolver, type DeliveryWorker } from './notifications/index.js';
import { httpContexts } from './http-context.js';
import type { DomainSettings, RequestContext } from './request-context.js';
import { largestSubmissionBytes } from './signals/index.js';
import { buildGraphQLSchema } from './schema.js';

export interface AppOptions {
  config: Config;
  /** The application role's connection (never the schema owner's: see platform/database/roles.ts). */
  databaseUrl: string;
  logger: Logger;
  issuers: TrustedIssuer[];
  /** Key for BSN pseudonyms. */
  pseudonymKey: Buffer;
  /** Key that signs the audit checkpoints (AUDIT_KEY_FILE). */
  auditKey: Buffer;
  clock?: Clock;
  /** How webhook hosts are resolved (tests give their own; by default the system's resolver). */
  resolveHost?: (host: string) => Promise<string[]>;
  /** Development only: ready-made tokens offered on the GraphiQL page. */
  demoPersonas?: () => Promise<DemoPersona[]>;
}

/** How often the chain heads are signed and written outside the database (see audit/checkpoint.ts). */
export const AUDIT_CHECKPOINT_INTERVAL_MS = 60_000;

export interface App {
  http: FastifyInstance;
  /** /metrics on a port of its own (METRICS_PORT, always in production), to be bound to 127.0.0.1; undefined: on `http`. */
  metricsHttp: FastifyInstance | undefined;
  orm: Orm;
  metrics: Metrics;
  /** Signs and writes the current audit chain heads now (it also happens every minute and on close). */
  auditCheckpoint: AuditCheckpointer;
  /** What the domain services are configured with (also for work the service does itself, such as demo data). */
  settings: DomainSettings;
  /** Delivers webhooks (every WEBHOOK_POLL_MS; tests may also run a round by hand). */
  deliveries: DeliveryWorker;
  /** Announces the routings that passed their due date undecided (every minute; tests may run it by hand). */
  announceOverdue(): Promise<number>;
  /** Stops accepting requests, lets in-flight ones finish, writes pending audit events, closes the pool. */
  close(): Promise<void>;
}

/** Wires the service together. Migrations are applied by the caller (see main.ts and `npm run migrate`). */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const metrics = new Metrics();
  const { orm, replica } = await openPools(options, metrics);
  // What has started, in order. close() stops it all, latest first; so does a later step that fails, so that a
  // failed start leaves no pool, timer or listener behind in the process that called it.
  const started: Array<() => Promise<unknown>> = [async () => replica?.close(), () => orm.close()];
  try {
    const authenticator = createAuthenticator(options, clock);
    const audit = startAuditing(options, orm);
    started.push(() => audit.stop());
    const withGraphiql = config.environment === 'development' && graphiqlAvailable();
    // Demo personas exist only in development: GraphiQL and the console's sign-in page offer them.
    const personas: DemoPersona[] = config.environment === 'development' && options.demoPersonas ? await options.demoPersonas() : [];

    const schema = await buildGraphQLSchema();
    const apollo = await startApollo(options, schema, metrics, withGraphiql ? () => graphiqlPage('/graphql', personas) : undefined);
    started.push(() => apollo.stop());
    const settings = domainSettings(options);
    const deliveries = createDeliveries({ orm, clock, settings, metrics, logger, pollMs: config.webhookPollMs });
    started.push(() => deliveries.stop());
    const overdue = startOverdueSweep(orm, clock, logger);
    started.push(() => overdue.stop());
    // Last to start, first to stop: no request arrives once the rest is going down.
    const { http, metricsHttp } = createServers(options, { orm, metrics, personas, withGraphiql });
    started.push(async () => metricsHttp?.close(), () => http.close());

    const contextOf = httpContexts({ orm, replica, authenticator, auditWriter: audit.writer, settings, clock, logger, statementLimit: config.requestStatementLimit });
    const limitChanges = await registerGraphql(http, apollo, contextOf, config.mutationsPerMinute);
    await registerBridge(http, { apollo, schema, context: contextOf, limitChanges, docs: config.apiDocs, logger, eventSource: config.eventSource });
    if (config.webhookPollMs > 0) deliveries.start();

    let closing: Promise<void> | undefined;
    return {
      http,
      metricsHttp,
      orm,
      metrics,
      auditCheckpoint: audit.checkpointer,
      settings,
      deliveries,
      announceOverdue: overdue.announce,
      close: () => (closing ??= closeInTurn([...started].reverse(), logger)),
    };
  } catch (error) {
    for (const failure of await stopEach(started.reverse())) logger.error({ err: failure }, 'a part of a failed start could not be stopped');
    throw error;
  }
}

/**
 * Stops each part after the one before it has stopped — every part, also after one failed, so that a failure
 * early in the order (a timer, a worker) does not leave the pools open; the failures, in that order.
 */
async function stopEach(stops: ReadonlyArray<() => Promise<unknown>>): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const stop of stops) await stop().catch((failure: unknown) => failures.push(failure));
  return failures;
}

/** close(): every part stopped; then it fails with the first failure, and the later ones are logged. */
async function closeInTurn(stops: ReadonlyArray<() => Promise<unknown>>, logger: Logger): Promise<void> {
  const failures = await stopEach(stops);
  for (const failure of failures.slice(1)) logger.error({ err: failure }, 'a part could not be stopped');
  if (failures.length > 0) throw failures[0];
}

/** The application role's pool, and the read replica's when DATABASE_READ_URL names one. */
async function openPools(options: AppOptions, metrics: Metrics): Promise<{ orm: Orm; replica: ReadReplica | undefined }> {
  const orm = await openPool(options, options.databaseUrl, metrics);
  // DATABASE_READ_URL: a streaming replica for the reads that tolerate a little staleness (request-context.ts).
  const replica = options.config.databaseReadUrl
    ? new ReadReplica(
        await openPool(options, options.config.databaseReadUrl, metrics).catch(async (error: unknown) => {
          await orm.close();
          throw error;
        }),
        options.logger,
      )
    : undefined;
  return { orm, replica };
}

async function openPool({ config, logger }: AppOptions, url: string, metrics: Metrics): Promise<Orm> {
  const pool = await createOrm({
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    logger,
    poolSize: config.databasePoolSize,
    timeouts: { statementMs: config.statementTimeoutMs, idleInTransactionMs: config.idleInTransactionTimeoutMs },
  });
  try {
    await assertApplicationRole(pool.em.fork());
  } catch (error) {
    await pool.close();
    throw error;
  }
  installStatementCounter(pool.em, () => metrics.sqlStatements.inc());
  return pool;
}

async function startApollo(
  { config, logger }: AppOptions,
  schema: GraphQLSchema,
  metrics: Metrics,
  landingPage: (() => string) | undefined,
): Promise<ApolloServer<RequestContext>> {
  const apollo = createApolloServer<RequestContext>({
    schema,
    environment: config.environment,
    logger,
    plugins: [operationKindPlugin(), accessGatePlugin(), auditPlugin(logger), metricsPlugin(metrics)],
    landingPage,
  });
  await apollo.start();
  return apollo;
}

/** The HTTP host with the console (and GraphiQL in development), and /metrics on a server of its own when METRICS_PORT says so. */
function createServers(
  { config, logger }: AppOptions,
  { orm, metrics, personas, withGraphiql }: { orm: Orm; metrics: Metrics; personas: DemoPersona[]; withGraphiql: boolean },
): { http: FastifyInstance; metricsHttp: FastifyInstance | undefined } {
  const http = createHttpServer({
    logger,
    metrics,
    metricsHere: config.metricsPort === undefined,
    // The largest legitimate request is a bulk submission at its maximum (signals/request-size.ts); nothing more.
    bodyLimit: largestSubmissionBytes().graphql,
    production: config.environment === 'production',
    readiness: () => readiness(orm),
    frameworkError: bridgeFrameworkError,
  });
  const metricsHttp = config.metricsPort === undefined ? undefined : createMetricsServer(logger, metrics);
  registerConsole(http, { personas });
  if (withGraphiql) {
    registerGraphiqlAssets(http);
    http.get('/', async (_request, reply) => reply.redirect('/graphql'));
  }
  return { http, metricsHttp };
}

/** The audit writer, and the checkpoints of its chain heads: every minute and a last one when stopping. */
function startAuditing({ auditKey, config, logger }: AppOptions, orm: Orm): { writer: AuditWriter; checkpointer: AuditCheckpointer; stop(): Promise<void> } {
  const writer = new AuditWriter(() => orm.em.fork());
  const checkpointer = new AuditCheckpointer({ key: auditKey, directory: config.auditCheckpointDir, forkEm: () => orm.em.fork() });
  const checkpointing = setInterval(() => {
    checkpointer.checkpoint().catch((error: unknown) => logger.error({ err: error }, 'audit checkpoint could not be written'));
  }, AUDIT_CHECKPOINT_INTERVAL_MS);
  checkpointing.unref();
  return {
    writer,
    checkpointer,
    async stop() {
      clearInterval(checkpointing);
      await writer.close();
      await checkpointer.checkpoint().catch((error: unknown) => logger.error({ err: error }, 'final audit checkpoint could not be written'));
    },
  };
}

function createAuthenticator({ issuers, logger }: AppOptions, clock: Clock): Authenticator {
  return new Authenticator({
    issuers,
    clock,
    onRejected: (reason, issuer) => logger.info({ reason, issuer }, 'access token rejected'),
    onWarning: (message, details) => logger.warn(details, message),
  });
}

function domainSettings({ config, pseudonymKey, auditKey, resolveHost }: AppOptions): DomainSettings {
  return {
    conflictMarginDays: config.conflictMarginDays,
    pseudonymKey,
    // A subkey of the audit key: cursors stay valid across restarts and across instances of one installation.
    cursors: new Cursors(Buffer.from(hkdfSync('sha256', auditKey, 'samenloop', 'pagination cursors', 32))),
    webhookSecrets: new SecretBox(auditKey),
    webhookTargets: { production: config.environment === 'production', allowedHosts: config.webhookAllowedHosts, resolve: resolveHost ?? systemResolver },
    eventSource: config.eventSource,
  };
}

/** POST and GET /graphql, behind the mutation rate limit; answers that limit, which the REST bridge shares. */
async function registerGraphql(
  http: FastifyInstance,
  apollo: ApolloServer<RequestContext>,
  contextOf: (request: FastifyRequest) => Promise<RequestContext>,
  mutationsPerMinute: number,
): Promise<MutationLimit | undefined> {
  const graphqlHandler = fastifyApolloHandler(apollo, { context: contextOf });
  const limitChanges = await mutationLimiter(http, {
    perMinute: mutationsPerMinute,
    clientKey: async (request) => {
      const { viewer } = await contextOf(request);
      return viewer ? `${viewer.organisation}:${viewer.sub}` : `address:${request.ip}`;
    },
    isMutation: (request) => (request.url.startsWith('/graphql') ? operationKind(request.method, request.body) === 'mutation' : request.method !== 'GET'),
  });
  http.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    ...(limitChanges ? { preHandler: limitChanges } : {}),
    errorHandler: graphqlHttpErrors,
    // Every statement the request issues counts against its limit (REQUEST_STATEMENT_LIMIT).
    handler: async function (request, reply) {
      return countStatements((await contextOf(request)).statements, () => graphqlHandler.call(this, request as never, reply as never));
    },
  });
  return limitChanges;
}

/** How many of this build's migrations the database has not applied. */
async function readiness(orm: Orm): Promise<Readiness> {
  // A database that hangs (rather than refuses) must not hang the probe.
  try {
    const lag = await withTimeout(schemaLag(orm.em.fork()), 2_000);
    if (lag) return { ready: false, reason: lag };
  } catch {
    return { ready: false, reason: 'The database cannot be reached.' };
  }
  return { ready: true };
}
