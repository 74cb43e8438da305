import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventResourceType, EventType, type DeliveryWorker, type TargetPolicy } from '../../src/notifications/index.js';
import { CLAIM_LEASE_MS, IN_FLIGHT_PER_SUBSCRIPTION } from '../../src/notifications/delivery-worker.js';
import { anotherWorker, publishForTest, Receiver, subscribe, type Subscription } from '../support/notifications.js';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';

/**
 * Several replicas deliver from one database: each event once per subscription in the normal case, and what a
 * replica claimed and never finished is taken over when its lease runs out.
 */
let t: TestApp;
let receiver: Receiver;

beforeAll(async () => {
  t = await startTestApp({ clock: new TestClock('2027-03-01T08:00:00Z') });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

const loopback: TargetPolicy = { production: false, allowedHosts: new Set(), resolve: async () => ['127.0.0.1'] };

const worker = (name: string, targets: TargetPolicy = loopback) => anotherWorker(t, { name, targets, batchSize: 10 });

/** Rounds of one worker until nothing of the organisation is waiting any more (or `rounds` ran out). */
async function drain(delivering: DeliveryWorker, organisation: string, rounds = 500): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    if ((await delivering.runOnce()) > 0) continue;
    const [waiting] = await t.sql<{ count: number }>(
      "select count(*)::int as count from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id where s.organisation = $1 and d.status in ('PENDING', 'FAILED')",
      [organisation],
    );
    if (waiting!.count === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `count` events of one type for one organisation, written 100 to a transaction. */
async function events(organisation: string, type: EventType, count: number): Promise<void> {
  for (let done = 0; done < count; done += 100) {
    await publishForTest(t, Array.from({ length: Math.min(100, count - done) }, () => ({ type, organisation, resourceType: EventResourceType.Signal })));
  }
}

async function statuses(subscription: Subscription): Promise<Record<string, number>> {
  const rows = await t.sql<{ status: string; count: number }>('select status, count(*)::int as count from webhook_delivery where subscription_id = $1 group by status', [subscription.id]);
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

const idsAt = (path: string) => receiver.at(path).map((entry) => entry.headers['webhook-id'] as string);

describe('two workers on one database', () => {
  it('deliver 500 events to each of two subscriptions exactly once', async () => {
    const client = await t.as('GM0599', [Role.INTEGRATION]);
    const first = await subscribe(client, receiver.url('/a'), ['SIGNAL_ROUTED']);
    const second = await subscribe(client, receiver.url('/b'), ['SIGNAL_ROUTED']);
    await events('GM0599', EventType.SIGNAL_ROUTED, 500);
    const [a, b] = [worker('worker-a'), worker('worker-b')];
    await Promise.all([drain(a, 'GM0599'), drain(b, 'GM0599')]);
    expect(await statuses(first)).toEqual({ DELIVERED: 500 });
    expect(await statuses(second)).toEqual({ DELIVERED: 500 });
    for (const path of ['/a', '/b']) {
      expect(idsAt(path)).toHaveLength(500);
      expect(new Set(idsAt(path)).size).toBe(500);
    }
    // The work was shared, and every attempt is on record with the worker that made it.
    const byWorker = await t.sql<{ worker: string; count: number }>(
      `select a.worker, count(*)::int as count from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id
       where d.subscription_id = any($1::uuid[]) group by a.worker order by 1`,
      [[first.id, second.id]],
    );
    expect(byWorker.map((row) => row.worker)).toEqual(['worker-a', 'worker-b']);
    expect(byWorker.reduce((sum, row) => sum + row.count, 0)).toBe(1000);
  });

  it('take over what a worker that died had claimed, once its lease runs out; nothing is lost', async () => {
    const client = await t.as('GM0772', [Role.INTEGRATION]);
    const port = new URL(receiver.url()).port;
    const subscription = await subscribe(client, `http://127.0.0.1:${port}/k`, ['ROUTING_DECIDED']);
    await t.sql('update webhook_subscription set url = $1 where id = $2', [`http://receiver.test:${port}/k`, subscription.id]);
    await events('GM0772', EventType.ROUTING_DECIDED, 100);
    // This worker claims what it may of the subscription and then never gets any further — its lookups hang, as
    // if its process had died (they would time out: the lookup here does not even start).
    const dying = anotherWorker(t, { name: 'worker-dying', targets: { ...loopback, resolve: () => new Promise<string[]>(() => {}) }, batchSize: 50 });
    void dying.runOnce();
    await until(async () => (await t.sql('select 1 from webhook_delivery where claimed_by = $1', ['worker-dying'])).length === IN_FLIGHT_PER_SUBSCRIPTION);
    // Its claims hold the subscription's slots until their lease runs out…
    const survivor = worker('worker-survivor');
    expect(await survivor.runOnce()).toBe(0);
    expect(await statuses(subscription)).toEqual({ PENDING: 100 });
    // …then the survivor takes them over with the rest, and nothing is lost.
    t.clock.advance(CLAIM_LEASE_MS);
    await drain(survivor, 'GM0772');
    expect(await statuses(subscription)).toEqual({ DELIVERED: 100 });
    expect(idsAt('/k')).toHaveLength(100);
    expect(new Set(idsAt('/k')).size).toBe(100);
  });

  it('may send twice when a slow worker’s lease ran out mid-attempt; the repeat has the same webhook-id', async () => {
    const client = await t.as('GM0518', [Role.INTEGRATION]);
    const subscription = await subscribe(client, receiver.url('/dup'), ['COORDINATION_PROPOSED']);
    await events('GM0518', EventType.COORDINATION_PROPOSED, 5);
    const answered = new Set<string>();
    // The first attempt at each event is answered slowly; the repeat at once.
    receiver.respond = (request) => {
      if (request.path !== '/dup') return 204;
      const id = request.headers['webhook-id'] as string;
      if (answered.has(id)) return 204;
      answered.add(id);
      return { status: 204, delayMs: 500 };
    };
    try {
      const slow = worker('worker-slow');
      const slowRound = slow.runOnce();
      await until(async () => receiver.at('/dup').length === 5);
      t.clock.advance(CLAIM_LEASE_MS);
      await drain(worker('worker-quick'), 'GM0518');
      await slowRound;
      expect(await statuses(subscription)).toEqual({ DELIVERED: 5 });
      const ids = idsAt('/dup');
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(5);
      // Both attempts are on record and counted; the delivery's outcome is the one of the worker that held the claim.
      const attempts = await t.sql<{ worker: string; count: number; attempts: number }>(
        `select a.worker, count(*)::int as count, max(d.attempts)::int as attempts from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id
         where d.subscription_id = $1 group by a.worker order by 1`,
        [subscription.id],
      );
      expect(attempts).toEqual([
        { worker: 'worker-quick', count: 5, attempts: 2 },
        { worker: 'worker-slow', count: 5, attempts: 2 },
      ]);
    } finally {
      receiver.respond = () => 204;
    }
  });
});

describe('a slow receiver', () => {
  it('holds up its own deliveries only: another subscription’s events arrive meanwhile', async () => {
    const slow = await subscribe(await t.as('GM0014', [Role.INTEGRATION]), receiver.url('/slow'), ['ENFORCEMENT_RECORDED']);
    const quick = await subscribe(await t.as('GM0034', [Role.INTEGRATION]), receiver.url('/quick'), ['ENFORCEMENT_RECORDED']);
    receiver.respond = (request) => (request.path === '/slow' ? { status: 204, delayMs: 1_500 } : 204);
    try {
      await events('GM0014', EventType.ENFORCEMENT_RECORDED, 40);
      const delivering = anotherWorker(t, { name: 'worker-fair', batchSize: 20, pollMs: 20 });
      delivering.start();
      await until(async () => receiver.at('/slow').length >= 1);
      await events('GM0034', EventType.ENFORCEMENT_RECORDED, 5);
      await until(async () => receiver.at('/quick').length === 5, 3_000);
      // All five arrived while the slow receiver's first answers were still outstanding.
      const firstSlow = receiver.at('/slow')[0]!.at;
      expect(Math.max(...receiver.at('/quick').map((entry) => entry.at)) - firstSlow).toBeLessThan(1_500);
      // And the slow one never had more than its share in flight.
      expect(receiver.at('/slow').length).toBeLessThanOrEqual(IN_FLIGHT_PER_SUBSCRIPTION);
      await delivering.stop();
      expect((await statuses(quick)).DELIVERED).toBe(5);
      expect((await statuses(slow)).DELIVERED).toBeGreaterThanOrEqual(IN_FLIGHT_PER_SUBSCRIPTION);
    } finally {
      receiver.respond = () => 204;
    }
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
