import type { EntityManager } from '@mikro-orm/postgresql';
import { organisationKindOf } from './access/organisations.js';
import type { Role } from './access/roles.js';
import type { Viewer } from './access/viewer.js';
import { AuditTrail, type AuditWriter } from './audit/index.js';
import { createLogger, type Logger } from './platform/logging.js';
import { createLoaderCache, type DomainSettings, type RequestContext } from './request-context.js';

/**
 * A request context for work the service does on its own behalf (demo data, maintenance commands). It acts as
 * a named system subject of an organisation, goes through the same services and policy, and is audited.
 */
export function systemContext(options: {
  em: EntityManager;
  organisation: string;
  roles: readonly Role[];
  sub: string;
  writer: AuditWriter;
  settings: DomainSettings;
  now?: () => Date;
  log?: Logger;
}): RequestContext {
  const kind = organisationKindOf(options.organisation);
  if (!kind) throw new Error(`Not an organisation code: ${options.organisation}`);
  const viewer: Viewer = {
    sub: options.sub,
    organisation: options.organisation,
    kind,
    roles: new Set(options.roles),
    issuer: 'urn:samenloop:system',
  };
  const now = options.now ?? (() => new Date());
  const cache = createLoaderCache();
  const context: RequestContext = {
    viewer,
    em: options.em.fork(),
    requestId: `system-${Date.now().toString(36)}`,
    log: options.log ?? createLogger('silent'),
    audit: new AuditTrail(viewer, null, options.writer, now),
    settings: options.settings,
    now,
    loader: (factory) => cache(context, factory),
    statements: { count: 0 }, // work the service does itself is not limited
  };
  return context;
}
