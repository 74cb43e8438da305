import { sqlDefinition } from '../../platform/database/definitions.js';

/**
 * Plans a visit: lock its providers, insert it with its provider rows and its history entry, record its conflicts
 * (conflicts.ts); returns the conflicting visits. With `expected_changes` (the providers' change counters as the
 * calling statement's snapshot saw them) it refuses with SQLSTATE SL001 when another write changed visits at
 * those providers after that snapshot was taken — the caller then plans again the long way
 * (visit-plan-statement.ts). `rows 10`: what the planner expects it to return, instead of a set-returning
 * function's default of 1,000 (decision 0010). Applied from this source by the migration step
 * (platform/database/definitions.ts).
 */
export const VISIT_PLAN = sqlDefinition(
  'visit_plan',
  `drop function if exists visit_plan(uuid, text, uuid, tstzrange, boolean, text, text[], text, text[], uuid[], integer, timestamptz, text);
create or replace function visit_plan(visit_id uuid, lead text, location_id uuid, time_window tstzrange, announced boolean,
    kind text, themes text[], notes text, shared_with text[], provider_ids uuid[], margin_days integer, at timestamptz,
    actor_sub text, expected_changes bigint[]) returns setof uuid language plpgsql rows 10 as $$
begin
  if not visit_lock_providers_unchanged(provider_ids, expected_changes) then
    raise exception 'visits at these providers changed after the statement began' using errcode = 'SL001';
  end if;
  insert into visit (id, lead_organisation, participants, shared_with, location_id, time_window, announced, kind, themes,
                     notes, status, created_by, created_at, updated_at)
  values (visit_id, lead, '{}', shared_with, location_id, time_window, announced, kind, themes,
          notes, 'PLANNED', actor_sub, at, at);
  insert into visit_provider (visit_id, provider_id, time_window, active)
  select visit_plan.visit_id, p, visit_planning_window(visit_plan.time_window, visit_plan.announced), true
  from unnest(provider_ids) as p;
  insert into visit_history (visit_id, at, action, actor_organisation, actor_sub)
  values (visit_plan.visit_id, visit_plan.at, 'PLANNED', lead, actor_sub);
  return query select * from visit_record_conflicts(visit_plan.visit_id, margin_days, visit_plan.at);
end $$`,
);
