import { DataloaderType, type Constructor, type EntityManager, type LoggerOptions, type LogContext, type Logger as OrmLogger } from '@mikro-orm/core';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import { MikroORM, defineConfig, type Options } from '@mikro-orm/postgresql';
import type { Logger } from '../logging.js';

export type Orm = MikroORM;
export type { EntityManager };

export interface MigrationEntry {
  name: string;
  class: Constructor<Migration>;
}

export interface OrmOptions {
  url: string;
  entities: Array<abstract new (...args: never[]) => object>;
  migrations: MigrationEntry[];
  logger: Logger;
  poolSize?: number;
  /** Only the migration generator writes the snapshot; running migrations must never touch the repository. */
  snapshot?: boolean;
  /**
   * Set on every connection, so that one slow statement or a forgotten open transaction cannot hold locks for
   * ever. Migrations run without them.
   */
  timeouts?: { statementMs: number; idleInTransactionMs: number };
}

/**
 * One MikroORM instance per process. Requests work on `orm.em.fork()` only (allowGlobalContext is off), so the
 * identity map lives exactly as long as one request.
 */
export function ormConfig(options: OrmOptions): Options {
  const { logger } = options;
  return defineConfig({
    clientUrl: options.url,
    entities: options.entities,
    extensions: [Migrator],
    allowGlobalContext: false,
    forceUtcTimezone: true,
    dataloader: DataloaderType.ALL,
    discovery: { warnWhenNoEntities: false },
    pool: {
      min: 0,
      max: options.poolSize ?? 10,
      // Without the database, a request fails within seconds instead of queueing for a connection for a minute.
      acquireTimeoutMillis: 5_000,
      // Every connection works READ COMMITTED, also for statements outside a transaction (the audit writer of reads):
      // a database whose default is REPEATABLE READ would otherwise fail them on a concurrent chain-head update.
      afterCreate: (connection: { query: (text: string, done: (error?: Error) => void) => void }, done: (error: Error | undefined, connection: unknown) => void) => {
        connection.query("set default_transaction_isolation = 'read committed'", (error) => done(error, connection));
      },
    },
    driverOptions: options.timeouts
      ? {
          connection: {
            statement_timeout: options.timeouts.statementMs,
            idle_in_transaction_session_timeout: options.timeouts.idleInTransactionMs,
            connectionTimeoutMillis: 5_000,
          },
        }
      : {},
    debug: false,
    loggerFactory: (loggerOptions: LoggerOptions) => new PinoOrmLogger(loggerOptions, logger),
    migrations: {
      path: 'migrations',
      pathTs: 'migrations',
      tableName: 'mikro_orm_migrations',
      migrationsList: options.migrations,
      snapshot: options.snapshot ?? false,
      snapshotName: '.snapshot',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      silent: true,
    },
    schemaGenerator: { disableForeignKeys: false },
  });
}

export async function createOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init(ormConfig(options));
}

class PinoOrmLogger implements OrmLogger {
  constructor(
    private readonly options: LoggerOptions,
    private readonly logger: Logger,
  ) {}

  log(namespace: string, message: string, context?: LogContext): void {
    if (namespace === 'query') return;
    this.logger.debug({ component: 'orm', namespace, label: context?.label }, message);
  }

  error(namespace: string, message: string, context?: LogContext): void {
    this.logger.error({ component: 'orm', namespace, label: context?.label }, message);
  }

  warn(namespace: string, message: string, context?: LogContext): void {
    this.logger.warn({ component: 'orm', namespace, label: context?.label }, message);
  }

  /** Statements are counted and timed at the query builder (platform/database/sql.ts), not here. */
  logQuery(): void {}

  setDebugMode(): void {}

  isEnabled(namespace: string): boolean {
    return namespace !== 'query' && this.options.debugMode !== false;
  }
}
