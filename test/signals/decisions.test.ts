import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { DECIDE, SIGNAL, SIGNALS, signalInput, submit } from '../support/signals.js';

describe('decisions on routings', () => {
  let t: TestApp;
  let nza: GraphQLClient;
  let kvkNumber: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-11-23T10:00:00Z') });
    nza = await t.as('NZA', [Role.INTEGRATION], 'koppeling@nza');
    kvkNumber = freshKvk();
    await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
  });
  afterAll(async () => t?.close());

  const fraud = () => submit(nza, signalInput({ category: 'ZORGFRAUDE', possibleCriminalOffence: true, providers: [{ kvkNumber }] }));
  const routingOf = (result: Awaited<ReturnType<typeof fraud>>, code: string) => result.routings.find((routing) => routing.recipient.code === code)!.id as string;

  it('the OM prosecutor accepts; the submitter and the other recipient see the decision', async () => {
    const signal = await fraud();
    const prosecutor = await t.as('OM', [Role.PROSECUTOR], 'officier@om');
    const { decideRouting } = await prosecutor.ok(DECIDE, { input: { routingId: routingOf(signal, 'OM'), outcome: 'ACCEPT' } });
    expect(decideRouting.routing).toMatchObject({ status: 'ACCEPTED', decision: { outcome: 'ACCEPT', decidedBy: { code: 'OM' }, decidedAt: '2026-11-23T10:00:00.000Z' } });
    for (const client of [nza, await t.as('IGJ', [Role.INTAKE])]) {
      const { signal: seen } = await client.ok(SIGNAL, { id: signal.signal.id });
      expect(seen.routings.find((routing: any) => routing.recipient.code === 'OM')).toMatchObject({ status: 'ACCEPTED', decision: { outcome: 'ACCEPT' } });
      expect(seen.status).toBe('OPEN'); // IGJ has not decided yet
    }
  });

  it("the outcome is for everyone the signal is visible to; the note only for the decider and the submitter", async () => {
    const signal = await fraud();
    await (await t.as('OM', [Role.PROSECUTOR])).ok(DECIDE, { input: { routingId: routingOf(signal, 'OM'), outcome: 'DECLINE', note: 'Onvoldoende bewijs' } });
    const decisionAsSeenBy = async (organisation: string, role: Role) => {
      const { signal: seen } = await (await t.as(organisation, [role])).ok(SIGNAL, { id: signal.signal.id });
      return seen.routings.find((routing: any) => routing.recipient.code === 'OM').decision;
    };
    expect(await decisionAsSeenBy('OM', Role.PROSECUTOR)).toMatchObject({ outcome: 'DECLINE', note: 'Onvoldoende bewijs' });
    expect(await decisionAsSeenBy('NZA', Role.INTAKE)).toMatchObject({ outcome: 'DECLINE', note: 'Onvoldoende bewijs' });
    expect(await decisionAsSeenBy('IGJ', Role.INTAKE)).toEqual(expect.objectContaining({ outcome: 'DECLINE', note: null, decidedBy: { code: 'OM' } }));
  });

  it('only the recipient decides, in the roles the protocol names', async () => {
    const signal = await fraud();
    const om = routingOf(signal, 'OM');
    const igj = routingOf(signal, 'IGJ');
    // The submitter can see the routing but is not its recipient.
    expect((await (await t.as('NZA', [Role.INTAKE])).fails(DECIDE, { input: { routingId: om, outcome: 'ACCEPT' } })).code).toBe('FORBIDDEN');
    // IGJ is a recipient of the signal, but not of the OM's routing.
    expect((await (await t.as('IGJ', [Role.COORDINATOR])).fails(DECIDE, { input: { routingId: om, outcome: 'ACCEPT' } })).code).toBe('FORBIDDEN');
    // At the OM only a prosecutor decides; elsewhere intake or a coordinator, not a planner.
    expect((await (await t.as('OM', [Role.INTAKE])).fails(DECIDE, { input: { routingId: om, outcome: 'ACCEPT' } })).code).toBe('FORBIDDEN');
    expect((await (await t.as('IGJ', [Role.PLANNER])).fails(DECIDE, { input: { routingId: igj, outcome: 'JOINT' } })).code).toBe('FORBIDDEN');
    // An organisation with no part in the signal cannot tell the routing exists.
    const stranger = await t.as('GM0599', [Role.COORDINATOR]);
    expect((await stranger.fails(DECIDE, { input: { routingId: igj, outcome: 'ACCEPT' } })).code).toBe('NOT_FOUND');
    expect((await stranger.fails(DECIDE, { input: { routingId: randomUUID(), outcome: 'ACCEPT' } })).code).toBe('NOT_FOUND');
    const { decideRouting } = await (await t.as('IGJ', [Role.COORDINATOR])).ok(DECIDE, { input: { routingId: igj, outcome: 'JOINT', note: 'Samen met NZa' } });
    expect(decideRouting.routing.status).toBe('JOINT');
  });

  it('decides once: a second decision is refused and the first stays', async () => {
    const signal = await fraud();
    const prosecutor = await t.as('OM', [Role.PROSECUTOR]);
    await prosecutor.ok(DECIDE, { input: { routingId: routingOf(signal, 'OM'), outcome: 'DECLINE', note: 'Geen strafbaar feit' } });
    const again = await prosecutor.fails(DECIDE, { input: { routingId: routingOf(signal, 'OM'), outcome: 'ACCEPT' } });
    expect(again.code).toBe('CONFLICT');
    const { signal: seen } = await prosecutor.ok(SIGNAL, { id: signal.signal.id });
    expect(seen.routings.find((routing: any) => routing.recipient.code === 'OM').decision).toMatchObject({ outcome: 'DECLINE', note: 'Geen strafbaar feit' });
    await expect(t.sql(`update routing_decision set outcome = 'ACCEPT'`)).rejects.toThrow(/append-only/);
    await expect(t.sql('delete from routing_decision')).rejects.toThrow(/append-only/);
  });

  it('a decline needs a note', async () => {
    const signal = await fraud();
    const error = await (await t.as('OM', [Role.PROSECUTOR])).fails(DECIDE, { input: { routingId: routingOf(signal, 'OM'), outcome: 'DECLINE' } });
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.note' });
  });

  it('reads EXPIRED once the due date passed undecided, and lists such signals as overdue', async () => {
    const clock = new TestClock('2026-11-23T10:00:00Z');
    const late = await startTestApp({ clock });
    try {
      const submitter = await late.as('NZA', [Role.INTEGRATION]);
      const kvk = freshKvk();
      await registerProvider(await late.as('IGJ', [Role.PLANNER]), { kvkNumber: kvk, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
      const signal = await submit(submitter, signalInput({ possibleCriminalOffence: true, providers: [{ kvkNumber: kvk }] }));
      const prosecutor = async () => late.as('OM', [Role.PROSECUTOR]);

      clock.set('2027-02-22T09:59:00Z'); // 13 weeks minus a minute
      let seen = (await (await prosecutor()).ok(SIGNAL, { id: signal.signal.id })).signal;
      expect(seen.routings.find((routing: any) => routing.recipient.code === 'OM').status).toBe('PENDING');
      expect((await (await prosecutor()).ok(SIGNALS, { filter: { overdue: true } })).signals.totalCount).toBe(0);

      clock.set('2027-02-22T10:00:00Z'); // exactly 13 weeks after receipt
      seen = (await (await prosecutor()).ok(SIGNAL, { id: signal.signal.id })).signal;
      expect(seen.routings.find((routing: any) => routing.recipient.code === 'OM').status).toBe('EXPIRED');
      expect(seen.status).toBe('OVERDUE');
      const overdue = await (await prosecutor()).ok(SIGNALS, { filter: { overdue: true, routedToMe: true } });
      expect(overdue.signals.edges.map((edge: any) => edge.node.id)).toEqual([signal.signal.id]);
      expect((await (await prosecutor()).ok(SIGNALS, { filter: { status: 'OVERDUE' } })).signals.totalCount).toBe(1);

      // A late decision is still taken, and the signal is no longer overdue for it.
      const routingId = seen.routings.find((routing: any) => routing.recipient.code === 'OM').id;
      await (await prosecutor()).ok(DECIDE, { input: { routingId, outcome: 'ACCEPT' } });
      expect((await (await prosecutor()).ok(SIGNALS, { filter: { overdue: true } })).signals.totalCount).toBe(0);
    } finally {
      await late.close();
    }
  });
});
