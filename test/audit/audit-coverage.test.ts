import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { signalInput, submit, SUBMIT_SIGNAL } from '../support/signals.js';
import { dayAt, plan, VISITS } from '../support/visits.js';

const AUDIT_EVENTS = `query Audit($filter: AuditEventFilter) {
  auditEvents(filter: $filter, first: 100) { edges { node { actorSub operation resourceIds ownerOrganisationCodes details } } }
}`;

interface Row {
  operation: string;
  resource_ids: string[];
  details: Record<string, unknown> | null;
}

/** Reads that used to pass unaudited, and list events that showed one organisation's auditor another's records. */
describe('audit coverage', () => {
  let t: TestApp;
  let provider: string;
  const events = (sub: string) => t.sql<Row>('select operation, resource_ids, details from audit_event where actor_sub = $1 order by id', [sub]);

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation('GM0363')] });
  });
  afterAll(async () => t?.close());

  it('a duplicate submission is audited as a read of the signal it returns', async () => {
    const intake = await t.as('NZA', [Role.INTAKE], 'dup@nza');
    const input = signalInput({ providers: [{ id: provider }], possibleCriminalOffence: true });
    const first = await submit(intake, input);
    const again = await submit(intake, input);
    expect(again.duplicate).toBe(true);
    const rows = (await events('dup@nza')).filter((row) => row.operation === 'submitSignal');
    expect(rows).toEqual([
      { operation: 'submitSignal', resource_ids: [first.signal.id], details: { created: 1, duplicates: 0 } },
      { operation: 'submitSignal', resource_ids: [first.signal.id], details: { duplicates: 1 } },
    ]);
    const [owners] = await t.sql<{ owner_organisations: string[] }>(
      `select owner_organisations from audit_event where actor_sub = 'dup@nza' and details->>'duplicates' = '1' and details->>'created' is null`,
    );
    expect(owners!.owner_organisations).toEqual(['IGJ', 'NZA', 'OM']);
  });

  it('a signal read through a bulk result is audited (once per request, with every signal read)', async () => {
    const integration = await t.as('NZA', [Role.INTEGRATION], 'bulk@nza');
    const inputs = [signalInput({ providers: [{ id: provider }] }), signalInput({ providers: [{ id: provider }] })];
    await integration.ok(`mutation($input: [SubmitSignalInput!]!) { submitSignals(input: $input) { results { signal { id } } } }`, { input: inputs });
    const reread = await integration.ok(
      `mutation($input: [SubmitSignalInput!]!) { submitSignals(input: $input) { results { outcome signal { id summary } } } }`,
      { input: inputs },
    );
    const ids = reread.submitSignals.results.map((result: any) => result.signal.id);
    const reads = (await events('bulk@nza')).filter((row) => row.operation === 'submitSignals.signal');
    expect(reads).toEqual([{ operation: 'submitSignals.signal', resource_ids: ids, details: null }]);
  });

  it('a signal read through a routing is audited', async () => {
    const intake = await t.as('IGJ', [Role.INTAKE], 'reader@igj');
    const { signal } = await submit(await t.as('NZA', [Role.INTAKE]), signalInput({ providers: [{ id: provider }] }));
    const result = await intake.ok(`query($id: ID!) { signal(id: $id) { routings { signal { id summary } } } }`, { id: signal.id });
    expect(result.signal.routings[0].signal.id).toBe(signal.id);
    expect((await events('reader@igj')).map((row) => [row.operation, row.resource_ids])).toEqual([
      ['signal', [signal.id]],
      ['routing.signal', [signal.id]],
    ]);
  });

  it("another organisation's auditor sees only its own records of a list event, and no details", async () => {
    const base = new Date('2027-03-01T00:00:00Z');
    const igjVisit = (await plan(await t.as('IGJ', [Role.PLANNER]), { providerIds: [provider], start: dayAt(base, 1) })).visit.id;
    const nzaVisit = (await plan(await t.as('NZA', [Role.PLANNER]), { providerIds: [provider], start: dayAt(base, 3) })).visit.id;
    await (await t.as('GM0363', [Role.PLANNER], 'lister@amsterdam')).ok(VISITS, { filter: { providerId: provider } });

    const listEvent = async (organisation: string) => {
      const auditor = await t.as(organisation, [Role.AUDITOR]);
      const { auditEvents } = await auditor.ok(AUDIT_EVENTS, { filter: { actorOrganisationCode: 'GM0363' } });
      return auditEvents.edges.map((edge: any) => edge.node).find((node: any) => node.actorSub === 'lister@amsterdam' && node.operation === 'visits');
    };
    expect(await listEvent('IGJ')).toEqual({ actorSub: 'lister@amsterdam', operation: 'visits', resourceIds: [igjVisit], ownerOrganisationCodes: ['IGJ'], details: null });
    expect(await listEvent('NZA')).toEqual({ actorSub: 'lister@amsterdam', operation: 'visits', resourceIds: [nzaVisit], ownerOrganisationCodes: ['NZA'], details: null });
    const own = await listEvent('GM0363');
    expect(new Set(own.resourceIds)).toEqual(new Set([igjVisit, nzaVisit]));
    expect(own.ownerOrganisationCodes).toEqual(['IGJ', 'NZA']);
  });

  it('the submission mutation itself still answers with the signal and its routings', async () => {
    const result = await (await t.as('NZA', [Role.INTAKE])).ok(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ id: provider }] }) });
    expect(result.submitSignal.routings.map((routing: any) => routing.recipient.code)).toEqual(['IGJ']);
  });
});
