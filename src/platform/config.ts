import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Configuration is read from the environment exactly once, at start-up, and validated as a whole:
 * every problem is reported in one sentence so that an operator can fix them all in one go.
 */
export type Environment = 'development' | 'test' | 'production';

export interface Config {
  environment: Environment;
  host: string;
  port: number;
  /** The application role's connection; undefined: use the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  /** The schema owner's connection, for migrations and the audit verifier; only with `databaseUrl`. */
  databaseOwnerUrl: string | undefined;
  /** Longest a single SQL statement may run before PostgreSQL cancels it. */
  statementTimeoutMs: number;
  /** Longest a connection may sit idle inside a transaction (holding its locks) before PostgreSQL ends it. */
  idleInTransactionTimeoutMs: number;
  /** undefined: trust the local development issuer (never in production). */
  trustedIssuersFile: string | undefined;
  conflictMarginDays: number;
  dataDir: string;
  logLevel: string;
  /** Path of the file holding the key for BSN pseudonyms; undefined in development: generated into `dataDir`. */
  pseudonymKeyFile: string | undefined;
  /** Path of the file holding the key that signs audit checkpoints; undefined in development: generated into `dataDir`. */
  auditKeyFile: string | undefined;
  /** Where signed audit checkpoints are written: outside the database. */
  auditCheckpointDir: string;
  databasePoolSize: number;
  /** Grace period for in-flight requests on SIGTERM / Ctrl-C. */
  shutdownGraceMs: number;
  /** Serve the REST bridge's interactive documentation at /api/v1/docs (API_DOCS; off in production by default). */
  apiDocs: boolean;
  /** The `source` of the CloudEvents sent: urn:nld:oin:<OIN>:systeem:<name> in production. */
  eventSource: string;
  /** Hosts webhooks may target even when they resolve to private addresses (production). */
  webhookAllowedHosts: ReadonlySet<string>;
  /** How often the delivery worker looks for due deliveries, in ms; 0: it does not run on its own. */
  webhookPollMs: number;
  /** A streaming replica for reads that tolerate a little staleness (lists, planning views, load); undefined: none. */
  databaseReadUrl: string | undefined;
  /** How long start-up waits for the database before it gives up with one sentence and exit 1. */
  databaseConnectTimeoutMs: number;
  /** The port /metrics is served on, bound to 127.0.0.1 (always in production: 9464 by default); undefined: the main port. */
  metricsPort: number | undefined;
  /** The interface /metrics listens on (METRICS_HOST): 127.0.0.1 unless the scraper sits outside the process's host or container. */
  metricsHost: string;
  /** Mutations one client (organisation + sub) may send per minute to this replica; 0: no limit. */
  mutationsPerMinute: number;
  /** SQL statements one request may issue before it is stopped with REQUEST_TOO_EXPENSIVE. */
  requestStatementLimit: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Samenloop cannot start: ${problems.join(' ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

/** What every reader below works with; each adds the problems it finds, so that all are reported at once. */
interface Reading {
  /** The variable's value, trimmed; blank counts as unset. */
  value: (name: string) => string | undefined;
  /** Where relative paths start. */
  cwd: string;
  environment: Environment;
  production: boolean;
  problems: string[];
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const environment = parseEnvironment(value('NODE_ENV'), problems);
  const reading: Reading = { value, cwd, environment, production: environment === 'production', problems };

  const http = readHttp(reading);
  const config: Config = {
    environment,
    ...http,
    ...readMetrics(reading, http.port),
    ...readDatabase(reading),
    ...readKeyFiles(reading),
    ...readLogging(reading),
    ...readEvents(reading),
    ...readRequestLimits(reading),
    ...readPlanning(reading),
    ...readDirectories(reading),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readHttp({ value, production, problems }: Reading): Pick<Config, 'host' | 'port' | 'shutdownGraceMs' | 'apiDocs'> {
  const host = value('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');
  const port = parseInteger('PORT', value('PORT'), 4000, 1, 65535, problems);
  const shutdownGraceMs = parseInteger('SHUTDOWN_GRACE_MS', value('SHUTDOWN_GRACE_MS'), 10_000, 0, 300_000, problems);
  const apiDocsRaw = value('API_DOCS');
  if (apiDocsRaw !== undefined && !['on', 'off'].includes(apiDocsRaw)) problems.push(`API_DOCS must be on or off (got "${apiDocsRaw}").`);
  return { host, port, shutdownGraceMs, apiDocs: apiDocsRaw === undefined ? !production : apiDocsRaw === 'on' };
}

function readMetrics({ value, production, problems }: Reading, port: number): Pick<Config, 'metricsPort' | 'metricsHost'> {
  const metricsPortRaw = value('METRICS_PORT');
  const metricsPort = metricsPortRaw !== undefined || production ? parseInteger('METRICS_PORT', metricsPortRaw, 9464, 1, 65_535, problems) : undefined;
  // Compared only with a PORT that was read (an unreadable one stands in as its default, and is reported already).
  const portRaw = value('PORT');
  const portRead = portRaw === undefined || Number(portRaw) === port;
  if (metricsPort !== undefined && portRead && metricsPort === port) problems.push(`METRICS_PORT must differ from PORT (both ${port}).`);
  return { metricsPort, metricsHost: value('METRICS_HOST') ?? '127.0.0.1' };
}

type DatabaseSettings = Pick<
  Config,
  'databaseUrl' | 'databaseOwnerUrl' | 'databaseReadUrl' | 'databasePoolSize' | 'statementTimeoutMs' | 'idleInTransactionTimeoutMs' | 'databaseConnectTimeoutMs'
>;

function readDatabase({ value, production, problems }: Reading): DatabaseSettings {
  const databaseUrl = value('DATABASE_URL');
  const databaseOwnerUrl = value('DATABASE_OWNER_URL');
  const databaseReadUrl = value('DATABASE_READ_URL');
  checkPostgresUrl('DATABASE_URL', databaseUrl, problems);
  checkPostgresUrl('DATABASE_OWNER_URL', databaseOwnerUrl, problems);
  checkPostgresUrl('DATABASE_READ_URL', databaseReadUrl, problems);
  if (databaseUrl === undefined && production) {
    problems.push('DATABASE_URL is required in production (the embedded PostgreSQL is for development only).');
  }
  if (databaseOwnerUrl !== undefined && databaseUrl === undefined) {
    problems.push('DATABASE_OWNER_URL is only used together with DATABASE_URL (the embedded PostgreSQL provisions its own roles).');
  }
  if (databaseReadUrl !== undefined && databaseUrl === undefined) problems.push('DATABASE_READ_URL is only used together with DATABASE_URL.');
  return {
    databaseUrl,
    databaseOwnerUrl,
    databaseReadUrl,
    databasePoolSize: parseInteger('DATABASE_POOL_SIZE', value('DATABASE_POOL_SIZE'), 10, 1, 200, problems),
    statementTimeoutMs: parseInteger('DATABASE_STATEMENT_TIMEOUT_MS', value('DATABASE_STATEMENT_TIMEOUT_MS'), 15_000, 100, 3_600_000, problems),
    idleInTransactionTimeoutMs: parseInteger(
      'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
      value('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'),
      30_000,
      100,
      3_600_000,
      problems,
    ),
    databaseConnectTimeoutMs: parseInteger('DATABASE_CONNECT_TIMEOUT_MS', value('DATABASE_CONNECT_TIMEOUT_MS'), 30_000, 1_000, 600_000, problems),
  };
}

/** The files of whom to trust and of the secret keys: each must be readable, and in production each must be named. */
function readKeyFiles(reading: Reading): Pick<Config, 'trustedIssuersFile' | 'pseudonymKeyFile' | 'auditKeyFile'> {
  const { value } = reading;
  return {
    trustedIssuersFile: readFileSetting(reading, 'TRUSTED_ISSUERS_FILE', value('TRUSTED_ISSUERS_FILE'), 'name the JSON file that lists the token issuers to trust'),
    pseudonymKeyFile: readFileSetting(reading, 'PSEUDONYM_KEY_FILE', value('PSEUDONYM_KEY_FILE'), 'name the file holding the secret key for BSN pseudonyms'),
    auditKeyFile: readFileSetting(reading, 'AUDIT_KEY_FILE', value('AUDIT_KEY_FILE'), 'name the file holding the secret key that signs the audit checkpoints'),
  };
}

function readFileSetting({ cwd, production, problems }: Reading, name: string, raw: string | undefined, requiredBecause: string): string | undefined {
  if (raw !== undefined) {
    const file = path.resolve(cwd, raw);
    requireReadable(name, file, problems);
    return file;
  }
  if (production) problems.push(`${name} is required in production: ${requiredBecause}.`);
  return undefined;
}

function readLogging({ value, environment, problems }: Reading): Pick<Config, 'logLevel'> {
  const logLevel = value('LOG_LEVEL') ?? (environment === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}").`);
  }
  return { logLevel };
}

function readEvents({ value, production, problems }: Reading): Pick<Config, 'eventSource' | 'webhookAllowedHosts' | 'webhookPollMs'> {
  const eventSource = value('EVENT_SOURCE') ?? (production ? undefined : 'urn:nld:samenloop:development');
  if (eventSource === undefined) {
    problems.push('EVENT_SOURCE is required in production: the system\'s identity in events, urn:nld:oin:<OIN>:systeem:samenloop.');
  } else if (production && !/^urn:nld:oin:\d{20}:systeem:[a-z0-9-]+$/.test(eventSource)) {
    problems.push(`EVENT_SOURCE must look like urn:nld:oin:<20-digit OIN>:systeem:<name> in production (got "${eventSource}").`);
  }
  const webhookAllowedHosts = new Set(
    (value('WEBHOOK_ALLOWED_HOSTS') ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  );
  return {
    // Undefined only with a problem reported, and then loadConfig throws before the configuration is used.
    eventSource: eventSource!,
    webhookAllowedHosts,
    webhookPollMs: parseInteger('WEBHOOK_POLL_MS', value('WEBHOOK_POLL_MS'), 500, 0, 60_000, problems),
  };
}

function readRequestLimits({ value, problems }: Reading): Pick<Config, 'mutationsPerMinute' | 'requestStatementLimit'> {
  return {
    mutationsPerMinute: parseInteger('RATE_LIMIT_MUTATIONS_PER_MINUTE', value('RATE_LIMIT_MUTATIONS_PER_MINUTE'), 600, 0, 1_000_000, problems),
    requestStatementLimit: parseInteger('REQUEST_STATEMENT_LIMIT', value('REQUEST_STATEMENT_LIMIT'), 500, 5, 100_000, problems),
  };
}

function readPlanning({ value, problems }: Reading): Pick<Config, 'conflictMarginDays'> {
  return { conflictMarginDays: parseInteger('CONFLICT_MARGIN_DAYS', value('CONFLICT_MARGIN_DAYS'), 28, 0, 365, problems) };
}

function readDirectories({ value, cwd }: Reading): Pick<Config, 'dataDir' | 'auditCheckpointDir'> {
  const dataDir = path.resolve(cwd, value('DATA_DIR') ?? '.data');
  return { dataDir, auditCheckpointDir: path.resolve(cwd, value('AUDIT_CHECKPOINT_DIR') ?? path.join(dataDir, 'audit-checkpoints')) };
}

function parseEnvironment(raw: string | undefined, problems: string[]): Environment {
  if (raw === undefined || raw === 'development') return 'development';
  if (raw === 'production' || raw === 'test') return raw;
  problems.push(`NODE_ENV must be development, test or production (got "${raw}").`);
  return 'development';
}

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
    return fallback;
  }
  return parsed;
}

function checkPostgresUrl(name: string, url: string | undefined, problems: string[]): void {
  if (url === undefined) return;
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    problems.push(`${name} must be a URL of the form postgres://user:password@host:5432/database.`);
  }
}

function requireReadable(name: string, file: string, problems: string[]): void {
  try {
    accessSync(file, constants.R_OK);
  } catch {
    problems.push(`${name} names ${file}, which does not exist or cannot be read.`);
  }
}
