import { Migration } from '@mikro-orm/migrations';

/**
 * Three corrections found in review:
 * - one row per pair of conflicting visits (an acknowledgement no longer comes back as a second, open row);
 * - days are calendar days in Europe/Amsterdam, whatever the session's time zone (margins and gaps across the
 *   change of clocks no longer depend on the server's TimeZone setting);
 * - an audit event records which organisation owns which of its records, so that other organisations' auditors
 *   see only their own.
 */
export class Migration20261124025814_conflict_pairs_calendar_days extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" add column "resource_owners" jsonb null;`);

    this.addSql(`create index visit_merged_into_index on visit (merged_into) where merged_into is not null;`);

    // One row per pair: keep the open row of each pair, or else its most recent one (the visits' history keeps
    // what the others recorded).
    this.addSql(`delete from visit_conflict c where exists (
      select 1 from visit_conflict k
      where k.visit_a_id = c.visit_a_id and k.visit_b_id = c.visit_b_id and k.id <> c.id
        and (k.resolution is null, k.detected_at, k.id) > (c.resolution is null, c.detected_at, c.id));`);
    this.addSql(`drop index "visit_conflict_open_pair";`);
    this.addSql(`drop index "visit_conflict_visit_a_index";`);

    this.addSql(`alter table "visit_conflict" add column "acknowledged_gap_seconds" double precision null;`);
    this.addSql(`alter table "visit_conflict" add constraint "visit_conflict_pair" unique ("visit_a_id", "visit_b_id");`);

    // A moment plus whole calendar days in Dutch (and Belgian) local time: 91 days after 10 January 12:00 is
    // 11 April 12:00 local time, which is 91 × 24 h minus one hour. The zone is named, so the result never depends
    // on the session's TimeZone setting (and the function is truly immutable).
    this.addSql(`create function amsterdam_add_days(t timestamptz, days integer) returns timestamptz
      language sql immutable parallel safe as $$
      select ((t at time zone 'Europe/Amsterdam') + make_interval(days => days)) at time zone 'Europe/Amsterdam'
    $$;`);

    this.addSql(`create or replace function visit_margin_window(w tstzrange, margin_days integer) returns tstzrange
      language sql immutable parallel safe as $$
      select tstzrange(amsterdam_add_days(lower(w), -margin_days), amsterdam_add_days(upper(w), margin_days), '[)')
    $$;`);

    // Whole calendar days (Dutch local time) between two windows; 0 when they overlap or touch.
    this.addSql(`create or replace function visit_gap_days(a tstzrange, b tstzrange) returns integer
      language sql immutable parallel safe as $$
      select extract(day from greatest(interval '0',
        (lower(b) at time zone 'Europe/Amsterdam') - (upper(a) at time zone 'Europe/Amsterdam'),
        (lower(a) at time zone 'Europe/Amsterdam') - (upper(b) at time zone 'Europe/Amsterdam')))::integer
    $$;`);

    // The exact distance between two windows in seconds (0 when they overlap): how far apart an acknowledged pair is.
    this.addSql(`create function visit_gap_seconds(a tstzrange, b tstzrange) returns double precision
      language sql immutable parallel safe as $$
      select extract(epoch from greatest(interval '0', lower(b) - upper(a), lower(a) - upper(b)))::double precision
    $$;`);

    // Records the target's conflicts: a new pair opens; a pair resolved earlier reopens — unless it was
    // acknowledged and the visits are still at least as far apart as when it was. Returns the conflicting visits.
    this.addSql(`create or replace function visit_record_conflicts(target uuid, margin_days integer, at timestamptz) returns setof uuid
      language plpgsql as $$
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
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists visit_gap_seconds(tstzrange, tstzrange);`);
    this.addSql(`alter table "audit_event" drop column "resource_owners";`);
    this.addSql(`drop index "visit_merged_into_index";`);
    this.addSql(`alter table "visit_conflict" drop constraint "visit_conflict_pair";`);
    this.addSql(`alter table "visit_conflict" drop column "acknowledged_gap_seconds";`);
    this.addSql(`CREATE UNIQUE INDEX visit_conflict_open_pair ON public.visit_conflict USING btree (visit_a_id, visit_b_id) WHERE (resolution IS NULL);`);
    this.addSql(`create index "visit_conflict_visit_a_index" on "visit_conflict" ("visit_a_id");`);
  }

}
