import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { median } from './load.js';
import type { BenchRow } from './results.js';

/** The benchmark's data: batches to submit, the grown visits table, and the figures read from PostgreSQL. */
const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

export function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

export function signalBatch(prefix: string, providers: string[], duplicates = 100) {
  return Array.from({ length: 1000 }, (_, index) => ({
    externalId: index < duplicates ? `dup-${index}` : `${prefix}-${index}`,
    category: 'KLACHT',
    severity: 'MEDIUM',
    possibleCriminalOffence: index % 10 === 0,
    providers: [{ id: providers[index % 200] }],
    occurredAt: '2026-10-01T08:00:00Z',
    summary: 'Benchmarkmelding',
  }));
}

/** One signal for the single-submission runs (P9-rest), at one of the first 200 providers. */
export function oneSignal(externalId: string, providers: string[], i: number) {
  return { externalId, category: 'KLACHT', severity: 'MEDIUM', possibleCriminalOffence: false, providers: [{ id: providers[i % 200] }], occurredAt: '2026-10-01T08:00:00Z', summary: 'Benchmarkmelding' };
}

export function rawBatch(prefix: string) {
  return Array.from({ length: 1000 }, (_, index) => ({
    id: randomUUID(),
    external_id: index < 100 ? `dup-${index}` : `${prefix}-${index}`,
    content_hash: '00',
    category: 'KLACHT',
    severity: 'MEDIUM',
    possible_criminal_offence: index % 10 === 0,
    occurred_at: '2026-10-01T08:00:00Z',
    summary: 'Benchmarkmelding',
  }));
}

/** Grows the visits table to `target` rows, 5,000 of them at one hot provider, the rest spread over 10,000. */
export async function growVisits(db: pg.Client, target: number, hot: string): Promise<void> {
  const current = Number((await db.query('select count(*) from visit')).rows[0].count);
  const hotCount = Number((await db.query('select count(*) from visit_provider where provider_id = $1', [hot])).rows[0].count);
  if (hotCount < 5000) await insertVisits(db, 5000 - hotCount, hot);
  let remaining = target - current - Math.max(0, 5000 - hotCount);
  while (remaining > 0) {
    const chunk = Math.min(remaining, 500_000);
    log(`P4: adding ${chunk} visits (${target - remaining + chunk} of ${target})`);
    await insertVisits(db, chunk, null);
    remaining -= chunk;
  }
  await db.query('analyze visit; analyze visit_provider');
}

async function insertVisits(db: pg.Client, count: number, provider: string | null): Promise<void> {
  await db.query(
    `with ids as (select array_agg(id) as all_ids from provider),
     v as (
       insert into visit (id, lead_organisation, participants, shared_with, time_window, announced, kind, themes, status, created_by, created_at, updated_at)
       select gen_random_uuid(), 'IGJ', '{}', '{}', tstzrange(t, t + interval '6 hours'), true, 'RISK_BASED', '{}', 'PLANNED', 'bench', now(), now()
       from (select timestamptz '2021-01-01' + random() * interval '3650 days' as t from generate_series(1, $1)) s
       returning id, time_window)
     insert into visit_provider (visit_id, provider_id, time_window, active)
     select v.id, coalesce($2::uuid, ids.all_ids[1 + floor(random() * array_length(ids.all_ids, 1))::int]), v.time_window, true from v, ids`,
    [count, provider],
  );
}

/**
 * p50s of the overlap check and of a primary-key lookup, alternating, three ways: at the hot provider as plain
 * queries (`hot`, planned at every call), the same as prepared statements (`prepared`: visit_plan's PL/pgSQL plans
 * its statements once per session), and prepared at providers drawn from the planning by their share of visits
 * with the hot provider one check in ten (`mixed`); index entries read per row returned at the hot provider.
 */
export async function overlapStats(db: pg.Client, hot: string) {
  const sample = (await db.query<{ id: string }>('select id from visit tablesample system (1) limit 2000')).rows.map((row) => row.id);
  const planned = (await db.query<{ id: string }>('select provider_id as id from visit_provider tablesample system (1) limit 2000')).rows.map((row) => row.id);
  const CHECK = `select visit_id from visit_provider where provider_id = $1 and active
    and time_window && visit_margin_window(tstzrange($2::timestamptz, $2::timestamptz + interval '6 hours'), 28)`;
  const LOOKUP = 'select * from visit where id = $1';
  const at = (day: number) => new Date(Date.UTC(2021, 0, 1) + day * 86_400_000);
  const timed = async (run: () => Promise<unknown>) => {
    const started = process.hrtime.bigint();
    await run();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const series = { hot: [] as number[], lookup: [] as number[], prepared: [] as number[], mixed: [] as number[], preparedLookup: [] as number[] };
  for (let i = 0; i < 3000; i++) {
    const day = Math.floor(Math.random() * 3650);
    const id = sample[i % sample.length];
    series.hot.push(await timed(() => db.query(CHECK, [hot, at(day)])));
    series.lookup.push(await timed(() => db.query(LOOKUP, [id])));
    series.prepared.push(await timed(() => db.query({ name: 'bench-check', text: CHECK, values: [hot, at(day)] })));
    series.mixed.push(await timed(() => db.query({ name: 'bench-check', text: CHECK, values: [i % 10 === 0 ? hot : planned[i % planned.length]!, at(day)] })));
    series.preparedLookup.push(await timed(() => db.query({ name: 'bench-lookup', text: LOOKUP, values: [id] })));
  }
  const before = await indexReads(db);
  let returned = 0;
  for (let day = 0; day < 3650; day += 73) returned += (await db.query(CHECK, [hot, at(day)])).rowCount ?? 0;
  const entries = (await indexReads(db)) - before;
  const p50 = Object.fromEntries(Object.entries(series).map(([name, values]) => [name, median(values)])) as Record<keyof typeof series, number>;
  return { ...p50, entries, returned };
}

/** The P4 rows, each check against the lookup run the same way, and P5. */
export function overlapRows(p4: Awaited<ReturnType<typeof overlapStats>>, label: string): BenchRow[] {
  const row = (id: string, what: string, check: number, lookup: number): BenchRow =>
    ({ id, what: `${what}, ${label} visits`, value: `${(check / lookup).toFixed(2)} (${check.toFixed(3)} ms / ${lookup.toFixed(3)} ms)`, target: '≤ 2', pass: check / lookup <= 2 });
  return [
    row('P4', 'overlap check p50 ÷ primary-key lookup p50, hot provider', p4.hot, p4.lookup),
    row('P4-prepared', 'the same as prepared statements, as visit_plan runs the check', p4.prepared, p4.preparedLookup),
    row('P4-mix', 'prepared, at providers drawn from the planning, the hot one a check in ten', p4.mixed, p4.preparedLookup),
    { id: 'P5', what: `index entries read ÷ rows returned, hot provider, ${label} visits`, value: `${(p4.entries / p4.returned).toFixed(2)} (${p4.entries} / ${p4.returned})`, target: '≤ 1.5', pass: p4.entries / p4.returned <= 1.5 },
  ];
}

async function indexReads(db: pg.Client): Promise<number> {
  await db.query('select pg_stat_force_next_flush()');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const row = (await db.query(`select idx_tup_read from pg_stat_user_indexes where indexrelname = 'visit_provider_overlap_index'`)).rows[0];
  return Number(row.idx_tup_read);
}

/**
 * The same-rows baselines of P6 and P7, installed by the bench as the schema owner: one call writes what
 * planVisit or a submitSignals batch writes — the visit, its provider row, its history, the conflicts the same
 * overlap query finds with their events and one audit event; the signals (their provider ids on the row), their
 * routings (unpublished: the routings are the outbox) and one audit event — with no check, no lock and no answer
 * to build.
 */
export const BASELINE_FUNCTIONS = `
create or replace function bench_plan(provider uuid, start timestamptz) returns uuid[] language plpgsql as $$
declare
  new_id uuid := gen_random_uuid();
  w tstzrange := tstzrange(start, start + interval '6 hours');
  found uuid[];
begin
  perform set_config('app.organisation', 'IGJ', true);
  insert into visit (id, lead_organisation, participants, shared_with, time_window, announced, kind, themes, status, created_by, created_at, updated_at)
  values (new_id, 'IGJ', '{}', '{}', w, true, 'THEMATIC', '{}', 'PLANNED', 'bench', now(), now());
  insert into visit_provider (visit_id, provider_id, time_window, active) values (new_id, provider, w, true);
  insert into visit_history (visit_id, at, action, actor_organisation, actor_sub) values (new_id, now(), 'PLANNED', 'IGJ', 'bench');
  insert into visit_planning_counter (provider_id, changes) values (provider, 1)
  on conflict (provider_id) do update set changes = visit_planning_counter.changes + 1;
  select coalesce(array_agg(o.visit_id), '{}') into found from visit_provider o
   where o.provider_id = provider and o.active and o.visit_id <> new_id and o.time_window && visit_margin_window(w, 28);
  insert into visit_conflict (id, visit_a_id, visit_b_id, detected_at)
  select gen_random_uuid(), least(new_id, f), greatest(new_id, f), now() from unnest(found) f on conflict do nothing;
  -- As planVisit announces a new pair: the new visit's lead about its visit, each other visit's lead about theirs.
  insert into event (id, organisation, type, occurred_at, resource_type, resource_id)
  select gen_random_uuid(), 'IGJ', 'VISIT_CONFLICT_DETECTED', now(), 'Visit', new_id where cardinality(found) > 0
  union all
  select gen_random_uuid(), o.lead_organisation, 'VISIT_CONFLICT_DETECTED', now(), 'Visit', o.id from visit o where o.id = any(found);
  insert into audit_event (occurred_at, actor_sub, actor_organisation, actor_roles, operation, resource_type, resource_ids, owner_organisations, outcome, content_digest)
  values (now(), 'bench', 'IGJ', '{PLANNER}', 'planVisit', 'Visit', array[new_id::text], '{IGJ}', 'SUCCESS', sha256(convert_to(new_id::text, 'UTF8')));
  return array_prepend(new_id, found);
end $$;

create or replace function bench_ingest(batch jsonb) returns integer language plpgsql as $$
declare
  fresh uuid[];
begin
  perform set_config('app.organisation', 'NZA', true);
  with stored as (
    insert into signal (id, source_organisation, external_id, content_hash, category, severity, possible_criminal_offence, occurred_at, received_at, summary, provider_ids, submitted_by)
    select r.id, 'NZA', r.external_id, decode(r.content_hash, 'hex'), r.category, r.severity, r.possible_criminal_offence, r.occurred_at, now(), r.summary, r.provider_ids, 'bench'
    from jsonb_to_recordset(batch) as r(id uuid, external_id text, content_hash text, category text, severity text, possible_criminal_offence boolean, occurred_at timestamptz, summary text, provider_ids uuid[])
    on conflict (source_organisation, external_id) do nothing returning id)
  select coalesce(array_agg(id), '{}') into fresh from stored;
  -- The routings are the outbox (published_at null): their SIGNAL_ROUTED events are the relay's work, after commit.
  insert into signal_routing (id, signal_id, recipient, rule_id, protocol_version, created_at, due_at)
  select gen_random_uuid(), r.id, recipient, 'bench', 'bench', now(), now() + interval '91 days'
  from jsonb_to_recordset(batch) as r(id uuid, recipients text[]) join unnest(fresh) as f(id) using (id), unnest(r.recipients) as recipient;
  insert into audit_event (occurred_at, actor_sub, actor_organisation, actor_roles, operation, resource_type, resource_ids, owner_organisations, outcome, content_digest)
  values (now(), 'bench', 'NZA', '{INTEGRATION}', 'submitSignals', 'Signal', fresh::text[], '{NZA}', 'SUCCESS', sha256(convert_to(fresh::text, 'UTF8')));
  return cardinality(fresh);
end $$;
`;

/** A batch for bench_ingest: the same signals as signalBatch, each with the recipients the API routed such a signal to. */
export function sameRowsBatch(prefix: string, providers: string[], recipients: { plain: string[]; criminal: string[] }) {
  return Array.from({ length: 1000 }, (_, index) => {
    const criminal = index % 10 === 0;
    return {
      id: randomUUID(),
      external_id: index < 100 ? `dup-${index}` : `${prefix}-${index}`,
      content_hash: '00',
      category: 'KLACHT',
      severity: 'MEDIUM',
      possible_criminal_offence: criminal,
      occurred_at: '2026-10-01T08:00:00Z',
      summary: 'Benchmarkmelding',
      provider_ids: [providers[index % 200]],
      recipients: criminal ? recipients.criminal : recipients.plain,
    };
  });
}

/** The recipients the API routed the benchmark's signals to (plain and possibly criminal), for the same-rows baseline. */
export async function recipientsOfApiSignals(db: pg.Client): Promise<{ plain: string[]; criminal: string[] }> {
  const { rows } = await db.query<{ criminal: boolean; recipients: string[] }>(
    `select s.possible_criminal_offence as criminal, array_agg(distinct r.recipient order by r.recipient) as recipients
       from signal s join signal_routing r on r.signal_id = s.id where s.external_id like 'api-%' group by 1`,
  );
  const of = (criminal: boolean) => rows.find((row) => row.criminal === criminal)?.recipients ?? ['IGJ'];
  return { plain: of(false), criminal: of(true) };
}
