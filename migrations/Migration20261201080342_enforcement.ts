import { Migration } from '@mikro-orm/migrations';

/**
 * Enforcement measures (src/enforcement). What was recorded is never rewritten: the service may insert measures,
 * their links and status rows, and set only when a measure was published. An AANGIFTE routes its facts to the OM:
 * the recording organisation may add that one routing (rule OM-AANGIFTE) to a signal it can see, which row-level
 * security otherwise reserves for the submitter.
 */
export class Migration20261201080342_enforcement extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "enforcement_action" ("id" uuid not null, "organisation" varchar(16) not null, "provider_id" uuid not null, "type" text check ("type" in ('NORMOVERDRAGEND_GESPREK', 'VERSCHERPT_TOEZICHT', 'AANWIJZING', 'BEVEL', 'LAST_ONDER_DWANGSOM', 'BESTUURLIJKE_BOETE', 'TUCHTKLACHT', 'AANGIFTE', 'VEILIGHEIDSMAATREGEL')) not null, "legal_basis" text not null, "imposed_on" date not null, "deadline" date null, "valid_until" date null, "notes" text null, "recorded_by_sub" text not null, "recorded_at" timestamptz not null, "published_at" timestamptz null, "published_by_sub" text null, constraint "enforcement_action_pkey" primary key ("id"));`);
    this.addSql(`create index enforcement_action_published_index on enforcement_action (imposed_on, id) where published_at is not null;`);
    this.addSql(`create index "enforcement_action_provider_index" on "enforcement_action" ("provider_id", "imposed_on");`);

    this.addSql(`create table "enforcement_action_status" ("id" bigserial primary key, "enforcement_action_id" uuid not null, "status" text check ("status" in ('ACTIVE', 'COMPLIED', 'WITHDRAWN', 'LAPSED')) not null, "note" text null, "changed_by_organisation" text not null, "changed_by_sub" text not null, "changed_at" timestamptz not null, constraint enforcement_action_status_stored check (status <> 'LAPSED'));`);
    this.addSql(`create index "enforcement_action_status_action_index" on "enforcement_action_status" ("enforcement_action_id", "id");`);

    this.addSql(`create table "enforcement_action_signal" ("enforcement_action_id" uuid not null, "signal_id" uuid not null, constraint "enforcement_action_signal_pkey" primary key ("enforcement_action_id", "signal_id"));`);
    this.addSql(`create index "enforcement_action_signal_signal_index" on "enforcement_action_signal" ("signal_id");`);

    this.addSql(`create table "enforcement_action_visit" ("enforcement_action_id" uuid not null, "visit_id" uuid not null, constraint "enforcement_action_visit_pkey" primary key ("enforcement_action_id", "visit_id"));`);
    this.addSql(`create index "enforcement_action_visit_visit_index" on "enforcement_action_visit" ("visit_id");`);

    this.addSql(`alter table "enforcement_action" add constraint "enforcement_action_organisation_foreign" foreign key ("organisation") references "organisation" ("code") on update cascade;`);
    this.addSql(`alter table "enforcement_action" add constraint "enforcement_action_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "enforcement_action_status" add constraint "enforcement_action_status_enforcement_action_id_foreign" foreign key ("enforcement_action_id") references "enforcement_action" ("id") on update cascade;`);

    this.addSql(`alter table "enforcement_action_signal" add constraint "enforcement_action_signal_enforcement_action_id_foreign" foreign key ("enforcement_action_id") references "enforcement_action" ("id") on update cascade;`);
    this.addSql(`alter table "enforcement_action_signal" add constraint "enforcement_action_signal_signal_id_foreign" foreign key ("signal_id") references "signal" ("id") on update cascade;`);

    this.addSql(`alter table "enforcement_action_visit" add constraint "enforcement_action_visit_enforcement_action_id_foreign" foreign key ("enforcement_action_id") references "enforcement_action" ("id") on update cascade;`);
    this.addSql(`alter table "enforcement_action_visit" add constraint "enforcement_action_visit_visit_id_foreign" foreign key ("visit_id") references "visit" ("id") on update cascade;`);
    for (const statement of [
      'grant select, insert on enforcement_action, enforcement_action_signal, enforcement_action_visit, enforcement_action_status to samenloop_app',
      'grant update (published_at, published_by_sub) on enforcement_action to samenloop_app',
      'grant usage on sequence enforcement_action_status_id_seq to samenloop_app',
    ]) {
      this.addSql(`${statement};`);
    }
    this.addSql(`create policy signal_routing_report on signal_routing for insert
      with check (recipient = 'OM' and rule_id = 'OM-AANGIFTE' and signal_visible_to(signal_id, app_organisation()));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy if exists signal_routing_report on signal_routing;`);
    this.addSql(`alter table "enforcement_action_status" drop constraint "enforcement_action_status_enforcement_action_id_foreign";`);

    this.addSql(`alter table "enforcement_action_signal" drop constraint "enforcement_action_signal_enforcement_action_id_foreign";`);

    this.addSql(`alter table "enforcement_action_visit" drop constraint "enforcement_action_visit_enforcement_action_id_foreign";`);

    this.addSql(`drop table if exists "enforcement_action" cascade;`);

    this.addSql(`drop table if exists "enforcement_action_status" cascade;`);

    this.addSql(`drop table if exists "enforcement_action_signal" cascade;`);

    this.addSql(`drop table if exists "enforcement_action_visit" cascade;`);
  }

}
