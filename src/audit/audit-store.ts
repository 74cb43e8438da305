import type { EntityManager } from '@mikro-orm/postgresql';
import { fragment, run, sqlf, type SqlFragment } from '../platform/database/sql.js';
import { contentDigest, type AuditContent } from './canonical.js';

/**
 * Appends audit rows in one statement. The rows travel as one JSON parameter; the chaining trigger fills in
 * shard, position and hashes in the order the rows are given.
 */
export async function insertAuditRows(em: EntityManager, rows: readonly AuditContent[]): Promise<void> {
  if (rows.length === 0) return;
  await run(em, auditInsertSql(rows));
}

/** A row as the insert reads it (one element of its JSON parameter), without its digest. */
export function auditColumns(row: AuditContent): Record<string, unknown> {
  return {
    occurred_at: row.occurredAt.toISOString(),
    request_id: row.requestId,
    actor_sub: row.actorSub,
    actor_organisation: row.actorOrganisation,
    actor_roles: row.actorRoles,
    operation: row.operation,
    resource_type: row.resourceType,
    resource_ids: row.resourceIds,
    owner_organisations: row.ownerOrganisations,
    resource_owners: row.resourceOwners,
    outcome: row.outcome,
    details: row.details,
  };
}

/**
 * The insert as a fragment, for a statement that writes its audit events itself (as one of its steps); with `when`,
 * a SQL condition, the rows are written only if it holds. `found` is a jsonb array of further rows the statement
 * builds itself (statementReadEventSql), written after `rows`.
 */
export function auditInsertSql(rows: readonly AuditContent[], when: SqlFragment = fragment('true'), found?: SqlFragment): SqlFragment {
  const payload = JSON.stringify(rows.map((row) => ({ ...auditColumns(row), content_digest: contentDigest(row).toString('hex') })));
  const elements = found ? sqlf`${payload}::jsonb || ${found}` : sqlf`${payload}::jsonb`;
  return sqlf`insert into audit_event (occurred_at, request_id, actor_sub, actor_organisation, actor_roles, operation,
        resource_type, resource_ids, owner_organisations, resource_owners, outcome, details, content_digest)
     select (e->>'occurred_at')::timestamptz, e->>'request_id', e->>'actor_sub', e->>'actor_organisation',
        array(select jsonb_array_elements_text(e->'actor_roles')), e->>'operation', e->>'resource_type',
        array(select jsonb_array_elements_text(e->'resource_ids')),
        array(select jsonb_array_elements_text(e->'owner_organisations')),
        case when jsonb_typeof(e->'resource_owners') = 'object' then e->'resource_owners' end, e->>'outcome',
        case when jsonb_typeof(e->'details') = 'object' then e->'details' end,
        decode(e->>'content_digest', 'hex')
     from jsonb_array_elements(${elements}) with ordinality as rows(e, position)
     where ${when}
     order by position`;
}
