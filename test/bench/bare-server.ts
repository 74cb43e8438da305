import 'reflect-metadata';
import http from 'node:http';
import { MIGRATIONS } from '../../migrations/index.js';
import { OrganisationKind } from '../../src/access/organisations.js';
import { Role } from '../../src/access/roles.js';
import type { Viewer } from '../../src/access/viewer.js';
import { insertAuditRows } from '../../src/audit/audit-store.js';
import type { AuditContent } from '../../src/audit/canonical.js';
import { ENTITIES } from '../../src/modules.js';
import { createOrm } from '../../src/platform/database/orm.js';
import { fragment, isoTimestamp, run, sqlf } from '../../src/platform/database/sql.js';
import { createLogger } from '../../src/platform/logging.js';
import { findVisibleProvider, LOCATION_COLUMNS, PROVIDER_COLUMNS } from '../../src/providers/index.js';

import { providerVisibleSql } from '../../src/access/scope.js';
import { visitColumns, visitJoins } from '../../src/visits/visit.queries.js';
import { visitDetailSql, visitVisibleSql } from '../../src/access/visit-scope.js';

/**
 * The baseline of the benchmark: a bare node:http handler running the same SQL statements as the API, through
 * the same driver and pool, with no framework, no GraphQL and no token check.
 */
const viewer: Viewer = { sub: 'bench', organisation: 'IGJ', kind: OrganisationKind.INSPECTORATE, roles: new Set([Role.PLANNER]), issuer: 'bench' };
const orm = await createOrm({
  url: process.env.DATABASE_URL!,
  entities: ENTITIES,
  migrations: MIGRATIONS,
  logger: createLogger('warn'),
  poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});

function audit(operation: string, ids: string[]): AuditContent {
  return {
    occurredAt: new Date(),
    requestId: null,
    actorSub: viewer.sub,
    actorOrganisation: viewer.organisation,
    actorRoles: ['PLANNER'],
    operation,
    resourceType: 'Bench',
    resourceIds: ids,
    ownerOrganisations: ['IGJ'],
    outcome: 'SUCCESS',
    resourceOwners: null,
    details: null,
  };
}

const routes: Record<string, (body: any) => Promise<unknown>> = {
  async provider({ id }) {
    const em = orm.em.fork();
    const provider = await findVisibleProvider(em, viewer, id);
    const locations = await run(em, sqlf`select ${fragment(LOCATION_COLUMNS)} from location l where l.provider_id = any(${[id]}::uuid[])`);
    await insertAuditRows(em, [audit('provider', [id])]);
    return { data: { provider: { ...provider, locations } } };
  },
  async visits({ first }) {
    const em = orm.em.fork();
    const rows = await run<any>(em, sqlf`select ${visitColumns(viewer)} from visit v ${visitJoins(viewer)} where ${visitVisibleSql(viewer, 'v')} order by lower(v_s.w), v.id limit ${first + 1}`);
    const ids = rows.map((row) => row.id);
    const providers = await run(
      em,
      sqlf`select vp.visit_id as "visitId", ${fragment(PROVIDER_COLUMNS)} from visit_provider vp join provider p on p.id = vp.provider_id
        where vp.visit_id = any(${ids}::uuid[]) and ${providerVisibleSql(viewer, 'p.id')}`,
    );
    const organisations = await run(
      em,
      sqlf`select code, name, kind, oin from organisation where code = any(${[...new Set(rows.flatMap((row) => [row.leadCode, ...row.participantCodes]))]}::text[])`,
    );
    const conflicts = await run(
      em,
      sqlf`with pairs as (
          select c.*, c.visit_a_id as this_id, c.visit_b_id as other_id from visit_conflict c where c.visit_a_id = any(${ids}::uuid[])
          union all select c.*, c.visit_b_id, c.visit_a_id from visit_conflict c where c.visit_b_id = any(${ids}::uuid[]))
        select pairs.this_id as "forVisitId", ${visitColumns(viewer, 'o')},
          case when o.lead_organisation = t.lead_organisation then 'SAME_ORGANISATION' else 'CROSS_ORGANISATION' end as scope,
          visit_gap_days(visit_planning_window(t.time_window, t.announced), visit_planning_window(o.time_window, o.announced)) as "gapDays",
          pairs.resolution, ${fragment(isoTimestamp('pairs.detected_at'))} as "detectedAt", pairs.resolved_by_organisation as "resolvedByCode",
          case when ${visitDetailSql(viewer, 't')} then pairs.justification end as justification
        from pairs join visit t on t.id = pairs.this_id join visit o on o.id = pairs.other_id ${visitJoins(viewer, 'o')}
        where ${visitVisibleSql(viewer, 'o')} order by pairs.resolution is not null, pairs.detected_at, o.id`,
    );
    await insertAuditRows(em, [audit('visits', ids.slice(0, first))]);
    return { data: { visits: { edges: rows.slice(0, first).map((node) => ({ node })), providers, organisations, conflicts } } };
  },
  /** The P6-single baseline: store one visit row, nothing else (no lock, no check, no providers, no audit). */
  async insert() {
    await run(
      orm.em.fork(),
      sqlf`insert into visit (id, lead_organisation, participants, shared_with, time_window, announced, kind, themes, status, created_by, created_at, updated_at)
       values (gen_random_uuid(), 'IGJ', '{}', '{}', tstzrange(now(), now() + interval '6 hours'), true, 'THEMATIC', '{}', 'PLANNED', 'bench', now(), now())`,
    );
    return { ok: true };
  },
  /** The P6 baseline: the same rows as planVisit (bench_plan, installed by run.ts), one round trip, no checks. */
  async plan({ providerId, start }) {
    const [row] = await run<{ ids: string[] }>(orm.em.fork(), sqlf`select bench_plan(${providerId}::uuid, ${start}::timestamptz) as ids`);
    return { id: row!.ids[0], conflicts: row!.ids.slice(1) };
  },
  /** The P7 baseline: the same rows as a submitSignals batch (bench_ingest), one round trip, no checks. */
  async ingest({ rows }) {
    const [row] = await run<{ stored: number }>(orm.em.fork(), sqlf`select bench_ingest(${JSON.stringify(rows)}::jsonb) as stored`);
    return { stored: row!.stored };
  },
  /** Signals are row-secured: like the API, the write names its organisation in its transaction first. */
  async signals({ rows }) {
    const result = await orm.em.fork().transactional(async (em) => {
      await run(em, sqlf`select set_config('app.organisation', 'NZA', true)`);
      return run(
      em,
      sqlf`insert into signal (id, source_organisation, external_id, content_hash, category, severity, possible_criminal_offence,
          occurred_at, received_at, summary, submitted_by, provider_ids)
       select r.id, 'NZA', r.external_id, decode(r.content_hash, 'hex'), r.category, r.severity, r.possible_criminal_offence,
          r.occurred_at, now(), r.summary, 'bench', '{}'
       from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, external_id text, content_hash text, category text, severity text,
          possible_criminal_offence boolean, occurred_at timestamptz, summary text)
       on conflict (source_organisation, external_id) do nothing returning id`,
      );
    });
    return { inserted: result.length };
  },
};

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const route = routes[(request.url ?? '').slice(1)];
    if (!route) return void response.writeHead(404).end();
    route(JSON.parse(Buffer.concat(chunks).toString() || '{}')).then(
      (result) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void orm.close().then(() => process.exit(0))));
