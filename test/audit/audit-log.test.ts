import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, PROVIDER, PROVIDERS, REGISTER_PROVIDER, registerProvider } from '../support/providers.js';

const AUDIT_EVENTS = `query Audit($filter: AuditEventFilter, $first: Int) {
  auditEvents(filter: $filter, first: $first) {
    totalCount
    edges { node { id occurredAt actorSub actorOrganisationCode actorRoles operation resourceType resourceIds ownerOrganisationCodes outcome details requestId } }
  }
}`;

interface EventRow {
  actor_sub: string;
  actor_organisation: string;
  actor_roles: string[];
  operation: string;
  resource_type: string;
  resource_ids: string[];
  owner_organisations: string[];
  outcome: string;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

describe('audit log', () => {
  let t: TestApp;
  let igj: GraphQLClient;
  let providerId: string;

  const eventsOf = (sub: string) =>
    t.sql<EventRow>('select * from audit_event where actor_sub = $1 order by id', [sub]);

  beforeAll(async () => {
    t = await startTestApp();
    igj = await t.as('IGJ', [Role.PLANNER], 'registrar@igj');
    providerId = await registerProvider(igj, { name: 'Gelogde Zorg', kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
  });
  afterAll(async () => t?.close());

  describe('records', () => {
    it('a write, with actor, organisation, roles, resource and outcome', async () => {
      const [event] = (await eventsOf('registrar@igj')).filter((row) => row.operation === 'registerProvider');
      expect(event).toMatchObject({
        actor_organisation: 'IGJ',
        actor_roles: ['PLANNER'],
        resource_type: 'Provider',
        resource_ids: [providerId],
        owner_organisations: ['IGJ'],
        outcome: 'SUCCESS',
      });
    });

    it('a read by id, under the request id the caller got back', async () => {
      const reader = await t.as('GM0363', [Role.INSPECTOR], 'reader@amsterdam');
      const response = await t.app.http.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${reader.token}`, 'x-request-id': 'trace-123' },
        payload: JSON.stringify({ query: PROVIDER, variables: { id: providerId } }),
      });
      expect(response.headers['x-request-id']).toBe('trace-123');
      const events = await eventsOf('reader@amsterdam');
      expect(events).toEqual([
        expect.objectContaining({ operation: 'provider', resource_ids: [providerId], outcome: 'SUCCESS', request_id: 'trace-123', owner_organisations: ['IGJ'] }),
      ]);
    });

    it('a list read, with the ids it returned', async () => {
      const lister = await t.as('IGJ', [Role.INSPECTOR], 'lister@igj');
      const data = await lister.ok(PROVIDERS, {});
      const [event] = await eventsOf('lister@igj');
      expect(event!.operation).toBe('providers');
      expect(event!.resource_ids).toEqual(data.providers.edges.map((edge: any) => edge.node.id));
    });

    it('a read of something invisible or missing, as NOT_FOUND', async () => {
      const prober = await t.as('GM0599', [Role.INSPECTOR], 'prober@rotterdam');
      await prober.fails(PROVIDER, { id: providerId });
      const [event] = await eventsOf('prober@rotterdam');
      expect(event).toMatchObject({ operation: 'provider', resource_ids: [providerId], outcome: 'NOT_FOUND' });
    });

    it('a refused or failed write, and no success for it', async () => {
      const prosecutor = await t.as('OM', [Role.PROSECUTOR], 'officier@om');
      await prosecutor.fails(REGISTER_PROVIDER, { input: { name: 'x', kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0363')] } });
      const clumsy = await t.as('IGJ', [Role.PLANNER], 'clumsy@igj');
      await clumsy.fails(REGISTER_PROVIDER, { input: { name: 'x', kvkNumber: '123', sectors: ['GGZ'], locations: [dutchLocation('GM0363')] } });
      expect(await eventsOf('officier@om')).toEqual([expect.objectContaining({ operation: 'registerProvider', outcome: 'FORBIDDEN' })]);
      expect(await eventsOf('clumsy@igj')).toEqual([
        expect.objectContaining({ operation: 'registerProvider', outcome: 'BAD_USER_INPUT', details: { field: 'input.kvkNumber' } }),
      ]);
    });
  });

  describe('is append-only in the database', () => {
    it.each([
      ['update', `update audit_event set outcome = 'SUCCESS'`],
      ['delete', 'delete from audit_event'],
      ['truncate', 'truncate audit_event'],
    ])('refuses %s, even for the owner', async (_name, statement) => {
      await expect(t.sql(statement)).rejects.toThrow(/append-only/);
    });
  });

  describe('verification', () => {
    it('finds an intact log intact, also after many concurrent writers', async () => {
      const clients = await Promise.all(['GM0363', 'IGJ', 'NZA', 'IJENV'].map((org) => t.as(org, [Role.PLANNER])));
      await Promise.all(
        Array.from({ length: 40 }, (_, index) => {
          const client = clients[index % clients.length]!;
          return index % 3 === 0
            ? client.request(REGISTER_PROVIDER, { input: { name: `Parallel ${index}`, kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363')] } })
            : client.request(PROVIDER, { id: index % 2 ? providerId : randomUUID() });
        }),
      );
      const report = await verifyAuditLog(await t.ownerEm());
      expect(report.problems).toEqual([]);
      const [{ count }] = await t.sql('select count(*)::int as count from audit_event');
      expect(report.events).toBe(count);
      expect(count).toBeGreaterThan(40);
    });

    it('detects a row altered, removed, or removed at the end of a chain, with superuser rights', async () => {
      const [victim] = await t.sql<{ id: string; shard: number }>(`select id, shard from audit_event where outcome = 'NOT_FOUND' order by id limit 1`);
      await tamper(t, `update audit_event set outcome = 'SUCCESS' where id = ${victim!.id}`);
      let report = await verifyAuditLog(await t.ownerEm());
      expect(report.problems).toEqual([expect.stringContaining(`audit event ${victim!.id}`)]);
      expect(report.problems[0]).toMatch(/content was changed/);

      await tamper(t, `update audit_event set outcome = 'NOT_FOUND' where id = ${victim!.id}`);
      expect((await verifyAuditLog(await t.ownerEm())).problems).toEqual([]);

      const [middle] = await t.sql<{ id: string; shard: number }>(
        `select id, shard from audit_event e where chain_seq > 1 and exists (select 1 from audit_event n where n.shard = e.shard and n.chain_seq = e.chain_seq + 1) limit 1`,
      );
      await tamper(t, `delete from audit_event where id = ${middle!.id}`);
      report = await verifyAuditLog(await t.ownerEm());
      expect(report.problems.join('\n')).toMatch(new RegExp(`chain ${middle!.shard}: position \\d+ is missing`));

      const [last] = await t.sql<{ id: string; shard: number }>(
        `select e.id, e.shard from audit_event e join audit_chain_head h on h.shard = e.shard and h.seq = e.chain_seq where e.shard <> ${middle!.shard} limit 1`,
      );
      await tamper(t, `delete from audit_event where id = ${last!.id}`);
      report = await verifyAuditLog(await t.ownerEm());
      expect(report.problems.join('\n')).toMatch(new RegExp(`chain ${last!.shard}: the head is at position`));
    });

    it('npm run audit:verify exits non-zero and names the tampered row', async () => {
      const run = promisify(execFile);
      const failure = await run('npm', ['run', '-s', 'audit:verify'], {
        env: {
          ...process.env,
          DATABASE_URL: t.databaseUrl,
          DATABASE_OWNER_URL: t.ownerUrl,
          NODE_ENV: 'development',
          DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'samenloop-verify-')),
        },
      }).catch(
        (error: { code: number; stdout: string }) => error,
      );
      expect((failure as { code: number }).code).toBe(1);
      expect((failure as { stdout: string }).stdout).toMatch(/TAMPERED/);
    });
  });
});

/** What an attacker with superuser rights can do: switch the triggers off for the session. */
async function tamper(t: TestApp, statement: string): Promise<void> {
  await t.sql(`do $$ begin set local session_replication_role = replica; ${statement}; end $$`);
}

describe('auditEvents', () => {
  let t: TestApp;
  let igjProvider: string;

  beforeAll(async () => {
    t = await startTestApp();
    igjProvider = await registerProvider(await t.as('IGJ', [Role.PLANNER], 'planner@igj'), {
      name: 'IGJ Aanbieder',
      kvkNumber: freshKvk(),
      locations: [dutchLocation('GM0363')],
    });
    await (await t.as('GM0363', [Role.INSPECTOR], 'inspecteur@amsterdam')).ok(PROVIDER, { id: igjProvider });
    await registerProvider(await t.as('GM0344', [Role.PLANNER], 'planner@utrecht'), {
      name: 'Utrechtse Aanbieder',
      kvkNumber: freshKvk(),
      locations: [dutchLocation('GM0344')],
    });
  });
  afterAll(async () => t?.close());

  it("shows an auditor who accessed its organisation's data and what its own people did", async () => {
    const auditor = await t.as('IGJ', [Role.AUDITOR], 'auditor@igj');
    const { auditEvents } = await auditor.ok(AUDIT_EVENTS, {});
    const seen = auditEvents.edges.map((edge: any) => `${edge.node.actorSub}:${edge.node.operation}`);
    expect(seen).toEqual(expect.arrayContaining(['planner@igj:registerProvider', 'inspecteur@amsterdam:provider']));
    expect(seen.some((entry: string) => entry.startsWith('planner@utrecht'))).toBe(false);
    const times = auditEvents.edges.map((edge: any) => Date.parse(edge.node.occurredAt));
    expect(times.every((time: number) => Math.abs(time - t.clock.now().getTime()) < 60_000)).toBe(true);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('does not show another organisation what it has no part in', async () => {
    const auditor = await t.as('GM0344', [Role.AUDITOR], 'auditor@utrecht');
    const { auditEvents } = await auditor.ok(AUDIT_EVENTS, {});
    const actors = new Set(auditEvents.edges.map((edge: any) => edge.node.actorSub));
    expect(actors.has('planner@utrecht')).toBe(true);
    expect(actors.has('planner@igj')).toBe(false);
    expect(actors.has('inspecteur@amsterdam')).toBe(false);
  });

  it('filters, and is itself audited', async () => {
    const auditor = await t.as('IGJ', [Role.AUDITOR], 'auditor2@igj');
    const { auditEvents } = await auditor.ok(AUDIT_EVENTS, { filter: { actorOrganisationCode: 'GM0363' } });
    expect(auditEvents.edges.every((edge: any) => edge.node.actorOrganisationCode === 'GM0363')).toBe(true);
    expect(auditEvents.totalCount).toBe(1);
    const [event] = await t.sql<EventRow>(`select * from audit_event where actor_sub = 'auditor2@igj'`);
    expect(event).toMatchObject({ operation: 'auditEvents', resource_type: 'AuditEvent' });
  });

  it('is for auditors only', async () => {
    expect((await (await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR])).fails(AUDIT_EVENTS, {})).code).toBe('FORBIDDEN');
  });
});
