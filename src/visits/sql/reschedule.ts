import { sqlDefinition } from '../../platform/database/definitions.js';

/**
 * Moves a visit: lock it (it must still be PLANNED or CONFIRMED, else SQLSTATE SL002 with its status as the
 * message), lock its providers — refusing with SL001 when `expected_changes` is given and visits at them changed
 * after the caller's snapshot (as in visit_plan) — set the new window, record the history entry, close the
 * conflicts that no longer hold (MOVED) and record those that now do (conflicts.ts).
 *
 * Returns every conflict of the visit afterwards, with `announce` set for the pairs that are open now and were not
 * before the move (their leads are told); `rows 10` as visit_plan's (decision 0010). Applied from this source by
 * the migration step.
 */
export const VISIT_RESCHEDULE = sqlDefinition(
  'visit_reschedule',
  `create or replace function visit_reschedule(target uuid, new_window tstzrange, margin_days integer, at timestamptz,
    organisation text, sub text, reason text, expected_changes bigint[])
  returns table (other_id uuid, resolution text, detected_at timestamptz, resolved_by_organisation text, justification text, announce boolean)
  language plpgsql rows 10 as $$
declare
  current_status text;
  is_announced boolean;
  previous tstzrange;
  open_before uuid[];
  candidates uuid[];
begin
  select v.status, v.announced, v.time_window into current_status, is_announced, previous from visit v where v.id = target for no key update;
  if coalesce(current_status, 'MISSING') not in ('PLANNED', 'CONFIRMED') then
    raise exception '%', current_status using errcode = 'SL002';
  end if;
  if not visit_lock_providers_unchanged(array(select vp.provider_id from visit_provider vp where vp.visit_id = target), expected_changes) then
    raise exception 'visits at these providers changed after the statement began' using errcode = 'SL001';
  end if;
  update visit set time_window = new_window, updated_at = at where id = target;
  update visit_provider set time_window = visit_planning_window(new_window, is_announced) where visit_id = target;
  insert into visit_history (visit_id, at, action, actor_organisation, actor_sub, reason, previous_window)
  values (target, at, 'RESCHEDULED', organisation, sub, reason, previous);
  perform visit_resolve_stale_conflicts(target, margin_days, at, organisation, sub);
  open_before := array(select case when c.visit_a_id = target then c.visit_b_id else c.visit_a_id end from visit_conflict c
                       where target in (c.visit_a_id, c.visit_b_id) and c.resolution is null);
  candidates := array(select visit_record_conflicts(target, margin_days, at));
  return query
  select o.id, c.resolution::text, c.detected_at, c.resolved_by_organisation::text, c.justification::text,
         o.id = any(candidates) and not o.id = any(open_before)
  from visit_conflict c
  cross join lateral (select case when c.visit_a_id = target then c.visit_b_id else c.visit_a_id end as id) as o
  where target in (c.visit_a_id, c.visit_b_id);
end $$`,
);
