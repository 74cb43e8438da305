import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider, PROVIDER } from '../support/providers.js';
import { SIGNAL, SIGNALS, signalInput, submit } from '../support/signals.js';

describe('who sees a signal', () => {
  let t: TestApp;
  let signalId: string;
  let providerId: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-11-23T10:00:00Z') });
    providerId = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), sectors: ['GGZ'], locations: [dutchLocation('GM0599')] });
    // Submitted by NZa, possible criminal offence: routed to the OM and to IGJ.
    signalId = (await submit(await t.as('NZA', [Role.INTEGRATION]), signalInput({ possibleCriminalOffence: true, providers: [{ id: providerId }] }))).signal.id;
  });
  afterAll(async () => t?.close());

  it('the submitter and each recipient see it, summary and all routings', async () => {
    for (const [org, roles] of [
      ['NZA', [Role.INTEGRATION]],
      ['OM', [Role.PROSECUTOR]],
      ['IGJ', [Role.INTAKE]],
    ] as const) {
      const { signal } = await (await t.as(org, [...roles])).ok(SIGNAL, { id: signalId });
      expect(signal.summary).toBe('Cliënt meldt gebrekkige zorg');
      expect(signal.routings.map((routing: any) => routing.recipient.code).sort()).toEqual(['IGJ', 'OM']);
      expect(signal.providers).toEqual([{ id: providerId }]);
    }
  });

  it('an unrelated organisation gets NOT_FOUND, exactly as for a signal that does not exist', async () => {
    for (const org of ['GM0599', 'IJENV', 'ZORGINSPECTIE']) {
      const client = await t.as(org, [Role.INTAKE, Role.COORDINATOR]);
      const hidden = await client.fails(SIGNAL, { id: signalId });
      const missing = await client.fails(SIGNAL, { id: randomUUID() });
      expect([hidden.code, missing.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
      expect((await client.ok(SIGNALS, {})).signals.totalCount).toBe(0);
    }
  });

  it('a client with only the INTEGRATION role follows what its organisation submitted, not what was routed to it', async () => {
    const igjIntegration = await t.as('IGJ', [Role.INTEGRATION]);
    expect((await igjIntegration.fails(SIGNAL, { id: signalId })).code).toBe('NOT_FOUND');
    expect((await (await t.as('NZA', [Role.INTEGRATION])).ok(SIGNALS, {})).signals.totalCount).toBe(1);
  });

  it('the OM reaches the providers of signals routed to it, and only those', async () => {
    const om = await t.as('OM', [Role.PROSECUTOR]);
    await om.ok(PROVIDER, { id: providerId });
    const other = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber: freshKvk(), locations: [dutchLocation('GM0599')] });
    expect((await om.fails(PROVIDER, { id: other })).code).toBe('NOT_FOUND');
    expect((await om.ok(SIGNALS, { filter: { routedToMe: true } })).signals.edges.map((edge: any) => edge.node.id)).toEqual([signalId]);
    // The list read is audited as the business of the submitter and of every recipient.
    const [event] = await t.sql(`select owner_organisations from audit_event where actor_organisation = 'OM' and operation = 'signals'`);
    expect(event!.owner_organisations).toEqual(['IGJ', 'NZA', 'OM']);
  });
});
