import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import type { Authenticator, Clock } from './access/authenticate.js';
import { AuditTrail, type AuditWriter } from './audit/index.js';
import type { Orm } from './platform/database/orm.js';
import type { ReadReplica } from './platform/database/read-replica.js';
import { TokenRejectedError } from './platform/errors.js';
import type { Logger } from './platform/logging.js';
import { createLoaderCache, type DomainSettings, type RequestContext } from './request-context.js';

export interface HttpContextSources {
  orm: Orm;
  replica: ReadReplica | undefined;
  authenticator: Authenticator;
  auditWriter: AuditWriter;
  settings: DomainSettings;
  clock: Clock;
  logger: Logger;
  /** REQUEST_STATEMENT_LIMIT. */
  statementLimit: number;
}

/**
 * The request context of an HTTP request — the same for a GraphQL request and for a REST bridge request. One per
 * request, made once: the rate limit asks who is calling before the handler runs.
 */
export function httpContexts(sources: HttpContextSources): (request: FastifyRequest) => Promise<RequestContext> {
  const contexts = new WeakMap<FastifyRequest, Promise<RequestContext>>();
  return (request) => {
    let context = contexts.get(request);
    if (!context) contexts.set(request, (context = httpContext(sources, request)));
    return context;
  };
}

async function httpContext(sources: HttpContextSources, request: FastifyRequest): Promise<RequestContext> {
  const { orm, replica, authenticator, auditWriter, settings, clock, logger } = sources;
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
    statements: { count: 0, limit: sources.statementLimit },
    ...(replica ? { replica: () => (replicaEm ??= replica.fork()) } : {}),
  };
  return context;
}
