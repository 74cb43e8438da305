import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from './access/viewer.js';
import type { AuditTrail } from './audit/audit-trail.js';
import { ConflictError, UnauthenticatedError } from './platform/errors.js';

/** PostgreSQL errors that mean "someone else changed the same data at the same moment": the caller may retry. */
const CONCURRENT_CHANGE = new Set(['23505', '40001', '40P01']);

/** Settings that domain services read; a subset of the configuration. */
export interface DomainSettings {
  conflictMarginDays: number;
  /** Secret key for BSN pseudonyms (PSEUDONYM_KEY_FILE, or generated into the data directory in development). */
  pseudonymKey: Buffer;
}

/**
 * Everything one request works with: who is calling, its own EntityManager fork (identity map and loaders live
 * exactly as long as the request), its audit trail and a clock that tests can control.
 */
export interface RequestContext {
  readonly viewer: Viewer | undefined;
  readonly em: EntityManager;
  readonly requestId: string;
  readonly audit: AuditTrail;
  readonly settings: DomainSettings;
  readonly now: () => Date;
  /** The per-request instance made by `factory`, created on first use. */
  loader<T>(factory: (context: RequestContext) => T): T;
  /** Set when the request carried a token that was rejected: the request fails, it never runs anonymously. */
  readonly authError?: Error;
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
 */
export async function inTransaction<T>(context: RequestContext, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const mark = context.audit.checkpoint();
  try {
    return await context.em.transactional(async (em) => {
      const result = await work(em);
      await em.flush();
      await context.audit.writeWithin(em, mark);
      return result;
    });
  } catch (error) {
    context.audit.rollbackTo(mark);
    if (CONCURRENT_CHANGE.has((error as { code?: string }).code ?? '')) {
      throw new ConflictError('The same data was changed by another request at the same moment; nothing was written. Try again.');
    }
    throw error;
  }
}
