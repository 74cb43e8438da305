import { requireAction } from '../access/policy.js';
import { isoTimestamp, sql } from '../platform/database/sql.js';
import { BadUserInputError } from '../platform/errors.js';
import { cursorPart, pageSize, type Page } from '../platform/graphql/connection.js';
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
  const limit = pageSize(first);
  const cursor = context.settings.cursors.decode(after, [cursorPart.integer]);
  if (filter?.from && filter.to && filter.from > filter.to) {
    throw new BadUserInputError('filter.to', 'to lies before from.');
  }
  const conditions = ['(e.actor_organisation = ? or ? = any(e.owner_organisations))'];
  const params: unknown[] = [viewer.organisation, viewer.organisation];
  const add = (condition: string, value: unknown) => {
    conditions.push(condition);
    params.push(value);
  };
  if (filter?.from) add('e.occurred_at >= ?', filter.from);
  if (filter?.to) add('e.occurred_at < ?', filter.to);
  if (filter?.actorOrganisationCode) add('e.actor_organisation = ?', filter.actorOrganisationCode);
  if (filter?.resourceType) add('e.resource_type = ?', filter.resourceType);
  const where = conditions.join(' and ');
  const own = `e.actor_organisation = ?`;
  const rows = await asOrganisation(context, (em) =>
    sql<AuditEvent>(
      em,
      `select e.id::text as id, ${isoTimestamp('e.occurred_at')} as "occurredAt", e.request_id as "requestId", e.actor_sub as "actorSub",
         e.actor_organisation as "actorOrganisationCode", e.actor_roles as "actorRoles", e.operation, e.resource_type as "resourceType",
         case when ${own} or e.resource_owners is null then e.resource_ids
              else array(select jsonb_array_elements_text(e.resource_owners -> ?)) end as "resourceIds",
         case when ${own} then e.owner_organisations else array[?]::text[] end as "ownerOrganisationCodes",
         e.outcome, case when ${own} then e.details end as details
       from audit_event e where ${where} ${cursor ? 'and e.id < ?::bigint' : ''}
       order by e.id desc limit ?`,
      [...Array<string>(5).fill(viewer.organisation), ...params, ...(cursor ?? []), limit + 1],
    ),
  );
  const shown = rows.slice(0, limit);
  context.audit.record({
    operation: 'auditEvents',
    resourceType: 'AuditEvent',
    resources: shown.map((row) => ({ id: row.id, owners: [viewer.organisation] })),
  });
  return context.settings.cursors.page(
    rows,
    limit,
    cursor !== undefined,
    (row) => row,
    (row) => [row.id],
    async () => {
      const [count] = await asOrganisation(context, (em) => sql<{ count: string }>(em, `select count(*) from audit_event e where ${where}`, params));
      return Number(count?.count ?? 0);
    },
  );
}
