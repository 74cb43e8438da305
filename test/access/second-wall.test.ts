import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { DECIDE, signalInput, submit } from '../support/signals.js';

/**
 * The database is a second wall: even a query that forgets every filter, run as the service's own role inside a
 * caller's transaction, returns nothing of other organisations' signals or audit events; and that role cannot
 * rewrite the audit log, move its chain heads or switch its triggers off.
 */
describe('the database as a second wall', () => {
  let t: TestApp;
  let app: pg.Client;
  const signals: Record<string, string> = {};

  /** A statement as the service's role, in a transaction that names `organisation` (or none). */
  async function asService<Row = Record<string, unknown>>(organisation: string | null, text: string): Promise<Row[]> {
    await app.query('begin');
    try {
      if (organisation) await app.query(`select set_config('app.organisation', $1, true)`, [organisation]);
      return (await app.query(text)).rows as Row[];
    } finally {
      await app.query('rollback');
    }
  }

  async function refused(statement: string): Promise<string> {
    const error = await app.query(statement).then(
      () => undefined,
      (failure: { code: string }) => failure,
    );
    expect(error, statement).toBeDefined();
    return error!.code;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const igj = await t.as('IGJ', [Role.PLANNER]);
    const amsterdamCare = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    const utrechtWmo = await registerProvider(igj, { kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0344')] });
    // NZA → OM and IGJ; GM0344 → nobody but itself sees it; IGJ → GM0344 (Wmo) and OM
    signals.nza = (await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ providers: [{ id: amsterdamCare }], possibleCriminalOffence: true }))).signal.id;
    signals.utrecht = (await submit(await t.as('GM0344', [Role.INTAKE]), signalInput({ providers: [{ id: utrechtWmo }] }))).signal.id;
    signals.igj = (await submit(await t.as('IGJ', [Role.INTAKE]), signalInput({ providers: [{ id: utrechtWmo }], possibleCriminalOffence: true }))).signal.id;
    const om = await t.as('OM', [Role.PROSECUTOR]);
    const [routing] = await t.sql<{ id: string }>(`select id from signal_routing where signal_id = $1 and recipient = 'OM'`, [signals.nza]);
    await om.ok(DECIDE, { input: { routingId: routing!.id, outcome: 'DECLINE', note: 'Geen strafbaar feit' } });
    await (await t.as('GM0363', [Role.INSPECTOR])).request('{ providers { totalCount } }');

    app = new pg.Client({ connectionString: t.databaseUrl });
    await app.connect();
  });
  afterAll(async () => {
    await app?.end();
    await t?.close();
  });

  it('connects the service as a role that is no superuser, cannot bypass row security and owns nothing', async () => {
    const [role] = await asService<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; owned: number }>(
      null,
      `select r.rolname, r.rolsuper, r.rolbypassrls,
         (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and pg_has_role(current_user, c.relowner, 'MEMBER')) as owned
       from pg_roles r where r.rolname = current_user`,
    );
    expect(role).toEqual({ rolname: 'samenloop_app', rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('an unfiltered select in a caller\'s transaction shows only what that organisation may see', async () => {
    const visible = async (organisation: string) =>
      new Set((await asService<{ id: string }>(organisation, 'select id from signal')).map((row) => row.id));
    expect(await visible('OM')).toEqual(new Set([signals.nza, signals.igj]));
    expect(await visible('GM0344')).toEqual(new Set([signals.utrecht, signals.igj]));
    expect(await visible('GM0363')).toEqual(new Set());
    expect(await visible('NZA')).toEqual(new Set([signals.nza]));

    const recipients = await asService<{ recipient: string; signal_id: string }>('GM0344', 'select recipient, signal_id from signal_routing');
    expect(new Set(recipients.map((row) => row.signal_id))).toEqual(new Set([signals.igj]));
    expect(await asService('GM0363', 'select * from routing_decision')).toEqual([]);
    expect(await asService('NZA', 'select * from routing_decision')).toHaveLength(1);
    expect(await asService('GM0363', 'select provider_ids from signal')).toEqual([]);
    expect(await asService('GM0363', 'select subject_pseudonym from signal')).toEqual([]);
  });

  it('without an organisation named, the row-secured tables show nothing at all', async () => {
    for (const table of ['signal', 'signal_routing', 'routing_decision', 'audit_event']) {
      expect(await asService(null, `select * from ${table}`), table).toEqual([]);
    }
  });

  it('the audit log shows an organisation only what its people did and what was done to its data', async () => {
    const rows = await asService<{ actor_organisation: string; owner_organisations: string[] }>(
      'GM0363',
      'select actor_organisation, owner_organisations from audit_event',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.actor_organisation === 'GM0363' || row.owner_organisations.includes('GM0363')).toBe(true);
    const [all] = await t.sql<{ count: number }>(`select count(*)::int as count from audit_event`);
    expect(rows.length).toBeLessThan(all!.count);
  });

  it('the service cannot insert a signal in another organisation\'s name', async () => {
    await app.query('begin');
    await app.query(`select set_config('app.organisation', 'GM0363', true)`);
    const code = await app
      .query(
        `insert into signal (id, source_organisation, external_id, content_hash, category, severity, possible_criminal_offence,
           occurred_at, received_at, summary, submitted_by)
         values (gen_random_uuid(), 'IGJ', 'forged', '\\x00', 'KLACHT', 'LOW', false, now(), now(), 'x', 'mallory')`,
      )
      .then(
        () => 'inserted',
        (error: { code: string }) => error.code,
      );
    await app.query('rollback');
    expect(code).toBe('42501'); // new row violates row-level security policy
  });

  it('the service cannot change or remove audit rows, move a chain head, or switch the triggers off', async () => {
    expect(await refused(`update audit_event set outcome = 'SUCCESS'`)).toBe('42501');
    expect(await refused('delete from audit_event')).toBe('42501');
    expect(await refused('truncate audit_event')).toBe('42501');
    expect(await refused('update audit_chain_head set seq = 0')).toBe('42501');
    expect(await refused('delete from audit_chain_head')).toBe('42501');
    expect(await refused('alter table audit_event disable trigger all')).toBe('42501');
    expect(await refused('alter table audit_event disable row level security')).toBe('42501');
    expect(await refused('set session_replication_role = replica')).toBe('42501');
    expect(await refused('drop trigger audit_event_no_update_or_delete on audit_event')).toBe('42501');
    expect(await refused(`update routing_decision set outcome = 'ACCEPT'`)).toBe('42501');
    expect(await refused('delete from signal')).toBe('42501');
  });

  it('the service role holds exactly the privileges the migrations grant (a change here is a permission change)', async () => {
    const rows = await asService<{ table_name: string; privileges: string }>(
      null,
      `select table_name, string_agg(privilege_type, ',' order by privilege_type) as privileges
       from information_schema.role_table_grants where grantee = 'samenloop_app' group by table_name order by table_name`,
    );
    expect(Object.fromEntries(rows.map((row) => [row.table_name, row.privileges]))).toEqual({
      audit_chain_head: 'SELECT',
      audit_event: 'INSERT,SELECT',
      coordination_proposal: 'INSERT,SELECT,UPDATE',
      enforcement_action: 'INSERT,SELECT',
      enforcement_action_signal: 'INSERT,SELECT',
      enforcement_action_status: 'INSERT,SELECT',
      enforcement_action_visit: 'INSERT,SELECT',
      event: 'INSERT,SELECT',
      location: 'INSERT,SELECT',
      mikro_orm_migrations: 'SELECT',
      organisation: 'INSERT,SELECT',
      provider: 'INSERT,SELECT',
      provider_routing: 'SELECT',
      routing_decision: 'INSERT,SELECT',
      schema_definition: 'SELECT',
      signal: 'INSERT,SELECT',
      signal_routing: 'INSERT,SELECT',
      visit: 'INSERT,SELECT,UPDATE',
      visit_conflict: 'INSERT,SELECT,UPDATE',
      visit_history: 'INSERT,SELECT',
      visit_planning_counter: 'INSERT,SELECT,UPDATE',
      visit_provider: 'INSERT,SELECT,UPDATE',
      webhook_attempt: 'INSERT,SELECT',
      webhook_delivery: 'INSERT,SELECT',
      webhook_subscription: 'INSERT,SELECT',
    });
    const columns = await asService<{ column: string }>(
      null,
      `select table_name || '.' || column_name as column from information_schema.column_privileges
       where grantee = 'samenloop_app' and privilege_type = 'UPDATE'
         and table_name not in (select table_name from information_schema.role_table_grants where grantee = 'samenloop_app' and privilege_type = 'UPDATE')
       order by 1`,
    );
    expect(columns.map((row) => row.column)).toEqual([
      'enforcement_action.published_at',
      'enforcement_action.published_by_sub',
      'organisation.name',
      'provider.agb_code',
      'provider.sectors',
      'webhook_delivery.attempts',
      'webhook_delivery.attempts_before_window',
      'webhook_delivery.claim_expires_at',
      'webhook_delivery.claimed_by',
      'webhook_delivery.delivered_at',
      'webhook_delivery.last_status_code',
      'webhook_delivery.next_attempt_at',
      'webhook_delivery.status',
      'webhook_delivery.window_started_at',
      'webhook_subscription.active',
      'webhook_subscription.deactivated_reason',
      'webhook_subscription.deleted_at',
    ]);
  });

  it('the server refuses to run as a role that could step over the wall', async () => {
    const attempt = buildApp({
      config: t.config,
      databaseUrl: t.ownerUrl,
      logger: t.logger,
      issuers: [t.issuer.trusted()],
      pseudonymKey: Buffer.alloc(32, 1),
      auditKey: Buffer.alloc(32, 2),
    });
    await expect(attempt).rejects.toThrow(/samenloop_owner, which owns the tables/);
  });

  it('nor as a role that may create objects in the public schema (the default of PostgreSQL 13 and 14)', async () => {
    await t.sql('grant create on schema public to samenloop_app');
    try {
      const attempt = buildApp({
        config: t.config,
        databaseUrl: t.databaseUrl,
        logger: t.logger,
        issuers: [t.issuer.trusted()],
        pseudonymKey: Buffer.alloc(32, 1),
        auditKey: Buffer.alloc(32, 2),
      });
      await expect(attempt).rejects.toThrow(/samenloop_app, which may create objects/);
    } finally {
      await t.sql('revoke create on schema public from samenloop_app');
    }
  });
});
