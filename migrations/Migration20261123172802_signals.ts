import { Migration } from '@mikro-orm/migrations';

/**
 * Signals, the providers they name, their routings, the recipients' decisions (append-only) and the outbox that
 * carries new routings to notification work.
 */
export class Migration20261123172802_signals extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "outbox_event" ("id" bigserial primary key, "topic" text not null, "payload" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null);`);
    this.addSql(`create index outbox_event_unpublished_index on outbox_event (id) where published_at is null;`);

    this.addSql(`create table "signal" ("id" uuid not null, "source_organisation" varchar(16) not null, "external_id" text not null, "content_hash" bytea not null, "category" text check ("category" in ('CALAMITEIT', 'GEWELD', 'SEKSUEEL_GRENSOVERSCHRIJDEND_GEDRAG', 'NIET_NATUURLIJK_OVERLIJDEN', 'ZORGFRAUDE', 'ILLEGALE_GENEESMIDDELEN', 'ONBEVOEGD_HANDELEN', 'DISFUNCTIONEREN_ZORGVERLENER', 'KLACHT', 'OVERIG')) not null, "severity" text check ("severity" in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')) not null, "possible_criminal_offence" boolean not null, "occurred_at" timestamptz not null, "received_at" timestamptz not null, "summary" text not null, "subject_pseudonym" bytea null, "submitted_by" text not null, constraint "signal_pkey" primary key ("id"));`);
    this.addSql(`create index "signal_subject_pseudonym_index" on "signal" ("subject_pseudonym");`);
    this.addSql(`create index "signal_received_at_index" on "signal" ("received_at");`);
    this.addSql(`alter table "signal" add constraint "signal_source_external_id" unique ("source_organisation", "external_id");`);

    this.addSql(`create table "signal_provider" ("signal_id" uuid not null, "provider_id" uuid not null, constraint "signal_provider_pkey" primary key ("signal_id", "provider_id"));`);
    this.addSql(`create index "signal_provider_provider_index" on "signal_provider" ("provider_id");`);

    this.addSql(`create table "signal_routing" ("id" uuid not null, "signal_id" uuid not null, "recipient" varchar(16) not null, "rule_id" text not null, "protocol_version" text not null, "created_at" timestamptz not null, "due_at" timestamptz not null, constraint "signal_routing_pkey" primary key ("id"));`);
    this.addSql(`create index "signal_routing_recipient_due_index" on "signal_routing" ("recipient", "due_at");`);
    this.addSql(`alter table "signal_routing" add constraint "signal_routing_recipient" unique ("signal_id", "recipient");`);

    this.addSql(`create table "routing_decision" ("id" uuid not null, "routing_id" uuid not null, "outcome" text check ("outcome" in ('ACCEPT', 'DECLINE', 'JOINT')) not null, "note" text null, "decided_by_organisation" varchar(16) not null, "decided_by_sub" text not null, "decided_at" timestamptz not null, constraint "routing_decision_pkey" primary key ("id"));`);
    this.addSql(`alter table "routing_decision" add constraint "routing_decision_once" unique ("routing_id");`);

    this.addSql(`alter table "signal" add constraint "signal_source_organisation_foreign" foreign key ("source_organisation") references "organisation" ("code") on update cascade;`);

    this.addSql(`alter table "signal_provider" add constraint "signal_provider_signal_id_foreign" foreign key ("signal_id") references "signal" ("id") on update cascade;`);
    this.addSql(`alter table "signal_provider" add constraint "signal_provider_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade;`);

    this.addSql(`alter table "signal_routing" add constraint "signal_routing_signal_id_foreign" foreign key ("signal_id") references "signal" ("id") on update cascade;`);
    this.addSql(`alter table "signal_routing" add constraint "signal_routing_recipient_foreign" foreign key ("recipient") references "organisation" ("code") on update cascade;`);

    this.addSql(`alter table "routing_decision" add constraint "routing_decision_routing_id_foreign" foreign key ("routing_id") references "signal_routing" ("id") on update cascade;`);

    // Decisions are appended, never edited: the database refuses to change or remove one.
    this.addSql(`create function append_only_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % is not allowed', tg_table_name, tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`create trigger routing_decision_append_only before update or delete on routing_decision
      for each row execute function append_only_refuse_change();`);
    this.addSql(`create trigger routing_decision_no_truncate before truncate on routing_decision
      for each statement execute function append_only_refuse_change();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists append_only_refuse_change() cascade;`);
    this.addSql(`alter table "signal_provider" drop constraint "signal_provider_signal_id_foreign";`);

    this.addSql(`alter table "signal_routing" drop constraint "signal_routing_signal_id_foreign";`);

    this.addSql(`alter table "routing_decision" drop constraint "routing_decision_routing_id_foreign";`);

    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop table if exists "signal" cascade;`);

    this.addSql(`drop table if exists "signal_provider" cascade;`);

    this.addSql(`drop table if exists "signal_routing" cascade;`);

    this.addSql(`drop table if exists "routing_decision" cascade;`);
  }

}
