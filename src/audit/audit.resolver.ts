import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Requires } from '../access/operation-access.js';
import type { Page } from '../platform/graphql/connection.js';
import type { RequestContext } from '../request-context.js';
import { listAuditEvents } from './audit.service.js';
import { AuditEvent, AuditEventConnection, AuditEventFilter } from './audit.types.js';

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, {
    description: "Who accessed your organisation's data, and what your organisation's people did (AUDITOR).",
  })
  @Requires('audit.read')
  auditEvents(
    @Ctx() context: RequestContext,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<AuditEvent>> {
    return listAuditEvents(context, filter, first, after);
  }
}
