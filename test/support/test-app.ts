import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { TrustedIssuer } from '../../src/access/issuers.js';
import { Role } from '../../src/access/roles.js';
import { TestIssuer } from './test-issuer.js';
import { buildApp, type App } from '../../src/app.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from '../../src/modules.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { createOrm, type Orm } from '../../src/platform/database/orm.js';
import { createLogger, type Logger } from '../../src/platform/logging.js';
import type { DemoPersona } from '../../src/platform/http/graphiql.js';

export { Role };
export { TestIssuer };

/** A clock the tests move by hand. */
export class TestClock {
  private current: number;
  constructor(start = '2026-11-23T09:00:00Z') {
    this.current = Date.parse(start);
  }
  now = (): Date => new Date(this.current);
  set(iso: string): void {
    this.current = Date.parse(iso);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface GraphQLResult<Data = Record<string, unknown>> {
  status: number;
  data?: Data | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Talks to the app in-process (no sockets), like a partner system would over HTTP. */
export class GraphQLClient {
  constructor(
    private readonly app: App,
    readonly token: string | undefined,
  ) {}

  async request<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<Data>> {
    const response = await this.app.http.inject({
      method: 'POST',
      url: '/graphql',
      headers: {
        'content-type': 'application/json',
        ...(this.token !== undefined ? { authorization: `Bearer ${this.token}` } : {}),
      },
      payload: JSON.stringify({ query, variables }),
    });
    return { status: response.statusCode, ...(JSON.parse(response.body) as Omit<GraphQLResult<Data>, 'status'>) };
  }

  /** The data of a query that must succeed. */
  async ok<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<Data> {
    const result = await this.request<Data>(query, variables);
    if (result.errors?.length) throw new Error(`expected success, got ${JSON.stringify(result.errors, null, 2)}`);
    return result.data as Data;
  }

  /** The first error of a request that must fail. */
  async fails(query: string, variables?: Record<string, unknown>) {
    const result = await this.request(query, variables);
    const error = result.errors?.[0];
    if (!error) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return { ...error, code: error.extensions?.code as string | undefined, field: error.extensions?.field as string | undefined, result };
  }
}

export interface TestApp {
  app: App;
  config: Config;
  clock: TestClock;
  issuer: TestIssuer;
  /** The test database as the application role (what the app connects as) and as the schema owner. */
  databaseUrl: string;
  ownerUrl: string;
  /** The test database as the cluster's superuser. */
  adminUrl: string;
  /** The key the app signs audit checkpoints with (written to config.auditCheckpointDir). */
  auditKey: Buffer;
  logger: Logger;
  as(org: string, roles: readonly Role[], sub?: string): Promise<GraphQLClient>;
  withToken(token: string): GraphQLClient;
  anonymous(): GraphQLClient;
  /** Runs SQL directly against the test database as superuser, for set-up and for checking what was stored. */
  sql<Row = Record<string, any>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** An EntityManager connected as the schema owner (what the audit verifier uses), closed with the app. */
  ownerEm(): Promise<EntityManager>;
  close(): Promise<void>;
}

let databases = 0;

export interface TestDatabase {
  name: string;
  /** The application role: what the service connects as. */
  appUrl: string;
  /** The schema owner: what migrations and the audit verifier connect as. */
  ownerUrl: string;
  /** The cluster's superuser, for set-up and for looking at what was stored. */
  adminUrl: string;
}

/** A fresh database, copied from the migrated template, for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  const name = `test_${process.pid}_${++databases}_${randomBytes(3).toString('hex')}`;
  try {
    await admin.query(`create database "${name}" template "${inject('templateDatabase')}" owner samenloop_owner`);
  } finally {
    await admin.end();
  }
  const withName = (base: string) => {
    const url = new URL(base);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return { name, appUrl: withName(inject('appUrl')), ownerUrl: withName(inject('ownerUrl')), adminUrl: withName(inject('adminUrl')) };
}

/** What a production-mode test app needs besides its database (the files only have to exist; keys come from the test). */
export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://unused@localhost/unused',
  TRUSTED_ISSUERS_FILE: 'package.json',
  PSEUDONYM_KEY_FILE: 'package.json',
  AUDIT_KEY_FILE: 'package.json',
  EVENT_SOURCE: 'urn:nld:oin:00000001234567890000:systeem:samenloop',
};

export interface TestAppOptions {
  env?: Record<string, string>;
  issuers?: (issuer: TestIssuer) => TrustedIssuer[];
  clock?: TestClock;
  logger?: Logger;
  /** Runs as superuser on the fresh database before the app connects (e.g. to change its defaults). */
  prepareDatabase?: (database: TestDatabase) => Promise<void>;
  /** How webhook hosts resolve (SSRF tests answer with the addresses they need; nothing is looked up). */
  resolveHost?: (host: string) => Promise<string[]>;
  /** Development mode only: the demo personas offered by GraphiQL and the console, with tokens of the test issuer. */
  demoPersonas?: (issuer: TestIssuer) => Promise<DemoPersona[]>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  if (options.prepareDatabase) await options.prepareDatabase(database);
  const issuer = await TestIssuer.create();
  const clock = options.clock ?? new TestClock(new Date().toISOString());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_POOL_SIZE: '6',
    // The delivery worker runs when a test says so (app.deliveries.runOnce), or with WEBHOOK_POLL_MS set.
    WEBHOOK_POLL_MS: '0',
    AUDIT_CHECKPOINT_DIR: mkdtempSync(path.join(os.tmpdir(), 'samenloop-checkpoints-')),
    ...options.env,
  });
  // Printable, like the keys the server generates: the same bytes come back when a test writes it to a key file.
  const auditKey = Buffer.from(randomBytes(32).toString('base64url'));
  const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const app = await buildApp({
    config,
    databaseUrl: database.appUrl,
    logger,
    issuers: options.issuers ? options.issuers(issuer) : [issuer.trusted()],
    pseudonymKey: randomBytes(32),
    auditKey,
    clock: clock.now,
    // No test looks a host name up in real DNS: webhook tests target 127.0.0.1, or answer from their own resolver.
    resolveHost: options.resolveHost ?? (async (host) => Promise.reject(new Error(`tests resolve no host names (${host})`))),
    ...(options.demoPersonas ? { demoPersonas: () => options.demoPersonas!(issuer) } : {}),
  });
  const pool = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  let owner: Promise<Orm> | undefined;
  return {
    app,
    config,
    clock,
    issuer,
    databaseUrl: database.appUrl,
    ownerUrl: database.ownerUrl,
    adminUrl: database.adminUrl,
    auditKey,
    logger,
    async as(org, roles, sub) {
      return new GraphQLClient(app, await issuer.token(org, roles, { sub }, Math.floor(clock.now().getTime() / 1000)));
    },
    withToken: (token) => new GraphQLClient(app, token),
    anonymous: () => new GraphQLClient(app, undefined),
    async sql<Row>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as Row[];
    },
    async ownerEm() {
      owner ??= createOrm({ url: database.ownerUrl, entities: ENTITIES, migrations: MIGRATIONS, logger, poolSize: 2 });
      return (await owner).em.fork();
    },
    async close() {
      try {
        await app.close();
      } finally {
        await pool.end();
        if (owner) await (await owner).close();
      }
    },
  };
}
