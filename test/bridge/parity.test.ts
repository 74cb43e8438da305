import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dutchLocation, registerProvider } from '../support/providers.js';
import { RestClient } from '../support/rest.js';
import { DECIDE, SUBMIT_SIGNAL, signalInput } from '../support/signals.js';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';

/**
 * The same scenario through GraphQL (database A) and through REST (database B), with the same clock and the same
 * identities: the rows written and the audit events recorded are compared, with ids replaced by their order of
 * first appearance. A second implementation of any rule in the bridge would show up here.
 */
describe('GraphQL and REST leave the same rows and the same audit', () => {
  const START = '2026-12-01T09:00:00Z';
  let graphql: TestApp;
  let rest: TestApp;

  beforeAll(async () => {
    [graphql, rest] = await Promise.all([startTestApp({ clock: new TestClock(START) }), startTestApp({ clock: new TestClock(START) })]);
    for (const t of [graphql, rest]) {
      await registerProvider(await t.as('IGJ', [Role.PLANNER], 'planner@igj'), { name: 'Zorg Gelijk', kvkNumber: '40404040', sectors: ['THUISZORG'], locations: [dutchLocation('GM0363', { name: 'Hoofdlocatie' })] });
    }
  });
  afterAll(async () => {
    await graphql?.close();
    await rest?.close();
  });

  /** What a scenario left behind, with every uuid and every changing number replaced by a stable placeholder. */
  async function snapshot(t: TestApp, from: number) {
    await t.app.auditCheckpoint.checkpoint();
    await t.app.deliveries.relay(); // the routings' SIGNAL_ROUTED events, as the delivery worker's round writes them
    const rows = {
      signals: await t.sql(`select external_id, source_organisation, category, severity, possible_criminal_offence, occurred_at, received_at, summary,
          subject_pseudonym is not null as subject, submitted_by from signal order by received_at, external_id`),
      providers: await t.sql(`select s.external_id, p.kvk_number from signal s join provider p on p.id = any(s.provider_ids) order by 1, 2`),
      routings: await t.sql(`select s.external_id, r.recipient, r.rule_id, r.protocol_version, r.created_at, r.due_at from signal_routing r join signal s on s.id = r.signal_id order by 1, 2`),
      decisions: await t.sql(`select r.recipient, d.outcome, d.note, d.decided_by_organisation, d.decided_by_sub, d.decided_at from routing_decision d join signal_routing r on r.id = d.routing_id order by 1`),
      events: await t.sql(`select organisation, type, occurred_at, resource_type, resource_id from event where seq > $1 order by seq`, [from]),
      audit: await t.sql(`select actor_sub, actor_organisation, actor_roles, operation, resource_type, resource_ids, owner_organisations, resource_owners, outcome, details
          from audit_event where operation <> 'registerProvider' order by id`),
    };
    const ids = new Map<string, string>();
    return JSON.parse(
      JSON.stringify(rows).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
        if (!ids.has(id)) ids.set(id, `id-${ids.size + 1}`);
        return ids.get(id)!;
      }),
    );
  }

  it('submitting (new, duplicate, conflicting) and deciding', async () => {
    const outboxStart = async (t: TestApp) => Number((await t.sql('select coalesce(max(seq), 0) as max from event'))[0]!.max);
    const [fromA, fromB] = [await outboxStart(graphql), await outboxStart(rest)];
    const input = signalInput({ externalId: 'GELIJK-1', possibleCriminalOffence: true, providers: [{ kvkNumber: '40404040' }], subjectBsn: '111222333' });

    // Through GraphQL.
    const nzaA = await graphql.as('NZA', [Role.INTAKE], 'koppeling@nza');
    const created = (await nzaA.ok(SUBMIT_SIGNAL, { input })).submitSignal;
    await nzaA.ok(SUBMIT_SIGNAL, { input });
    await nzaA.request(SUBMIT_SIGNAL, { input: { ...input, summary: 'Anders' } });
    const omRoutingA = created.routings.find((routing: any) => routing.recipient.code === 'OM').id;
    await (await graphql.as('OM', [Role.PROSECUTOR], 'officier@om')).ok(DECIDE, { input: { routingId: omRoutingA, outcome: 'DECLINE', note: 'Geen onderzoek' } });

    // Then a refused token with a broken body, and a valid token with an invalid body.
    const expiredA = await graphql.issuer.token('NZA', [Role.INTAKE], { sub: 'koppeling@nza', iat: 1_700_000_000, exp: 1_700_003_600 }, 1_700_000_000);
    await graphql.withToken(expiredA).request(SUBMIT_SIGNAL, { input: { externalId: 1 } });
    await nzaA.request(SUBMIT_SIGNAL, { input: { ...input, externalId: 'GELIJK-2', occurredAt: '2030-01-01T00:00:00Z' } });

    // Through REST, the same steps.
    const nzaB = new RestClient(rest.app, (await rest.as('NZA', [Role.INTAKE], 'koppeling@nza')).token);
    const posted = await nzaB.post('/api/v1/signals', input);
    expect(posted.status).toBe(201);
    expect((await nzaB.post('/api/v1/signals', input)).status).toBe(200);
    expect((await nzaB.post('/api/v1/signals', { ...input, summary: 'Anders' })).status).toBe(409);
    const omRoutingB = posted.body.routings.find((routing: any) => routing.recipient.code === 'OM').id;
    const om = new RestClient(rest.app, (await rest.as('OM', [Role.PROSECUTOR], 'officier@om')).token);
    expect((await om.post(`/api/v1/signals/${posted.body.id}/routings/${omRoutingB}/decision`, { outcome: 'DECLINE', note: 'Geen onderzoek' })).status).toBe(200);
    const expiredB = await rest.issuer.token('NZA', [Role.INTAKE], { sub: 'koppeling@nza', iat: 1_700_000_000, exp: 1_700_003_600 }, 1_700_000_000);
    expect((await new RestClient(rest.app, expiredB).post('/api/v1/signals', { externalId: 1 })).status).toBe(401);
    expect((await nzaB.post('/api/v1/signals', { ...input, externalId: 'GELIJK-2', occurredAt: '2030-01-01T00:00:00Z' })).status).toBe(400);

    const [a, b] = [await snapshot(graphql, fromA), await snapshot(rest, fromB)];
    expect(a.signals).toHaveLength(1);
    expect(a.audit.map((event: any) => `${event.operation}:${event.outcome}`)).toEqual([
      'submitSignal:SUCCESS',
      'submitSignal:SUCCESS',
      'submitSignal:CONFLICT',
      'decideRouting:SUCCESS',
      'authenticate:UNAUTHENTICATED',
      'submitSignal:BAD_USER_INPUT',
    ]);
    expect(b).toEqual(a);
  });
});
