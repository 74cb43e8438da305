import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceOverdueRoutings } from '../../src/signals/index.js';
import { Webhook } from 'standardwebhooks';
import { allEvents, feedSettled, Receiver, subscribe } from '../support/notifications.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { DECIDE, signalInput, SUBMIT_SIGNALS } from '../support/signals.js';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';

let t: TestApp;
let receiver: Receiver;

beforeAll(async () => {
  t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

async function overdueEvents(): Promise<Array<{ organisation: string; resource_id: string }>> {
  return t.sql("select organisation, resource_id from event where type = 'ROUTING_OVERDUE' order by resource_id, organisation");
}

describe('ROUTING_OVERDUE', () => {
  it('is announced once to the recipient and the submitter, when a routing passes its due date undecided — also with several replicas sweeping', async () => {
    const nza = await t.as('NZA', [Role.INTAKE, Role.PLANNER]);
    const secrets = {
      GM0363: (await subscribe(await t.as('GM0363', [Role.INTEGRATION]), receiver.url('/gm0363'), ['ROUTING_OVERDUE'])).secret,
      NZA: (await subscribe(await t.as('NZA', [Role.INTEGRATION]), receiver.url('/nza'), ['ROUTING_OVERDUE'])).secret,
      IGJ: (await subscribe(await t.as('IGJ', [Role.INTEGRATION]), receiver.url('/igj'), ['ROUTING_OVERDUE'])).secret,
    };
    const wmo = await registerProvider(nza, { kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363')] });
    const care = await registerProvider(nza, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0344')] });
    const inputs = [...Array.from({ length: 30 }, () => signalInput({ providers: [{ id: wmo }] })), signalInput({ providers: [{ id: care }] })];
    const { submitSignals } = await nza.ok(SUBMIT_SIGNALS, { input: inputs });
    expect(submitSignals.created).toBe(31);
    const ids: string[] = submitSignals.results.map((result: any) => result.signal.id);
    const routings = await t.sql<{ id: string; signal_id: string; recipient: string; due_at: Date }>(
      'select id, signal_id, recipient, due_at from signal_routing where signal_id = any($1::uuid[])',
      [ids],
    );
    expect(routings.map((routing) => routing.recipient).sort()).toEqual([...Array(30).fill('GM0363'), 'IGJ']);
    // IGJ decides in time: its routing is never overdue.
    const igjRouting = routings.find((routing) => routing.recipient === 'IGJ')!;
    await (await t.as('IGJ', [Role.INTAKE])).ok(DECIDE, { input: { routingId: igjRouting.id, outcome: 'ACCEPT' } });

    const due = Math.max(...routings.map((routing) => routing.due_at.getTime()));
    t.clock.set(new Date(due - 60_000).toISOString());
    expect(await t.app.announceOverdue()).toBe(0);
    expect(await overdueEvents()).toEqual([]);

    t.clock.set(new Date(due + 60_000).toISOString());
    // Three replicas sweep at once, in small batches, each until it finds nothing more.
    const sweep = () => announceOverdueRoutings(() => t.app.orm.em.fork(), t.clock.now(), 4);
    const counts = await Promise.all([sweep(), sweep(), sweep()]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(30);
    const events = await overdueEvents();
    const gmSignals = routings.filter((routing) => routing.recipient === 'GM0363').map((routing) => routing.signal_id).sort();
    expect(events).toEqual(gmSignals.flatMap((signal) => [{ organisation: 'GM0363', resource_id: signal }, { organisation: 'NZA', resource_id: signal }]));
    // Once: later sweeps find nothing, however late.
    t.clock.advance(30 * 86_400_000);
    expect(await t.app.announceOverdue()).toBe(0);
    expect(await overdueEvents()).toHaveLength(60);
    // Delivered, signed, to both organisations' receivers, once per signal; IGJ decided in time and hears nothing.
    while ((await t.app.deliveries.runOnce()) > 0);
    for (const [organisation, path] of [['GM0363', '/gm0363'], ['NZA', '/nza']] as const) {
      const received = receiver.at(path);
      for (const delivery of received) new Webhook(secrets[organisation]).verify(delivery.body, delivery.headers as Record<string, string>);
      expect(received.map((delivery) => delivery.event.type)).toEqual(Array(30).fill('nl.samenloop.routing-overdue'));
      expect(received.map((delivery) => delivery.event.subject).sort()).toEqual(gmSignals);
    }
    expect(receiver.at('/igj')).toEqual([]);
    // A decided routing past its due moment is settled too: no sweep reads it again.
    const [settled] = await t.sql<{ overdue_announced_at: Date | null }>('select overdue_announced_at from signal_routing where id = $1', [igjRouting.id]);
    expect(settled!.overdue_announced_at).not.toBeNull();
    // The feeds say so, to both.
    await feedSettled((text) => t.sql(text));
    const feed = await allEvents(await t.as('GM0363', [Role.INTEGRATION]), { types: ['ROUTING_OVERDUE'] });
    expect(feed.map((event) => event.resourceId).sort()).toEqual(gmSignals);
    expect((await allEvents(await t.as('NZA', [Role.INTAKE]), { types: ['ROUTING_OVERDUE'] })).map((event) => event.resourceId).sort()).toEqual(gmSignals);
  });
});
