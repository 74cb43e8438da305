import 'reflect-metadata';
import { loadDevIssuer, type DevIssuer } from './access/dev-issuer.js';
import { readTrustedIssuersFile, type TrustedIssuer } from './access/issuers.js';
import { buildApp, type App } from './app.js';
import { AuditWriter } from './audit/index.js';
import { loadDemoData } from './demo/demo-data.js';
import { demoTokens } from './demo/personas.js';
import { loadConfig, type Config } from './platform/config.js';
import type { DemoPersona } from './platform/http/graphiql.js';
import { openDatabase, type OpenDatabase } from './platform/database/connect.js';
import { waitForDatabase } from './platform/database/availability.js';
import { migrateAsOwner } from './platform/database/migrate.js';
import { schemaLag } from './platform/database/schema-state.js';
import { createLogger, type Logger } from './platform/logging.js';
import { loadSecretKey } from './platform/secrets.js';

/** Composition root: configuration → database → schema → server. */
async function main(): Promise<void> {
  const config = await orExit(() => loadConfig(), (error) => error.message);
  const logger = createLogger(config.logLevel);
  const { issuers, devIssuer } = await orExit(() => readIssuers(config, logger));
  const { pseudonymKey, auditKey } = await orExit(() => readKeys(config));

  const running: Running = { stopping: false };
  stopOnSignals(running, config, logger);

  running.database = await openDatabase(config, logger);
  const { urls } = running.database;
  await waitForDatabase(urls.owner ?? urls.app, config.databaseConnectTimeoutMs, logger);
  if (urls.owner) await migrateAsOwner(urls.owner, logger);

  // The same tokens are offered in GraphiQL and printed below.
  const personas = devIssuer && config.environment === 'development' ? await demoTokens(devIssuer) : [];
  const app = await buildApp({
    config,
    databaseUrl: urls.app,
    logger,
    issuers,
    pseudonymKey,
    auditKey,
    demoPersonas: async () => personas,
  });
  running.app = app;
  await requireMigrated(app);
  if (config.environment === 'development') await loadDemo(app, logger);
  await app.http.listen({ host: config.host, port: config.port });
  // Only the host itself reads the metrics: never the public port in production (docs/deployment.md).
  if (app.metricsHttp) await app.metricsHttp.listen({ host: config.metricsHost, port: config.metricsPort! });
  if (running.stopping) return;
  printWelcome(config, personas, logger);
}

/** What a signal has to stop; `stopping` once the first one came. */
interface Running {
  app?: App;
  database?: OpenDatabase;
  stopping: boolean;
}

/** A step before anything runs: when it fails, one sentence on stderr and exit 1. */
async function orExit<T>(step: () => T | Promise<T>, sentence = (error: Error) => `Samenloop cannot start: ${error.message}`): Promise<T> {
  try {
    return await step();
  } catch (error) {
    console.error(sentence(error as Error));
    process.exit(1);
  }
}

async function readIssuers(config: Config, logger: Logger): Promise<{ issuers: TrustedIssuer[]; devIssuer?: DevIssuer }> {
  if (config.trustedIssuersFile) return { issuers: readTrustedIssuersFile(config.trustedIssuersFile) };
  const devIssuer = await loadDevIssuer(config.dataDir);
  logger.warn('TRUSTED_ISSUERS_FILE is not set: trusting the local development issuer for every organisation');
  return { issuers: [devIssuer.trusted], devIssuer };
}

function readKeys(config: Config): { pseudonymKey: Buffer; auditKey: Buffer } {
  return {
    pseudonymKey: loadSecretKey({ file: config.pseudonymKeyFile, variable: 'PSEUDONYM_KEY_FILE', dataDir: config.dataDir, generatedName: 'pseudonym-key' }),
    auditKey: loadSecretKey({ file: config.auditKeyFile, variable: 'AUDIT_KEY_FILE', dataDir: config.dataDir, generatedName: 'audit-key' }),
  };
}

/** SIGINT and SIGTERM: finish the requests in flight and stop, within the grace period; a second signal stops at once. */
function stopOnSignals(running: Running, config: Config, logger: Logger): void {
  const shutdown = async (signal: string) => {
    if (running.stopping) {
      logger.warn(`${signal} again: stopping immediately`);
      process.exit(1);
    }
    running.stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; stopping anyway');
      process.exit(1);
    }, config.shutdownGraceMs + 5_000);
    force.unref();
    try {
      await running.app?.close();
      await running.database?.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function requireMigrated(app: App): Promise<void> {
  const lag = await schemaLag(app.orm.em.fork());
  if (lag) {
    throw new Error(`${lag} Run \`npm run migrate\` (it needs DATABASE_OWNER_URL), or set DATABASE_OWNER_URL so that the server applies them at start-up.`);
  }
}

async function loadDemo(app: App, logger: Logger): Promise<void> {
  const writer = new AuditWriter(() => app.orm.em.fork());
  await loadDemoData(app.orm, writer, app.settings, logger);
  await writer.close();
}

function printWelcome(config: Config, tokens: readonly DemoPersona[], logger: Logger): void {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = `http://${host}:${config.port}`;
  logger.info({ url: `${base}/graphql` }, 'Samenloop is ready');
  if (tokens.length === 0) return;
  const lines = [
    '',
    `  Samenloop is running.`,
    `  Planner console:     ${base}/console   (pick a demo persona to sign in)`,
    `  GraphQL + GraphiQL:  ${base}/graphql`,
    `  Health:              ${base}/healthz   ${base}/readyz   ${base}/metrics`,
    '',
    '  Demo tokens (valid 12 hours; GraphiQL offers them too, or run `npm run token -- --org IGJ --roles PLANNER`):',
    ...tokens.flatMap((persona) => [`  • ${persona.label}`, `    ${persona.token}`]),
    '',
    '  Try:  curl -s -H "authorization: Bearer <token>" -H "content-type: application/json" \\',
    `          --data '{"query":"{ me { organisation { code } roles } }"}' ${base}/graphql`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  // The embedded database, if any, is stopped by its exit hook.
  console.error(`Samenloop could not start: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
