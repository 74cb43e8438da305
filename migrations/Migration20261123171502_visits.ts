import { Migration } from '@mikro-orm/migrations';

/**
 * Visits, the providers they concern, conflicts between them, their history and merge proposals. The
 * concurrency-critical path — lock the providers, check for overlaps, insert — is a PL/pgSQL function, so that
 * planning a visit costs one round trip and the check always runs after the locks (each statement of a
 * function takes a fresh snapshot under READ COMMITTED).
 */
export class Migration20261123171502_visits extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "visit" ("id" uuid not null, "lead_organisation" varchar(16) not null, "participants" text[] not null, "shared_with" text[] not null, "location_id" uuid null, "time_window" tstzrange not null, "announced" boolean not null, "kind" text check ("kind" in ('RISK_BASED', 'THEMATIC', 'INCIDENT', 'NEW_PROVIDER', 'FOLLOW_UP', 'NETWORK')) not null, "themes" text[] not null, "notes" text null, "status" text check ("status" in ('PLANNED', 'CONFIRMED', 'COMPLETED', 'CANCELLED')) not null, "merged_into" uuid null, "created_by" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "visit_pkey" primary key ("id"));`);
    this.addSql(`create index visit_participants_index on visit using gin (participants);`);
    this.addSql(`create index "visit_lead_organisation_index" on "visit" ("lead_organisation", "status");`);
    this.addSql(`create index visit_time_window_index on visit using gist (time_window);`);

    this.addSql(`create table "visit_conflict" ("id" uuid not null, "visit_a_id" uuid not null, "visit_b_id" uuid not null, "detected_at" timestamptz not null, "resolution" text check ("resolution" in ('MERGED', 'ACKNOWLEDGED', 'MOVED', 'CANCELLED')) null, "resolved_at" timestamptz null, "resolved_by_organisation" varchar(16) null, "resolved_by_sub" text null, "justification" text null, constraint "visit_conflict_pkey" primary key ("id"));`);
    this.addSql(`create index "visit_conflict_visit_b_index" on "visit_conflict" ("visit_b_id");`);
    this.addSql(`create index "visit_conflict_visit_a_index" on "visit_conflict" ("visit_a_id");`);
    this.addSql(`create unique index visit_conflict_open_pair on visit_conflict (visit_a_id, visit_b_id) where resolution is null;`);

    this.addSql(`create table "coordination_proposal" ("id" uuid not null, "lead_visit_id" uuid not null, "visit_id" uuid not null, "from_organisation" varchar(16) not null, "to_organisation" varchar(16) not null, "proposed_by_sub" text not null, "note" text null, "status" text check ("status" in ('PROPOSED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN')) not null, "created_at" timestamptz not null, "responded_at" timestamptz null, "responded_by_sub" text null, "response_note" text null, constraint "coordination_proposal_pkey" primary key ("id"));`);
    this.addSql(`create index "coordination_proposal_from_index" on "coordination_proposal" ("from_organisation", "status");`);
    this.addSql(`create index "coordination_proposal_to_index" on "coordination_proposal" ("to_organisation", "status");`);
    this.addSql(`create unique index coordination_proposal_open_pair on coordination_proposal (lead_visit_id, visit_id) where status = 'PROPOSED';`);

    this.addSql(`create table "visit_history" ("id" bigserial primary key, "visit_id" uuid not null, "at" timestamptz not null, "action" text check ("action" in ('PLANNED', 'RESCHEDULED', 'CANCELLED', 'COMPLETED', 'MERGED_INTO', 'ABSORBED', 'JOINED', 'CONFLICT_ACKNOWLEDGED', 'MERGE_PROPOSED', 'MERGE_DECLINED')) not null, "actor_organisation" varchar(16) not null, "actor_sub" text not null, "reason" text null, "related_visit_id" uuid null, "previous_window" tstzrange null);`);
    this.addSql(`create index "visit_history_visit_index" on "visit_history" ("visit_id", "at");`);

    this.addSql(`create table "visit_provider" ("visit_id" uuid not null, "provider_id" uuid not null, "time_window" tstzrange not null, "active" boolean not null, constraint "visit_provider_pkey" primary key ("visit_id", "provider_id"));`);
    this.addSql(`create index "visit_provider_provider_index" on "visit_provider" ("provider_id");`);
    this.addSql(`create index visit_provider_overlap_index on visit_provider using gist (provider_id, time_window) where active;`);

    this.addSql(`alter table "visit" add constraint "visit_lead_organisation_foreign" foreign key ("lead_organisation") references "organisation" ("code") on update cascade;`);
    this.addSql(`alter table "visit" add constraint "visit_location_id_foreign" foreign key ("location_id") references "location" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "visit" add constraint "visit_merged_into_foreign" foreign key ("merged_into") references "visit" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "visit_conflict" add constraint "visit_conflict_visit_a_id_foreign" foreign key ("visit_a_id") references "visit" ("id") on update cascade;`);
    this.addSql(`alter table "visit_conflict" add constraint "visit_conflict_visit_b_id_foreign" foreign key ("visit_b_id") references "visit" ("id") on update cascade;`);

    this.addSql(`alter table "coordination_proposal" add constraint "coordination_proposal_lead_visit_id_foreign" foreign key ("lead_visit_id") references "visit" ("id") on update cascade;`);
    this.addSql(`alter table "coordination_proposal" add constraint "coordination_proposal_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade;`);

    this.addSql(`alter table "visit_history" add constraint "visit_history_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade;`);

    this.addSql(`alter table "visit_provider" add constraint "visit_provider_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade;`);
    this.addSql(`alter table "visit_provider" add constraint "visit_provider_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade;`);

    // The ISO week (Monday 00:00 to Monday 00:00, Dutch and Belgian local time) around a window: what
    // organisations without the detail view see of an unannounced visit.
    this.addSql(`create function visit_week_window(w tstzrange) returns tstzrange language sql stable parallel safe as $$
      select tstzrange(
        date_trunc('week', lower(w) at time zone 'Europe/Amsterdam') at time zone 'Europe/Amsterdam',
        (date_trunc('week', (upper(w) - interval '1 microsecond') at time zone 'Europe/Amsterdam') + interval '7 days')
          at time zone 'Europe/Amsterdam',
        '[)')
    $$;`);

    // The window a visit occupies for conflict detection and supervisory load: the exact window of an announced
    // visit, the ISO week of an unannounced one (so that no answer ever depends on its day).
    this.addSql(`create function visit_planning_window(w tstzrange, announced boolean) returns tstzrange language sql stable parallel safe as $$
      select case when announced then w else visit_week_window(w) end
    $$;`);

    // Whole days between two windows; 0 when they overlap or touch.
    this.addSql(`create function visit_gap_days(a tstzrange, b tstzrange) returns integer language sql immutable parallel safe as $$
      select floor(extract(epoch from greatest(interval '0', lower(b) - upper(a), lower(a) - upper(b))) / 86400)::integer
    $$;`);

    // The window widened by the margin on both sides: another window overlapping it lies within the margin.
    this.addSql(`create function visit_margin_window(w tstzrange, margin_days integer) returns tstzrange language sql immutable parallel safe as $$
      select tstzrange(lower(w) - make_interval(days => margin_days), upper(w) + make_interval(days => margin_days), '[)')
    $$;`);

    // Serialises everyone who plans at the same providers: transaction-level advisory locks, in sorted order
    // (no deadlocks when visits share several providers). Must run as its own statement before the check.
    this.addSql(`create function visit_lock_providers(provider_ids uuid[]) returns void language plpgsql as $$
      begin
        perform pg_advisory_xact_lock(k)
        from (select distinct hashtextextended('visit-provider:' || p::text, 0) as k from unnest(provider_ids) as p order by 1) as keys;
      end $$;`);

    // Records an open conflict between the target and every other active visit at one of its providers whose
    // planning window lies within the margin; returns those visits. Pairs already open are left as they are.
    this.addSql(`create function visit_record_conflicts(target uuid, margin_days integer, at timestamptz) returns setof uuid
      language plpgsql as $$
      begin
        return query
        with candidates as (
          select distinct other.visit_id as other_id
          from visit_provider mine
          join visit_provider other
            on other.provider_id = mine.provider_id and other.active and other.visit_id <> mine.visit_id
           and other.time_window && visit_margin_window(mine.time_window, margin_days)
          where mine.visit_id = target and mine.active
        ), recorded as (
          insert into visit_conflict (id, visit_a_id, visit_b_id, detected_at)
          select gen_random_uuid(), least(target, other_id), greatest(target, other_id), at from candidates
          on conflict (visit_a_id, visit_b_id) where resolution is null do nothing
        )
        select other_id from candidates;
      end $$;`);

    // Closes the target's open conflicts that no longer hold after it moved or lost providers.
    this.addSql(`create function visit_resolve_stale_conflicts(target uuid, margin_days integer, at timestamptz,
        organisation text, sub text) returns integer language plpgsql as $$
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
      end $$;`);

    // Plans a visit: lock its providers, insert it, record its conflicts — one round trip.
    this.addSql(`create function visit_plan(visit_id uuid, lead text, location_id uuid, time_window tstzrange, announced boolean,
        kind text, themes text[], notes text, shared_with text[], provider_ids uuid[], margin_days integer, at timestamptz,
        actor_sub text) returns setof uuid language plpgsql as $$
      begin
        perform visit_lock_providers(provider_ids);
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
      end $$;`);
  }

  override async down(): Promise<void> {
    for (const name of ['visit_plan', 'visit_resolve_stale_conflicts', 'visit_record_conflicts', 'visit_lock_providers',
      'visit_margin_window', 'visit_gap_days', 'visit_planning_window', 'visit_week_window']) {
      this.addSql(`drop function if exists ${name} cascade;`);
    }
    this.addSql(`alter table "visit" drop constraint "visit_merged_into_foreign";`);

    this.addSql(`alter table "visit_conflict" drop constraint "visit_conflict_visit_a_id_foreign";`);

    this.addSql(`alter table "visit_conflict" drop constraint "visit_conflict_visit_b_id_foreign";`);

    this.addSql(`alter table "coordination_proposal" drop constraint "coordination_proposal_lead_visit_id_foreign";`);

    this.addSql(`alter table "coordination_proposal" drop constraint "coordination_proposal_visit_id_foreign";`);

    this.addSql(`alter table "visit_history" drop constraint "visit_history_visit_id_foreign";`);

    this.addSql(`alter table "visit_provider" drop constraint "visit_provider_visit_id_foreign";`);

    this.addSql(`drop table if exists "visit" cascade;`);

    this.addSql(`drop table if exists "visit_conflict" cascade;`);

    this.addSql(`drop table if exists "coordination_proposal" cascade;`);

    this.addSql(`drop table if exists "visit_history" cascade;`);

    this.addSql(`drop table if exists "visit_provider" cascade;`);

  }

}
