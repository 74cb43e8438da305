import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventResourceType, EventType } from '../../src/notifications/index.js';
import { GIVE_UP_AFTER_MS, retryDelayMs } from '../../src/notifications/delivery-worker.js';
import { uuidv7 } from '../../src/platform/ids.js';
import { anotherWorker, DELETE_SUBSCRIPTION, DELIVERIES, publishForTest, REDELIVER, Receiver, subscribe, SUBSCRIPTIONS, type Subscription } from '../support/notifications.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';

let t: TestApp;
let receiver: Receiver;
/** IJENV's integration, with a token of the test clock's now (the clock moves by days here). */
const integration = () => t.as('IJENV', [Role.INTEGRATION]);

beforeAll(async () => {
  t = await startTestApp({ clock: new TestClock('2027-02-01T08:00:00Z') });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});
beforeEach(() => {
  receiver.respond = () => 204;
});

/** One SIGNAL_ROUTED event for IJENV; returns the resource id. */
async function anEvent(type = EventType.SIGNAL_ROUTED): Promise<string> {
  const [resourceId] = await publishForTest(t, [{ type, organisation: 'IJENV', resourceType: EventResourceType.Signal }]);
  return resourceId!;
}

async function deliveriesOf(subscription: Subscription): Promise<any[]> {
  return (await (await integration()).ok(DELIVERIES, { filter: { subscriptionId: subscription.id }, first: 100 })).webhookDeliveries.edges.map((edge: any) => edge.node);
}

describe('retries', () => {
  it('wait twice as long each time from 5 s, at most 4 h, with ±25 % jitter', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, () => 0.5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(30, () => 0.5)).toBe(4 * 3600_000);
    expect(retryDelayMs(1, () => 0)).toBe(3_750);
    expect(retryDelayMs(1, () => 0.999999)).toBe(6_250);
  });

  it('go on with growing gaps while the receiver is down, then DEAD; redelivering sends it again', async () => {
    const subscription = await subscribe(await integration(), receiver.url('/down'), ['SIGNAL_ROUTED']);
    receiver.respond = () => 503;
    const resourceId = await anEvent();
    const start = t.clock.now().getTime();
    for (let round = 0; round < 40; round++) {
      expect(await t.app.deliveries.runOnce()).toBe(1);
      const [delivery] = await deliveriesOf(subscription);
      if (delivery.status === 'DEAD') break;
      expect(delivery).toMatchObject({ status: 'FAILED', lastStatusCode: 503 });
      // Nothing is due before the next attempt…
      t.clock.set(new Date(Date.parse(delivery.nextAttemptAt) - 1000).toISOString());
      expect(await t.app.deliveries.runOnce()).toBe(0);
      // …and at it, the attempt is made.
      t.clock.set(delivery.nextAttemptAt);
    }
    const [dead] = await deliveriesOf(subscription);
    expect(dead).toMatchObject({ status: 'DEAD', nextAttemptAt: null, lastStatusCode: 503, deliveredAt: null });
    const times = dead.attemptLog.map((attempt: any) => Date.parse(attempt.at));
    expect(times).toHaveLength(dead.attempts);
    expect(dead.attempts).toBeGreaterThan(10);
    expect(dead.attemptLog.every((attempt: any) => attempt.statusCode === 503 && attempt.error === null && attempt.durationMs >= 0)).toBe(true);
    // Each gap is the doubling base within its jitter, and the whole stays within the 24 hours.
    const gaps = times.slice(1).map((time: number, index: number) => time - times[index]);
    gaps.forEach((gap: number, index: number) => {
      const base = Math.min(5_000 * 2 ** index, 4 * 3600_000);
      expect(gap).toBeGreaterThanOrEqual(base * 0.75);
      expect(gap).toBeLessThanOrEqual(base * 1.25);
    });
    expect(gaps.slice(0, 10).every((gap: number, index: number) => index === 0 || gap > gaps[index - 1])).toBe(true);
    expect(times.at(-1) - start).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
    // Every attempt reached the receiver, always as the same event.
    const sent = receiver.at('/down').filter((entry) => entry.event.subject === resourceId);
    expect(sent).toHaveLength(dead.attempts);
    expect(new Set(sent.map((entry) => entry.headers['webhook-id']))).toEqual(new Set([dead.event.id]));
    // A dead delivery is not tried again by itself…
    t.clock.advance(7 * 24 * 3600_000);
    expect(await t.app.deliveries.runOnce()).toBe(0);
    // …but redelivered once the receiver is back, it arrives.
    receiver.respond = () => 204;
    const { redeliverEvent } = await (await integration()).ok(REDELIVER, { input: { eventId: dead.event.id, subscriptionId: subscription.id } });
    expect(redeliverEvent.delivery).toMatchObject({ id: dead.id, status: 'PENDING', nextAttemptAt: t.clock.now().toISOString() });
    expect(await t.app.deliveries.runOnce()).toBe(1);
    const [delivered] = await deliveriesOf(subscription);
    expect(delivered).toMatchObject({ status: 'DELIVERED', lastStatusCode: 204, attempts: dead.attempts + 1, nextAttemptAt: null, deliveredAt: t.clock.now().toISOString() });
    expect(receiver.at('/down').filter((entry) => entry.event.subject === resourceId)).toHaveLength(dead.attempts + 1);
  });

  it('redelivering is only for the organisation’s own events and subscriptions', async () => {
    const subscription = await subscribe(await integration(), receiver.url('/own'), ['ROUTING_DECIDED']);
    const [resourceId] = await publishForTest(t, [{ type: EventType.ROUTING_DECIDED, organisation: 'NZA', resourceType: EventResourceType.Signal }]);
    const [theirs] = await t.sql<{ id: string }>('select id from event where resource_id = $1', [resourceId]);
    const missing = uuidv7();
    const answer = async (as: GraphQLClient, eventId: string) => {
      const error = await as.fails(REDELIVER, { input: { eventId, subscriptionId: subscription.id } });
      return [error.code, error.message.replace(eventId, '<id>')];
    };
    // Another organisation's event answers like one that does not exist; so does our event to their subscription.
    expect(await answer(await integration(), theirs!.id)).toEqual(await answer(await integration(), missing));
    expect((await answer(await integration(), missing))[0]).toBe('NOT_FOUND');
    const nza = await t.as('NZA', [Role.INTEGRATION]);
    expect(await answer(nza, theirs!.id)).toEqual(await answer(nza, missing));
    expect(await answer(await integration(), 'not-an-id')).toEqual(await answer(await integration(), missing));
    expect(await t.sql('select 1 from webhook_delivery d join event e on e.seq = d.event_seq where e.id = $1', [theirs!.id])).toEqual([]);
  });
});

describe('redelivering', () => {
  it('starts the backoff afresh, only for types the subscription takes, and leaves a delivery in flight alone', async () => {
    const subscription = await subscribe(await integration(), receiver.url('/again'), ['VISIT_CONFLICT_DETECTED']);
    receiver.respond = (request) => (request.path === '/again' ? 500 : 204);
    await anEvent(EventType.VISIT_CONFLICT_DETECTED);
    for (let attempt = 0; attempt < 4; attempt++) {
      expect(await t.app.deliveries.runOnce()).toBe(1);
      t.clock.set((await deliveriesOf(subscription))[0].nextAttemptAt);
    }
    const [failing] = await deliveriesOf(subscription);
    expect(failing.attempts).toBe(4);
    const { redeliverEvent } = await (await integration()).ok(REDELIVER, { input: { eventId: failing.event.id, subscriptionId: subscription.id } });
    expect(redeliverEvent.delivery).toMatchObject({ status: 'PENDING', attempts: 4 });
    expect(await t.app.deliveries.runOnce()).toBe(1);
    const [after] = await deliveriesOf(subscription);
    // The fifth attempt failed; the next waits 5 s (±25 %) again, not the 80 s the fifth failure of the first round would.
    const gap = Date.parse(after.nextAttemptAt) - t.clock.now().getTime();
    expect(gap).toBeGreaterThanOrEqual(3_750);
    expect(gap).toBeLessThanOrEqual(6_250);
    expect(after.attemptLog).toHaveLength(5);

    // An event of a type this subscription does not take is not sent to it.
    const [other] = await publishForTest(t, [{ type: EventType.SIGNAL_ROUTED, organisation: 'IJENV', resourceType: EventResourceType.Signal }]);
    const [otherEvent] = await t.sql<{ id: string }>('select id from event where resource_id = $1', [other]);
    expect((await (await integration()).fails(REDELIVER, { input: { eventId: otherEvent!.id, subscriptionId: subscription.id } })).code).toBe('NOT_FOUND');

    // While a worker holds the delivery, redelivering answers it as it stands and takes nothing from the worker.
    await t.sql("update webhook_delivery set claimed_by = 'someone-else', claim_expires_at = $2 where id = $1", [after.id, new Date(t.clock.now().getTime() + 3600_000)]);
    const { redeliverEvent: held } = await (await integration()).ok(REDELIVER, { input: { eventId: failing.event.id, subscriptionId: subscription.id } });
    expect(held.delivery).toMatchObject({ id: after.id, status: 'FAILED', attempts: 5 });
    const [claim] = await t.sql<{ claimed_by: string }>('select claimed_by from webhook_delivery where id = $1', [after.id]);
    expect(claim!.claimed_by).toBe('someone-else');
  });
});

describe('deleting a subscription during an attempt', () => {
  it('gives the delivery up: the attempt is logged, nothing is tried again', async () => {
    const subscription = await subscribe(await integration(), receiver.url('/leaving'), ['PROVIDER_LOCATION_ADDED']);
    receiver.respond = (request) => (request.path === '/leaving' ? { status: 503, delayMs: 300 } : 204);
    await anEvent(EventType.PROVIDER_LOCATION_ADDED);
    const round = anotherWorker(t).runOnce();
    await receiver.waitFor(receiver.received.length + 1);
    await (await integration()).ok(DELETE_SUBSCRIPTION, { input: { subscriptionId: subscription.id } });
    await round;
    const [delivery] = await t.sql<{ status: string; attempts: number; claimed_by: string | null }>(
      'select status, attempts, claimed_by from webhook_delivery where subscription_id = $1',
      [subscription.id],
    );
    expect(delivery).toEqual({ status: 'DEAD', attempts: 1, claimed_by: null });
    t.clock.advance(3600_000);
    while ((await t.app.deliveries.runOnce()) > 0);
    expect(receiver.at('/leaving')).toHaveLength(1);
    expect((await t.sql('select status from webhook_delivery where subscription_id = $1', [subscription.id]))[0]).toEqual({ status: 'DEAD' });
  });
});

describe('410 Gone', () => {
  it('ends the subscription: inactive, waiting deliveries given up, no new ones', async () => {
    const subscription = await subscribe(await integration(), receiver.url('/gone'), ['ROUTING_OVERDUE']);
    receiver.respond = (request) => (request.path === '/gone' ? 410 : 204);
    await anEvent(EventType.ROUTING_OVERDUE);
    await anEvent(EventType.ROUTING_OVERDUE);
    const worker = anotherWorker(t, { batchSize: 1 });
    expect(await worker.runOnce()).toBe(1);
    const deliveries = await deliveriesOf(subscription);
    // The one attempted got the 410; the other, never attempted, is given up with it.
    expect(deliveries.map((delivery) => [delivery.status, delivery.lastStatusCode, delivery.attempts]).sort()).toEqual([
      ['DEAD', null, 0],
      ['DEAD', 410, 1],
    ]);
    const listed = (await (await integration()).ok(SUBSCRIPTIONS)).webhookSubscriptions.find((candidate: any) => candidate.id === subscription.id);
    expect(listed.active).toBe(false);
    await anEvent(EventType.ROUTING_OVERDUE);
    expect(await deliveriesOf(subscription)).toHaveLength(2);
    expect(await worker.runOnce()).toBe(0);
    expect(receiver.at('/gone')).toHaveLength(1);
  });
});

describe('a receiver that does not answer', () => {
  it('is given up on after the time-out, and tried again later', async () => {
    const subscription = await subscribe(await integration(), receiver.url('/silent'), ['COORDINATION_PROPOSED']);
    receiver.respond = (request) => (request.path === '/silent' ? { status: 204, delayMs: 2_000 } : 204);
    await anEvent(EventType.COORDINATION_PROPOSED);
    const worker = anotherWorker(t, { timeoutMs: 200 });
    const began = Date.now();
    expect(await worker.runOnce()).toBe(1);
    expect(Date.now() - began).toBeLessThan(1_500);
    const [delivery] = await deliveriesOf(subscription);
    expect(delivery).toMatchObject({ status: 'FAILED', lastStatusCode: null, nextAttemptAt: expect.any(String) });
    expect(Date.parse(delivery.nextAttemptAt)).toBeGreaterThan(t.clock.now().getTime());
    expect(delivery.attemptLog[0].error).toMatch(/no answer within 0.2 s/);
  });
});

describe('stopping', () => {
  it('lets deliveries in flight finish and holds no claims afterwards', async () => {
    const subscription = await subscribe(await integration(), receiver.url('/slow'), ['ENFORCEMENT_RECORDED']);
    receiver.respond = (request) => (request.path === '/slow' ? { status: 200, delayMs: 300 } : 204);
    await anEvent(EventType.ENFORCEMENT_RECORDED);
    const worker = anotherWorker(t, { pollMs: 10 });
    worker.start();
    await receiver.waitFor(receiver.received.length + 1);
    await worker.stop();
    const [delivery] = await deliveriesOf(subscription);
    expect(delivery).toMatchObject({ status: 'DELIVERED', lastStatusCode: 200 });
    expect(await t.sql(`select id from webhook_delivery where claimed_by = $1`, [worker.name])).toEqual([]);
  });
});
