import { Migration } from '@mikro-orm/migrations';

/**
 * Notifications (src/notifications): events per receiving organisation, written in the transaction of the change
 * (they replace the outbox), webhook subscriptions, deliveries and their attempts. claim_overdue_routings() lets
 * the overdue sweep (src/signals/overdue.ts) mark routings across organisations, past row security, once each.
 * The outbox table goes: nothing ever read it, and what it held is not carried over.
 */
export class Migration20261201090821_notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "event" ("seq" bigserial primary key, "tx" xid8 not null default pg_current_xact_id(), "id" uuid not null, "organisation" text not null, "type" text check ("type" in ('SIGNAL_ROUTED', 'ROUTING_DECIDED', 'ROUTING_OVERDUE', 'VISIT_CONFLICT_DETECTED', 'COORDINATION_PROPOSED', 'COORDINATION_ANSWERED', 'ENFORCEMENT_RECORDED', 'ENFORCEMENT_PUBLISHED', 'ENFORCEMENT_STATUS_CHANGED', 'PROVIDER_LOCATION_ADDED')) not null, "occurred_at" timestamptz not null, "resource_type" text check ("resource_type" in ('Signal', 'Visit', 'CoordinationProposal', 'EnforcementAction', 'Provider')) not null, "resource_id" uuid not null);`);
    this.addSql(`alter table "event" add constraint "event_id_unique" unique ("id");`);
    this.addSql(`create index "event_feed_index" on "event" ("organisation", "tx", "seq");`);

    this.addSql(`create table "webhook_subscription" ("id" uuid not null, "organisation" varchar(16) not null, "url" text not null, "event_types" text[] not null, "description" text null, "sealed_secret" bytea not null, "active" boolean not null default true, "deactivated_reason" text null, "created_by_sub" text not null, "created_at" timestamptz not null, "deleted_at" timestamptz null, constraint "webhook_subscription_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_subscription_organisation_index" on "webhook_subscription" ("organisation");`);

    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "event_seq" bigint not null, "subscription_id" uuid not null, "status" text check ("status" in ('PENDING', 'DELIVERED', 'FAILED', 'DEAD')) not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_status_code" int null, "claimed_by" text null, "claim_expires_at" timestamptz null, "created_at" timestamptz not null, "window_started_at" timestamptz not null, "attempts_before_window" int not null default 0, "delivered_at" timestamptz null, constraint "webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_subscription_index" on "webhook_delivery" ("subscription_id", "created_at");`);
    this.addSql(`create index webhook_delivery_due_index on webhook_delivery (subscription_id, next_attempt_at) where status in ('PENDING', 'FAILED');`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_once" unique ("event_seq", "subscription_id");`);

    this.addSql(`create table "webhook_attempt" ("id" bigserial primary key, "delivery_id" uuid not null, "started_at" timestamptz not null, "duration_ms" int not null, "status_code" int null, "error" text null, "worker" text not null);`);
    this.addSql(`create index "webhook_attempt_delivery_index" on "webhook_attempt" ("delivery_id", "id");`);

    this.addSql(`alter table "webhook_subscription" add constraint "webhook_subscription_organisation_foreign" foreign key ("organisation") references "organisation" ("code") on update cascade;`);

    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_event_seq_foreign" foreign key ("event_seq") references "event" ("seq") on update cascade;`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_subscription_id_foreign" foreign key ("subscription_id") references "webhook_subscription" ("id") on update cascade;`);

    this.addSql(`alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on update cascade;`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    // Set once a routing's due moment has passed and the sweep looked at it (announcing it when undecided), so the
    // sweep never reads it again. Routings already past due when notifications arrive are not announced late.
    this.addSql(`alter table "signal_routing" add column "overdue_announced_at" timestamptz null;`);
    this.addSql(`update signal_routing set overdue_announced_at = due_at where due_at <= now();`);
    this.addSql(`create index signal_routing_unannounced_due_index on signal_routing (due_at) where overdue_announced_at is null;`);

    for (const statement of [
      'grant select, insert on event, webhook_attempt to samenloop_app',
      'grant select, insert on webhook_subscription to samenloop_app',
      'grant update (active, deactivated_reason, deleted_at) on webhook_subscription to samenloop_app',
      'grant select, insert on webhook_delivery to samenloop_app',
      'grant update (status, attempts, next_attempt_at, last_status_code, claimed_by, claim_expires_at, window_started_at, attempts_before_window, delivered_at) on webhook_delivery to samenloop_app',
      'grant usage on sequence event_seq_seq, webhook_attempt_id_seq to samenloop_app',
    ]) {
      this.addSql(`${statement};`);
    }
    this.addSql(`create function claim_overdue_routings(at timestamptz, max_rows integer)
      returns table (routing_id uuid, signal_id uuid, recipient text, submitter text, undecided boolean)
      language sql volatile security definer set search_path = pg_catalog, public as $$
      with due as (
        select r.id from signal_routing r
        where r.due_at <= at and r.overdue_announced_at is null
        order by r.due_at limit max_rows for update of r skip locked
      ), marked as (
        update signal_routing r set overdue_announced_at = at from due where r.id = due.id
        returning r.id, r.signal_id, r.recipient
      )
      select m.id, m.signal_id, m.recipient, s.source_organisation,
        not exists (select 1 from routing_decision d where d.routing_id = m.id)
      from marked m join signal s on s.id = m.signal_id
    $$;`);
    this.addSql(`revoke all on function claim_overdue_routings(timestamptz, integer) from public;`);
    this.addSql(`grant execute on function claim_overdue_routings(timestamptz, integer) to samenloop_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists claim_overdue_routings(timestamptz, integer);`);
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_event_seq_foreign";`);

    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_subscription_id_foreign";`);

    this.addSql(`alter table "webhook_attempt" drop constraint "webhook_attempt_delivery_id_foreign";`);

    this.addSql(`create table "outbox_event" ("id" bigserial primary key, "topic" text not null, "payload" jsonb not null, "created_at" timestamptz(6) not null, "published_at" timestamptz(6) null);`);
    this.addSql(`CREATE INDEX outbox_event_unpublished_index ON public.outbox_event USING btree (id) WHERE (published_at IS NULL);`);

    this.addSql(`drop table if exists "event" cascade;`);

    this.addSql(`drop table if exists "webhook_subscription" cascade;`);

    this.addSql(`drop table if exists "webhook_delivery" cascade;`);

    this.addSql(`drop table if exists "webhook_attempt" cascade;`);

    this.addSql(`drop index "signal_routing_unannounced_due_index";`);
    this.addSql(`alter table "signal_routing" drop column "overdue_announced_at";`);
  }

}
