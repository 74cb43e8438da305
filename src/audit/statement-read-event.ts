import { sqlf, type SqlFragment } from '../platform/database/sql.js';
import { canonicalJson, type AuditContent } from './canonical.js';
import { auditColumns } from './audit-store.js';

/**
 * The audit event of a read whose records only a statement knows — what it shows the viewer — for that statement
 * to write in its own insert (auditInsertSql's `found`), so that showing them costs no second round trip.
 *
 * `records` is a query of `(ord, id, owners text[])` rows, one per record shown, in the order shown. The event's
 * ids, owners and which owner owns which ids are derived as AuditTrail's `ownership` derives them, and its digest
 * is contentDigest's (canonical.ts) over the same canonical JSON: the ids and owners are uuids and organisation
 * codes, which the database and JavaScript write the same way; everything else comes from `header` as JavaScript
 * wrote it. test/audit/statement-read-event.test.ts holds the two equal. A jsonb array: the event, or none when
 * nothing was shown.
 */
export function statementReadEventSql(header: AuditContent, records: SqlFragment): SqlFragment {
  const canonical = canonicalJson([
    header.occurredAt.toISOString(), header.requestId, header.actorSub, header.actorOrganisation, header.actorRoles,
    header.operation, header.resourceType,
  ]);
  const before = `${canonical.slice(0, -1)},`;
  const after = `,${canonicalJson(header.outcome)},${canonicalJson(header.details)}`;
  return sqlf`(with recs(ord, id, owners) as (${records}),
      firsts as (select id::text as id, min(ord) as ord from recs group by id),
      owned as (select o.owner, r.id::text as id, min(r.ord) as ord from recs r cross join unnest(r.owners) as o(owner) group by o.owner, r.id),
      by_owner as (select owner, array_agg(id order by ord) as ids from owned group by owner),
      event as (select
          (select array_agg(id order by ord) from firsts) as ids,
          (select array_agg(owner order by owner collate "C") from by_owner) as owners,
          not coalesce((select bool_and(cardinality(b.ids) = (select count(*) from firsts)) from by_owner b), true) as split,
          (select jsonb_object_agg(owner, to_jsonb(ids)) from by_owner) as owners_json,
          (select '{' || string_agg(to_json(owner)::text || ':' || to_json(ids)::text, ',' order by owner collate "C") || '}' from by_owner) as owners_text)
    select coalesce(jsonb_agg(${JSON.stringify(auditColumns(header))}::jsonb || jsonb_build_object(
        'resource_ids', to_jsonb(e.ids), 'owner_organisations', to_jsonb(coalesce(e.owners, '{}')),
        'resource_owners', case when e.split then e.owners_json end,
        'content_digest', encode(sha256(convert_to(${before} || to_json(e.ids)::text || ',' || to_json(coalesce(e.owners, '{}'))::text || ${after}
          || case when e.split then ',' || e.owners_text else '' end || ']', 'UTF8')), 'hex'))), '[]')
    from event e where e.ids is not null)`;
}
