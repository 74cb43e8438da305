import { sqlDefinition } from '../../platform/database/definitions.js';

/**
 * What conflicts, and how conflicts are kept: two active visits at one provider whose planning windows lie
 * within the margin of each other (windows.ts). Applied from this source by the migration step
 * (platform/database/definitions.ts).
 */

/**
 * How often the visits at each of the providers changed (visit_planning_counter), in the providers' sorted order;
 * read by the statement's snapshot.
 */
export const VISIT_PLANNING_CHANGES = sqlDefinition(
  'visit_planning_changes',
  `create or replace function visit_planning_changes(provider_ids uuid[]) returns bigint[] language sql stable as $$
  select coalesce(array_agg(coalesce(c.changes, 0) order by ids.p), '{}')
  from (select distinct p from unnest(provider_ids) as p) as ids left join visit_planning_counter c on c.provider_id = ids.p
$$`,
);

/**
 * Serialises everyone who changes the visits at the same providers: transaction-level advisory locks, in sorted
 * order (no deadlocks when visits share several providers), then each provider's change counter raised. When
 * `expected` is given (what visit_planning_changes showed the caller's snapshot) and the counters moved on in
 * the meantime, nothing is raised and the answer is false: the caller's snapshot misses a change. Must run as its
 * own statement before the check (inside a function is enough), so that the check's snapshot sees what committed
 * while it waited (READ COMMITTED).
 */
export const VISIT_LOCK_PROVIDERS_UNCHANGED = sqlDefinition(
  'visit_lock_providers_unchanged',
  `create or replace function visit_lock_providers_unchanged(provider_ids uuid[], expected bigint[]) returns boolean language plpgsql as $$
begin
  perform pg_advisory_xact_lock(k)
  from (select distinct hashtextextended('visit-provider:' || p::text, 0) as k from unnest(provider_ids) as p order by 1) as keys;
  if expected is not null and visit_planning_changes(provider_ids) is distinct from expected then
    return false;
  end if;
  insert into visit_planning_counter (provider_id, changes)
  select distinct p, 1 from unnest(provider_ids) as p
  on conflict (provider_id) do update set changes = visit_planning_counter.changes + 1;
  return true;
end $$`,
);

/** The lock of every visit write (visit-writes.ts, lock order step 2). */
export const VISIT_LOCK_PROVIDERS = sqlDefinition(
  'visit_lock_providers',
  `create or replace function visit_lock_providers(provider_ids uuid[]) returns void language plpgsql as $$
begin
  perform visit_lock_providers_unchanged(provider_ids, null);
end $$`,
);

/**
 * Records the target's conflicts: a new pair opens; a pair resolved earlier reopens — unless it was acknowledged
 * and the visits are still at least as far apart as when it was. Returns the conflicting visits.
 */
export const VISIT_RECORD_CONFLICTS = sqlDefinition(
  'visit_record_conflicts',
  `create or replace function visit_record_conflicts(target uuid, margin_days integer, at timestamptz) returns setof uuid language plpgsql as $$
begin
  return query
  with candidates as (
    select other.visit_id as other_id, min(visit_gap_seconds(mine.time_window, other.time_window)) as gap
    from visit_provider mine
    join visit_provider other
      on other.provider_id = mine.provider_id and other.active and other.visit_id <> mine.visit_id
     and other.time_window && visit_margin_window(mine.time_window, margin_days)
    where mine.visit_id = target and mine.active
    group by other.visit_id
  ), reopened as (
    update visit_conflict c
       set resolution = null, resolved_at = null, resolved_by_organisation = null, resolved_by_sub = null,
           justification = null, acknowledged_gap_seconds = null, detected_at = at
      from candidates k
     where c.visit_a_id = least(target, k.other_id) and c.visit_b_id = greatest(target, k.other_id)
       and c.resolution is not null
       and (c.resolution <> 'ACKNOWLEDGED' or k.gap < c.acknowledged_gap_seconds)
  ), recorded as (
    insert into visit_conflict (id, visit_a_id, visit_b_id, detected_at)
    select gen_random_uuid(), least(target, k.other_id), greatest(target, k.other_id), at from candidates k
    on conflict (visit_a_id, visit_b_id) do nothing
  )
  select k.other_id from candidates k;
end $$`,
);

/** Closes the target's open conflicts that no longer hold after it moved or lost providers (as MOVED). */
export const VISIT_RESOLVE_STALE_CONFLICTS = sqlDefinition(
  'visit_resolve_stale_conflicts',
  `create or replace function visit_resolve_stale_conflicts(target uuid, margin_days integer, at timestamptz, organisation text, sub text)
  returns integer language plpgsql as $$
declare
  closed integer;
begin
  update visit_conflict c
     set resolution = 'MOVED', resolved_at = at, resolved_by_organisation = organisation, resolved_by_sub = sub
   where c.resolution is null and target in (c.visit_a_id, c.visit_b_id)
     and not exists (
       select 1 from visit_provider a
       join visit_provider b on b.provider_id = a.provider_id and b.visit_id = c.visit_b_id and b.active
       where a.visit_id = c.visit_a_id and a.active and a.time_window && visit_margin_window(b.time_window, margin_days));
  get diagnostics closed = row_count;
  return closed;
end $$`,
);
