import type { EntityManager } from '@mikro-orm/postgresql';
import { isMunicipalityCode } from '../access/organisations.js';
import type { Viewer } from '../access/viewer.js';
import { ensureOrganisationRow } from '../organisations/index.js';
import { run, sqlf } from '../platform/database/sql.js';
import type { RequestContext } from '../request-context.js';
import { insertRoutings } from './routing-writes.js';
import type { Prepared } from './signal-preparation.js';

/** A signal the submitter already stored under an externalId: what a resubmission is compared with and answered by. */
export interface StoredSignal {
  id: string;
  contentHash: Buffer;
  recipients: string[];
}

/** Inserts the signals that are new; returns the externalIds that were inserted (the others already exist). */
export async function insertSignals(context: RequestContext, em: EntityManager, viewer: Viewer, items: readonly Prepared[]): Promise<Set<string>> {
  const now = context.now();
  if (isMunicipalityCode(viewer.organisation)) await ensureOrganisationRow(em, viewer.organisation);
  const recipients = new Set(items.flatMap((item) => item.routings.map((routing) => routing.recipient)));
  for (const code of recipients) if (isMunicipalityCode(code)) await ensureOrganisationRow(em, code);

  const rows = await run<{ externalId: string }>(
    em,
    sqlf`insert into signal (id, source_organisation, external_id, content_hash, category, severity, possible_criminal_offence,
          occurred_at, received_at, summary, provider_ids, subject_pseudonym, submitted_by)
        select r.id, ${viewer.organisation}, r.external_id, decode(r.content_hash, 'hex'), r.category, r.severity, r.possible_criminal_offence,
          r.occurred_at, ${now}, r.summary, r.provider_ids, decode(r.subject_pseudonym, 'hex'), ${viewer.sub}
        from jsonb_to_recordset(${JSON.stringify(
          items.map((item) => ({
            id: item.id,
            external_id: item.draft.externalId,
            content_hash: item.contentHash.toString('hex'),
            category: item.draft.category,
            severity: item.draft.severity,
            possible_criminal_offence: item.draft.possibleCriminalOffence,
            occurred_at: item.draft.occurredAt.toISOString(),
            summary: item.draft.summary,
            provider_ids: item.providerIds,
            subject_pseudonym: item.pseudonym?.toString('hex') ?? null,
          })),
        )}::jsonb) as r(id uuid, external_id text, content_hash text, category text, severity text, possible_criminal_offence boolean,
          occurred_at timestamptz, summary text, provider_ids uuid[], subject_pseudonym text)
        on conflict (source_organisation, external_id) do nothing
        returning external_id as "externalId"`,
  );
  const inserted = new Set(rows.map((row) => row.externalId));
  const created = items.filter((item) => inserted.has(item.draft.externalId));
  if (created.length === 0) return inserted;

  await insertRoutings(
    em,
    created.flatMap((item) => item.routings.map((routing) => ({ signalId: item.id, ...routing }))),
    now,
  );
  return inserted;
}

/** The submitter's stored signals under these externalIds, by externalId. */
export async function storedSignals(em: EntityManager, viewer: Viewer, externalIds: readonly string[]): Promise<Map<string, StoredSignal>> {
  if (externalIds.length === 0) return new Map();
  const rows = await run<{ id: string; externalId: string; contentHash: Buffer; recipients: string[] }>(
    em,
    sqlf`select s.id, s.external_id as "externalId", s.content_hash as "contentHash",
        array(select r.recipient from signal_routing r where r.signal_id = s.id order by r.recipient) as recipients
      from signal s where s.source_organisation = ${viewer.organisation} and s.external_id = any(${externalIds}::text[])`,
  );
  return new Map(rows.map((row) => [row.externalId, row]));
}
