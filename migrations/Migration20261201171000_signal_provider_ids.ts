import { Migration } from '@mikro-orm/migrations';

/**
 * The providers of a signal ride on the signal row (`provider_ids`) instead of a `signal_provider` link table:
 * they are written once with the signal and never change, so the table only cost a row per provider per signal
 * and a statement per submission. Readers that look signals up by provider use the GIN index.
 *
 * Privileges: `samenloop_app` already has select and insert on `signal` (second-wall migration), which covers
 * the new column; the link table's grants and row-level security policies go with the table. The column is
 * covered by `signal`'s own policies (submitter and recipients), the same organisations the link rows were
 * visible to. `provider_routing` — the OM's reach — is rebuilt over the column, with the same pairs as before.
 */
export class Migration20261201171000_signal_provider_ids extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "signal" add column "provider_ids" uuid[] null;`);
    this.addSql(`update signal s set provider_ids = coalesce(
        (select array_agg(sp.provider_id order by sp.provider_id) from signal_provider sp where sp.signal_id = s.id), '{}');`);
    this.addSql(`alter table "signal" alter column "provider_ids" set not null;`);
    this.addSql(`create index signal_provider_ids_index on signal using gin (provider_ids);`);

    this.addSql(`drop view provider_routing;`);
    // The same (provider, recipient) pairs as before, one per routing and provider: nothing of the signals themselves,
    // not even which providers one signal names together.
    this.addSql(`create view provider_routing as
      select p.provider_id, r.recipient from signal_routing r join signal s on s.id = r.signal_id cross join unnest(s.provider_ids) as p(provider_id);`);
    this.addSql(`grant select on provider_routing to samenloop_app;`);

    this.addSql(`drop table "signal_provider";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create table "signal_provider" ("signal_id" uuid not null, "provider_id" uuid not null, constraint "signal_provider_pkey" primary key ("signal_id", "provider_id"));`);
    this.addSql(`create index "signal_provider_provider_index" on "signal_provider" ("provider_id");`);
    this.addSql(`alter table "signal_provider" add constraint "signal_provider_provider_id_foreign" foreign key ("provider_id") references "provider" ("id") on update cascade on delete no action;`);
    this.addSql(`alter table "signal_provider" add constraint "signal_provider_signal_id_foreign" foreign key ("signal_id") references "signal" ("id") on update cascade on delete no action;`);
    this.addSql(`insert into signal_provider (signal_id, provider_id) select s.id, p.provider_id from signal s cross join unnest(s.provider_ids) as p(provider_id);`);
    this.addSql(`grant select, insert on signal_provider to samenloop_app;`);
    this.addSql(`alter table signal_provider enable row level security;`);
    this.addSql(`create policy signal_provider_read on signal_provider for select using (signal_visible_to(signal_id, app_organisation()));`);
    this.addSql(`create policy signal_provider_submit on signal_provider for insert with check (signal_submitted_by(signal_id, app_organisation()));`);

    this.addSql(`drop view provider_routing;`);
    this.addSql(`create view provider_routing as
      select sp.provider_id, r.recipient from signal_provider sp join signal_routing r on r.signal_id = sp.signal_id;`);
    this.addSql(`grant select on provider_routing to samenloop_app;`);

    this.addSql(`drop index "signal_provider_ids_index";`);
    this.addSql(`alter table "signal" drop column "provider_ids";`);
  }

}
