import { Migration } from '@mikro-orm/migrations';

/**
 * The database as a second wall (see docs/security.md and src/platform/database/roles.ts). The service connects
 * as `samenloop_app`, which owns nothing: it gets exactly the privileges below, table by table, and row-level
 * security mirrors the application's rules for signals (their routings, decisions, provider links and the
 * subject pseudonym they carry) and for the audit log. Each transaction of a request names the caller's
 * organisation with `set_config('app.organisation', …, true)`; without it these tables show nothing.
 *
 * The owner (who runs migrations) is not subject to these policies; it is not what the service uses.
 */
export class Migration20261124030000_second_wall extends Migration {

  override async up(): Promise<void> {
    this.addSql(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'samenloop_app') then
        raise exception 'The role samenloop_app does not exist. Create it first: see docs/configuration.md, "Database roles".';
      end if;
    end $$;`);

    // What the service may do, and nothing more. No DELETE or TRUNCATE anywhere; the audit log and the decisions
    // are insert-only; the chain heads are read-only (the chaining trigger writes them as the owner).
    for (const statement of [
      'grant usage on schema public to samenloop_app',
      'grant select on mikro_orm_migrations to samenloop_app',
      'grant select, insert on organisation to samenloop_app',
      'grant update (name) on organisation to samenloop_app',
      'grant select, insert on provider, location to samenloop_app',
      'grant update (sectors, agb_code) on provider to samenloop_app',
      'grant select, insert, update on visit, visit_provider, visit_conflict, coordination_proposal to samenloop_app',
      'grant select, insert on visit_history to samenloop_app',
      'grant select, insert on signal, signal_provider, signal_routing, routing_decision to samenloop_app',
      'grant select, insert on outbox_event to samenloop_app',
      'grant update (published_at) on outbox_event to samenloop_app',
      'grant select, insert on audit_event to samenloop_app',
      'grant select on audit_chain_head to samenloop_app',
      'grant usage on sequence visit_history_id_seq, outbox_event_id_seq, audit_event_id_seq to samenloop_app',
    ]) {
      this.addSql(`${statement};`);
    }

    // The chaining trigger runs as the owner, so the service can append to the log but never move a chain head.
    this.addSql(`alter function audit_event_link() security definer set search_path = pg_catalog, public;`);
    this.addSql(`revoke all on function audit_event_link() from public;`);

    // The caller's organisation, as the current transaction names it; null when it names none.
    this.addSql(`create function app_organisation() returns text language sql stable parallel safe as $$
      select nullif(current_setting('app.organisation', true), '')
    $$;`);

    // Cross-table checks run as the owner (security definer), so a policy on one signal table can look at another
    // without the policies calling each other for ever.
    this.addSql(`create function signal_visible_to(signal uuid, organisation text) returns boolean
      language sql stable security definer set search_path = pg_catalog, public as $$
      select exists (select 1 from signal s where s.id = signal and s.source_organisation = organisation)
          or exists (select 1 from signal_routing r where r.signal_id = signal and r.recipient = organisation)
    $$;`);
    this.addSql(`create function signal_submitted_by(signal uuid, organisation text) returns boolean
      language sql stable security definer set search_path = pg_catalog, public as $$
      select exists (select 1 from signal s where s.id = signal and s.source_organisation = organisation)
    $$;`);
    this.addSql(`create function routing_visible_to(routing uuid, organisation text) returns boolean
      language sql stable security definer set search_path = pg_catalog, public as $$
      select exists (select 1 from signal_routing r where r.id = routing and signal_visible_to(r.signal_id, organisation))
    $$;`);
    this.addSql(`create function routing_addressed_to(routing uuid, organisation text) returns boolean
      language sql stable security definer set search_path = pg_catalog, public as $$
      select exists (select 1 from signal_routing r where r.id = routing and r.recipient = organisation)
    $$;`);

    // Signals (and the subject pseudonym on them): the submitter and the recipients of their routings.
    this.addSql(`alter table signal enable row level security;`);
    this.addSql(`create policy signal_read on signal for select
      using (source_organisation = app_organisation() or signal_visible_to(id, app_organisation()));`);
    this.addSql(`create policy signal_submit on signal for insert with check (source_organisation = app_organisation());`);

    this.addSql(`alter table signal_provider enable row level security;`);
    this.addSql(`create policy signal_provider_read on signal_provider for select using (signal_visible_to(signal_id, app_organisation()));`);
    this.addSql(`create policy signal_provider_submit on signal_provider for insert with check (signal_submitted_by(signal_id, app_organisation()));`);

    // Routings: everyone the signal is visible to sees all its routings (una via depends on their outcome).
    this.addSql(`alter table signal_routing enable row level security;`);
    this.addSql(`create policy signal_routing_read on signal_routing for select
      using (recipient = app_organisation() or signal_visible_to(signal_id, app_organisation()));`);
    this.addSql(`create policy signal_routing_submit on signal_routing for insert with check (signal_submitted_by(signal_id, app_organisation()));`);

    // Decisions: read with their routing; taken only by the organisation the routing is addressed to.
    this.addSql(`alter table routing_decision enable row level security;`);
    this.addSql(`create policy routing_decision_read on routing_decision for select using (routing_visible_to(routing_id, app_organisation()));`);
    this.addSql(`create policy routing_decision_take on routing_decision for insert
      with check (decided_by_organisation = app_organisation() and routing_addressed_to(routing_id, app_organisation()));`);

    // The audit log: an organisation reads what its people did and what was done to its data. Anyone may append
    // (the log records every caller, and reads are batched across callers); nobody may change or remove a row.
    this.addSql(`alter table audit_event enable row level security;`);
    this.addSql(`create policy audit_event_read on audit_event for select
      using (actor_organisation = app_organisation() or app_organisation() = any(owner_organisations));`);
    this.addSql(`create policy audit_event_append on audit_event for insert with check (true);`);

    // The OM reaches the providers named in signals routed to it. This view gives the service exactly the
    // (provider, recipient) pairs for that, whichever organisation asks, and nothing of the signals themselves.
    this.addSql(`create view provider_routing as
      select sp.provider_id, r.recipient from signal_provider sp join signal_routing r on r.signal_id = sp.signal_id;`);
    this.addSql(`grant select on provider_routing to samenloop_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop view if exists provider_routing;`);
    for (const table of ['signal', 'signal_provider', 'signal_routing', 'routing_decision', 'audit_event']) {
      this.addSql(`alter table ${table} disable row level security;`);
    }
    this.addSql(`drop policy if exists signal_read on signal; drop policy if exists signal_submit on signal;`);
    this.addSql(`drop policy if exists signal_provider_read on signal_provider; drop policy if exists signal_provider_submit on signal_provider;`);
    this.addSql(`drop policy if exists signal_routing_read on signal_routing; drop policy if exists signal_routing_submit on signal_routing;`);
    this.addSql(`drop policy if exists routing_decision_read on routing_decision; drop policy if exists routing_decision_take on routing_decision;`);
    this.addSql(`drop policy if exists audit_event_read on audit_event; drop policy if exists audit_event_append on audit_event;`);
    for (const fn of ['routing_addressed_to', 'routing_visible_to', 'signal_submitted_by', 'signal_visible_to']) {
      this.addSql(`drop function if exists ${fn}(uuid, text);`);
    }
    this.addSql(`drop function if exists app_organisation();`);
    this.addSql(`alter function audit_event_link() security invoker;`);
    this.addSql(`revoke all on all tables in schema public from samenloop_app;`);
    this.addSql(`revoke all on all sequences in schema public from samenloop_app;`);
  }

}
