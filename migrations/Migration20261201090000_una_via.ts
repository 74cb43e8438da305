import { Migration } from '@mikro-orm/migrations';

/**
 * Una via needs to know whether the OM holds the facts of a fine — also through a criminal report (AANGIFTE)
 * that another organisation recorded on the same signal, whose own signal the fining organisation cannot see.
 * prosecution_routings() answers exactly that, past row security: for the given signals (the service passes only
 * signals the caller may see) and the signals of the AANGIFTEs recorded on them, their OM routings and decisions.
 * The rule itself is in src/enforcement/enforcement-recording.service.ts.
 *
 * The AANGIFTE routing policy is tightened: such a routing has the protocol's due moment (13 weeks after it was
 * made, Dutch time), so it cannot be written already expired.
 */
export class Migration20261201090000_una_via extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function prosecution_routings(signals uuid[])
      returns table (routing_id uuid, signal_id uuid, due_at timestamptz, outcome text, decided_at timestamptz)
      language sql stable security definer set search_path = pg_catalog, public as $$
      with facts as (
        select unnest(signals) as signal_id
        union
        select reported.signal_id from enforcement_action_signal related
          join enforcement_action a on a.id = related.enforcement_action_id and a.type = 'AANGIFTE'
          join enforcement_action_signal reported on reported.enforcement_action_id = a.id
        where related.signal_id = any(signals)
      )
      select r.id, r.signal_id, r.due_at, d.outcome, d.decided_at
      from facts f join signal_routing r on r.signal_id = f.signal_id and r.recipient = 'OM'
      left join routing_decision d on d.routing_id = r.id
    $$;`);
    this.addSql(`revoke all on function prosecution_routings(uuid[]) from public;`);
    this.addSql(`grant execute on function prosecution_routings(uuid[]) to samenloop_app;`);

    this.addSql(`drop policy signal_routing_report on signal_routing;`);
    this.addSql(`create policy signal_routing_report on signal_routing for insert
      with check (recipient = 'OM' and rule_id = 'OM-AANGIFTE' and signal_visible_to(signal_id, app_organisation())
        and due_at = amsterdam_add_days(created_at, 91));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy if exists signal_routing_report on signal_routing;`);
    this.addSql(`create policy signal_routing_report on signal_routing for insert
      with check (recipient = 'OM' and rule_id = 'OM-AANGIFTE' and signal_visible_to(signal_id, app_organisation()));`);
    this.addSql(`drop function if exists prosecution_routings(uuid[]);`);
  }

}
