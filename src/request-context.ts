import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from './access/viewer.js';
import type { AuditTrail } from './audit/audit-trail.js';
import { run, sqlf, sqlState, type StatementTally } from './platform/database/sql.js';
import type { SecretBox, TargetPolicy } from './notifications/index.js';
import type { Cursors } from './platform/graphql/connection.js';
import type { Logger } from './platform/logging.js';
import { ConflictError, UnauthenticatedError } from './platform/errors.js';

/** PostgreSQL errors that mean "someone else changed the same data at the same moment": the caller may retry. */
const CONCURRENT_CHANGE = new Set(['23505', '40001', '40P01']);

/** Settings that domain services read; a subset of the configuration. */
export interface DomainSettings {
  conflictMarginDays: number;
  /** Secret key for BSN pseudonyms (PSEUDONYM_KEY_FILE, or generated into the data directory in development). */
  pseudonymKey: Buffer;
  /** Makes and checks the connections' cursors (only the server's own are accepted). */
  cursors: Cursors;
  /** Seals the webhook signing secrets (a key outside the database). */
  webhookSecrets: SecretBox;
  /** Where webhooks may go (notifications/webhook-target.ts). */
  webhookTargets: TargetPolicy;
  /** The `source` of the CloudEvents this installation sends (EVENT_SOURCE). */
  eventSource: string;
}

/**
 * Everything one request works with: who is calling, its own EntityManager fork (identity map and loaders live
 * exactly as long as the request), its audit trail and a clock that tests can control.
 */
export interface RequestContext {
  readonly viewer: Viewer | undefined;
  readonly em: EntityManager;
  readonly requestId: string;
  /** The log, with this request's id on every line. Never given personal data or request content. */
  readonly log: Logger;
  readonly audit: AuditTrail;
  readonly settings: DomainSettings;
  readonly now: () => Date;
  /** The per-request instance made by `factory`, created on first use. */
  loader<T>(factory: (context: RequestContext) => T): T;
  /** Set when the request carried a token that was rejected: the request fails, it never runs anonymously. */
  readonly authError?: Error;
  /** The SQL statements this request issued, and how many it may (REQUEST_STATEMENT_LIMIT). */
  readonly statements: StatementTally;
  /** The kind of GraphQL operation, once Apollo has resolved it (platform/graphql/operation-kind.ts). */
  operation?: 'query' | 'mutation' | 'subscription';
  /** The read replica's EntityManager for this request (DATABASE_READ_URL), forked on first use; undefined without one or while it does not answer. */
  readonly replica?: () => EntityManager | undefined;
}

/**
 * Where a read that tolerates a little staleness goes — a list, a planning view, the supervisory load: the read
 * replica in a query operation, when there is one. In a mutation (its checks, its writes — every `inTransaction`
 * is a mutation's — and its read-back) and for reads by id, everything stays on the primary, so a request always reads its own writes
 * and a client that just wrote something finds it by its id (docs/deployment.md).
 */
export function replicaReads(context: RequestContext): EntityManager {
  if (!context.replica || context.operation !== 'query') return context.em;
  return context.replica() ?? context.em;
}

export function requireViewer(context: RequestContext): Viewer {
  if (!context.viewer) throw new UnauthenticatedError();
  return context.viewer;
}

export function createLoaderCache(): <T>(context: RequestContext, factory: (context: RequestContext) => T) => T {
  const cache = new Map<unknown, unknown>();
  return <T>(context: RequestContext, factory: (context: RequestContext) => T): T => {
    if (!cache.has(factory)) cache.set(factory, factory(context));
    return cache.get(factory) as T;
  };
}

/**
 * Runs `work` in one READ COMMITTED transaction on the request's EntityManager and writes the audit events it
 * recorded in that same transaction: the change and its audit commit together or not at all.
 *
 * READ COMMITTED is set explicitly, never assumed: the write paths lock, then check, then insert, and rely on each
 * statement seeing what committed before it (a database whose default is REPEATABLE READ would lose conflicts).
 * The transaction names the caller's organisation for row-level security (docs/security.md).
 */
export async function inTransaction<T>(context: RequestContext, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const mark = context.audit.checkpoint();
  try {
    return await context.em.transactional(
      async (em) => {
        await nameOrganisation(em, context);
        const result = await work(em);
        await em.flush();
        await context.audit.writeWithin(em, mark);
        return result;
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
  } catch (error) {
    context.audit.rollbackTo(mark);
    if (CONCURRENT_CHANGE.has(sqlState(error) ?? '')) {
      throw new ConflictError('The same data was changed by another request at the same moment; nothing was written. Try again.');
    }
    throw error;
  }
}

/**
 * Runs reads of row-secured tables (signals and their routings, the audit log) in a short read-only transaction
 * that names the caller's organisation, so the database itself filters what the caller may not see. Inside a
 * transaction of `inTransaction` it simply runs there. `from` is the primary's EntityManager unless the read may
 * go to the replica (`replicaReads`).
 */
export async function asOrganisation<T>(context: RequestContext, work: (em: EntityManager) => Promise<T>, from: EntityManager = context.em): Promise<T> {
  if (from.isInTransaction()) return work(from);
  return from.transactional(
    async (em) => {
      await nameOrganisation(em, context);
      return work(em);
    },
    { isolationLevel: IsolationLevel.READ_COMMITTED, readOnly: true },
  );
}

/** Transaction-local: a pooled connection never carries one caller's organisation into another's request. */
async function nameOrganisation(em: EntityManager, context: RequestContext): Promise<void> {
  await run(em, sqlf`select set_config('app.organisation', ${requireViewer(context).organisation}, true)`);
}
