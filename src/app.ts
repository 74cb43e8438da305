import { hkdfSync } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bridgeFrameworkError, registerBridge } from '../openapi-bridge/bridge.js';
import { accessGatePlugin } from './access/access-plugin.js';
import { Authenticator, type Clock } from './access/authenticate.js';
import type { TrustedIssuer } from './access/issuers.js';
import { AuditCheckpointer, AuditTrail, AuditWriter } from './audit/index.js';
import { auditPlugin } from './audit/audit-plugin.js';
import { MIGRATIONS } from '../migrations/index.js';
import { registerConsole } from './console/serve.js';
import { ENTITIES } from './modules.js';
import type { Config } from './platform/config.js';
import { createOrm, type Orm } from './platform/database/orm.js';
import { ReadReplica } from './platform/database/read-replica.js';
import { schemaLag } from './platform/database/schema-state.js';
import { assertApplicationRole } from './platform/database/roles.js';
import { countStatements, installStatementCounter, runOne, sqlf } from './platform/database/sql.js';
import { createApolloServer } from './platform/graphql/apollo.js';
import { Cursors } from './platform/graphql/connection.js';
import { graphqlHttpErrors } from './platform/graphql/http-errors.js';
import { metricsPlugin } from './platform/graphql/metrics-plugin.js';
import { operationKind, operationKindPlugin } from './platform/graphql/operation-kind.js';
import { graphiqlAvailable, graphiqlPage, registerGraphiqlAssets, type DemoPersona } from './platform/http/graphiql.js';
import { mutationLimiter } from './platform/http/rate-limit.js';
import { createHttpServer, createMetricsServer, type Readiness } from './platform/http/server.js';
import type { Logger } from './platform/logging.js';
import { Metrics } from './platform/metrics.js';
import { TokenRejectedError } from './platform/errors.js';
import { withTimeout } from './platform/time.js';
import { DeliveryWorker, SecretBox, systemResolver } from './notifications/index.js';
import { createLoaderCache, type DomainSettings, type RequestContext } from './request-context.js';
import { announceOverdueRoutings, largestSubmissionBytes, publishRoutedSignals } from './signals/index.js';
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
/** How often routings that passed their due date undecided are looked for (ROUTING_OVERDUE). */
export const OVERDUE_SWEEP_INTERVAL_MS = 60_000;

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
  const openPool = async (url: string): Promise<Orm> => {
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
  };
  const orm = await openPool(options.databaseUrl);
  // DATABASE_READ_URL: a streaming replica for the reads that tolerate a little staleness (request-context.ts).
  const replica = config.databaseReadUrl
    ? new ReadReplica(
        await openPool(config.databaseReadUrl).catch(async (error: unknown) => {
          await orm.close();
          throw error;
        }),
        logger,
      )
    : undefined;

  const authenticator = new Authenticator({
    issuers: options.issuers,
    clock,
    onRejected: (reason, issuer) => logger.info({ reason, issuer }, 'access token rejected'),
    onWarning: (message, details) => logger.warn(details, message),
  });
  const auditWriter = new AuditWriter(() => orm.em.fork());
  const checkpointer = new AuditCheckpointer({ key: options.auditKey, directory: config.auditCheckpointDir, forkEm: () => orm.em.fork() });
  const checkpointing = setInterval(() => {
    checkpointer.checkpoint().catch((error: unknown) => logger.error({ err: error }, 'audit checkpoint could not be written'));
  }, AUDIT_CHECKPOINT_INTERVAL_MS);
  checkpointing.unref();
  const withGraphiql = config.environment === 'development' && graphiqlAvailable();
  // Demo personas exist only in development: GraphiQL and the console's sign-in page offer them.
  const personas: DemoPersona[] = config.environment === 'development' && options.demoPersonas ? await options.demoPersonas() : [];

  const schema = await buildGraphQLSchema();
  const apollo = createApolloServer<RequestContext>({
    schema,
    environment: config.environment,
    logger,
    plugins: [operationKindPlugin(), accessGatePlugin(), auditPlugin(logger), metricsPlugin(metrics)],
    landingPage: withGraphiql ? () => graphiqlPage('/graphql', personas) : undefined,
  });
  await apollo.start();

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

  const settings: DomainSettings = {
    conflictMarginDays: config.conflictMarginDays,
    pseudonymKey: options.pseudonymKey,
    // A subkey of the audit key: cursors stay valid across restarts and across instances of one installation.
    cursors: new Cursors(Buffer.from(hkdfSync('sha256', options.auditKey, 'samenloop', 'pagination cursors', 32))),
    webhookSecrets: new SecretBox(options.auditKey),
    webhookTargets: { production: config.environment === 'production', allowedHosts: config.webhookAllowedHosts, resolve: options.resolveHost ?? systemResolver },
    eventSource: config.eventSource,
  };
  const deliveries = new DeliveryWorker({
    forkEm: () => orm.em.fork(),
    clock,
    secrets: settings.webhookSecrets,
    targets: settings.webhookTargets,
    eventSource: settings.eventSource,
    logger,
    pollMs: config.webhookPollMs,
    // A routing is its own outbox row; its SIGNAL_ROUTED event is written here, after the submission committed.
    relays: [() => publishRoutedSignals(() => orm.em.fork(), clock())],
    onOutcome: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
  });
  metrics.watchDeliveryQueue(async () => {
    const row = await runOne<{ depth: number; oldest: number | null }>(
      orm.em.fork(),
      sqlf`select count(*)::int as depth, extract(epoch from (${clock()} - min(e.occurred_at)))::float8 as oldest
       from webhook_delivery d join event e on e.seq = d.event_seq where d.status in ('PENDING', 'FAILED')`,
    );
    return { depth: row?.depth ?? 0, oldestSeconds: Math.max(0, row?.oldest ?? 0) };
  });
  let sweeping: Promise<number> | undefined;
  const announceOverdue = () => (sweeping ??= announceOverdueRoutings(() => orm.em.fork(), clock()).finally(() => (sweeping = undefined)));
  const overdueSweep = setInterval(() => {
    announceOverdue().catch((error: unknown) => logger.error({ err: error }, 'overdue routings could not be announced'));
  }, OVERDUE_SWEEP_INTERVAL_MS);
  overdueSweep.unref();
  /** What one request works with — the same for a GraphQL request and for a REST bridge request. */
  const requestContext = async (request: FastifyRequest): Promise<RequestContext> => {
    let viewer: RequestContext['viewer'];
    let authError: Error | undefined;
    try {
      viewer = await authenticator.authenticate(request.headers.authorization);
    } catch (error) {
      authError = error as Error;
    }
    const cache = createLoaderCache();
    let replicaEm: EntityManager | undefined;
    const audit = new AuditTrail(viewer, request.id, auditWriter, clock);
    // A refused token is a security event: audited (without the token), and attributed to an organisation only
    // when its signature held and its issuer may speak for that organisation.
    if (authError instanceof TokenRejectedError) audit.recordRejectedToken(authError);
    const context: RequestContext = {
      viewer,
      authError,
      em: orm.em.fork(),
      requestId: request.id,
      log: logger.child({ reqId: request.id }),
      audit,
      settings,
      now: clock,
      loader: (factory) => cache(context, factory),
      statements: { count: 0, limit: config.requestStatementLimit },
      ...(replica ? { replica: () => (replicaEm ??= replica.fork()) } : {}),
    };
    return context;
  };
  // One context per HTTP request, made once: the rate limit asks who is calling before the handler runs.
  const contexts = new WeakMap<FastifyRequest, Promise<RequestContext>>();
  const contextOf = (request: FastifyRequest): Promise<RequestContext> => {
    let context = contexts.get(request);
    if (!context) contexts.set(request, (context = requestContext(request)));
    return context;
  };
  const graphqlHandler = fastifyApolloHandler(apollo, { context: contextOf });
  const limitChanges = await mutationLimiter(http, {
    perMinute: config.mutationsPerMinute,
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
  await registerBridge(http, { apollo, schema, context: contextOf, limitChanges, docs: config.apiDocs, logger, eventSource: config.eventSource });

  if (config.webhookPollMs > 0) deliveries.start();

  let closed = false;
  return {
    http,
    metricsHttp,
    orm,
    metrics,
    auditCheckpoint: checkpointer,
    settings,
    deliveries,
    announceOverdue,
    async close() {
      if (closed) return;
      closed = true;
      await http.close();
      await metricsHttp?.close();
      clearInterval(overdueSweep);
      await sweeping?.catch(() => 0); // a sweep under way finishes before the pool closes
      await deliveries.stop();
      await apollo.stop();
      await auditWriter.close();
      clearInterval(checkpointing);
      await checkpointer.checkpoint().catch((error: unknown) => logger.error({ err: error }, 'final audit checkpoint could not be written'));
      await orm.close();
      await replica?.close();
    },
  };
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
