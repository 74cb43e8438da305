import { Migration } from '@mikro-orm/migrations';

/**
 * A routing is its own outbox row: `published_at` is null until its SIGNAL_ROUTED event has been written. The
 * submission commits the routing and nothing more; the relay (src/signals/routing-relay.ts, run by the delivery
 * worker's loop) claims unpublished routings, writes their events and webhook deliveries and stamps them — in one
 * transaction per batch, so a relay that dies leaves them unpublished for the next one, never half done.
 *
 * Routings that exist already had their events written with them: they count as published when they were made.
 *
 * Privileges: the service role cannot read routings without naming an organisation (row-level security), and the
 * relay works for every organisation; so, like claim_overdue_routings(), the claim is a security-definer function
 * the service may execute, and the service gets no UPDATE on the column itself.
 */
export class Migration20261201171100_routings_as_outbox extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "signal_routing" add column "published_at" timestamptz null;`);
    this.addSql(`update signal_routing set published_at = created_at;`);
    this.addSql(`create index signal_routing_unpublished_index on signal_routing (created_at) where published_at is null;`);

    // The oldest unpublished routings, at most max_rows, locked so that a second relay skips them, and stamped.
    this.addSql(`create function claim_unpublished_routings(at timestamptz, max_rows integer)
      returns table (routing_id uuid, signal_id uuid, recipient text, created_at timestamptz)
      language sql volatile security definer set search_path = pg_catalog, public as $$
      with due as (
        select r.id from signal_routing r where r.published_at is null
        order by r.created_at, r.id limit max_rows for update of r skip locked
      )
      update signal_routing r set published_at = at from due where r.id = due.id
      returning r.id, r.signal_id, r.recipient, r.created_at
    $$;`);
    this.addSql(`revoke all on function claim_unpublished_routings(timestamptz, integer) from public;`);
    this.addSql(`grant execute on function claim_unpublished_routings(timestamptz, integer) to samenloop_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists claim_unpublished_routings(timestamptz, integer);`);
    this.addSql(`drop index "signal_routing_unpublished_index";`);
    this.addSql(`alter table "signal_routing" drop column "published_at";`);
  }

}
