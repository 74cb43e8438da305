import { requireAction } from '../access/policy.js';
import { fragment, isoTimestamp, joinSql, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { BadUserInputError } from '../platform/errors.js';
import { cursorPart, type Page } from '../platform/graphql/connection.js';
import { asOrganisation, requireViewer, type RequestContext } from '../request-context.js';
import type { AuditEvent, AuditEventFilter } from './audit.types.js';

/**
 * The audit events an organisation's auditors may read: what its own people did, in full, and what anyone did to
 * its data — reduced to its own part: the ids of its own records, itself as owner, and no details (which may
 * describe other organisations' records). Newest first.
 */
export async function listAuditEvents(
  context: RequestContext,
  filter: AuditEventFilter | null | undefined,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Page<AuditEvent>> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'audit.read');
  const page = context.settings.cursors.request(first, after, [cursorPart.integer]);
  if (filter?.from && filter.to && filter.from > filter.to) {
    throw new BadUserInputError('filter.to', 'to lies before from.');
  }
  const mine = viewer.organisation;
  const conditions: SqlFragment[] = [sqlf`(e.actor_organisation = ${mine} or ${mine} = any(e.owner_organisations))`];
  if (filter?.from) conditions.push(sqlf`e.occurred_at >= ${filter.from}`);
  if (filter?.to) conditions.push(sqlf`e.occurred_at < ${filter.to}`);
  if (filter?.actorOrganisationCode) conditions.push(sqlf`e.actor_organisation = ${filter.actorOrganisationCode}`);
  if (filter?.resourceType) conditions.push(sqlf`e.resource_type = ${filter.resourceType}`);
  const where = joinSql(conditions, ' and ');
  const own = sqlf`e.actor_organisation = ${mine}`;
  return page.read<AuditEvent>({
    where,
    after: ([id]) => sqlf`e.id < ${id}::bigint`,
    select: (condition, limit) =>
      sqlf`select e.id::text as id, ${fragment(isoTimestamp('e.occurred_at'))} as "occurredAt", e.request_id as "requestId", e.actor_sub as "actorSub",
         e.actor_organisation as "actorOrganisationCode", e.actor_roles as "actorRoles", e.operation, e.resource_type as "resourceType",
         case when ${own} or e.resource_owners is null then e.resource_ids
              else array(select jsonb_array_elements_text(e.resource_owners -> ${mine})) end as "resourceIds",
         case when ${own} then e.owner_organisations else array[${mine}]::text[] end as "ownerOrganisationCodes",
         e.outcome, case when ${own} then e.details end as details
       from audit_event e where ${condition}
       order by e.id desc limit ${limit}`,
    count: sqlf`select count(*) from audit_event e where ${where}`,
    run: (query) => asOrganisation(context, (em) => run(em, query)),
    keyOf: (row) => [row.id],
    audit: (shown) =>
      context.audit.record({ operation: 'auditEvents', resourceType: 'AuditEvent', resources: shown.map((row) => ({ id: row.id, owners: [viewer.organisation] })) }),
  });
}
