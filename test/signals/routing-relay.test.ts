import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRoutedSignals } from '../../src/signals/index.js';
import { Receiver, subscribe } from '../support/notifications.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { SUBMIT_SIGNALS, signalInput, submit } from '../support/signals.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';

/**
 * A routing is its own outbox row: the submission commits it unpublished, and the relay that runs in the delivery
 * worker's loop writes its SIGNAL_ROUTED event (with the webhook deliveries) exactly once — after a relay died
 * mid-batch, and with several relays at work at once.
 */
describe('the routings relay', () => {
  let t: TestApp;
  let nza: GraphQLClient;
  let kvkNumber: string;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
    const igj = await t.as('IGJ', [Role.PLANNER, Role.INTEGRATION]);
    kvkNumber = freshKvk();
    await registerProvider(igj, { kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    nza = await t.as('NZA', [Role.INTAKE, Role.INTEGRATION]);
    receiver = await Receiver.start();
    await subscribe(igj, receiver.url('/igj'), ['SIGNAL_ROUTED']);
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const relay = () => publishRoutedSignals(() => t.app.orm.em.fork(), t.clock.now());

  /** Per routing of these signals: whether it is published, and how many SIGNAL_ROUTED events and deliveries it has. */
  const outboxOf = (signalIds: string[]) =>
    t.sql<{ published: boolean; events: number; deliveries: number }>(
      `select r.published_at is not null as published,
         (select count(*)::int from event e where e.type = 'SIGNAL_ROUTED' and e.resource_id = r.signal_id and e.organisation = r.recipient) as events,
         (select count(*)::int from webhook_delivery d join event e on e.seq = d.event_seq
           where e.type = 'SIGNAL_ROUTED' and e.resource_id = r.signal_id and e.organisation = r.recipient) as deliveries
       from signal_routing r where r.signal_id = any($1::uuid[]) order by r.recipient`,
      [signalIds],
    );

  it('commits the routing unpublished; the relay writes its event once, dated when it was relayed', async () => {
    const { signal, routings } = await submit(nza, signalInput({ category: 'ZORGFRAUDE', possibleCriminalOffence: true, providers: [{ kvkNumber }] }));
    expect(routings.map((routing: any) => routing.recipient.code).sort()).toEqual(['IGJ', 'OM']);
    expect(await outboxOf([signal.id])).toEqual([
      { published: false, events: 0, deliveries: 0 },
      { published: false, events: 0, deliveries: 0 },
    ]);

    t.clock.advance(60_000);
    // Dated when relayed: a reader polling the feed `from` the moment it last read misses no relayed event.
    const relayedAt = t.clock.now();
    expect(await relay()).toBe(2);
    expect(await relay()).toBe(0);
    // IGJ has a subscription for SIGNAL_ROUTED, the OM none.
    expect(await outboxOf([signal.id])).toEqual([
      { published: true, events: 1, deliveries: 1 },
      { published: true, events: 1, deliveries: 0 },
    ]);
    const occurred = await t.sql<{ occurred_at: Date }>(`select occurred_at from event where resource_id = $1`, [signal.id]);
    expect(occurred.map((row) => row.occurred_at.getTime())).toEqual([relayedAt.getTime(), relayedAt.getTime()]);
  });

  it('a relay killed in the middle of a batch leaves it unpublished; the next publishes each routing once', async () => {
    const { signal } = await submit(nza, signalInput({ providers: [{ kvkNumber }] }));
    // A relay in a process of its own claims the routing (locked and stamped, not committed) and is killed.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const pg = require('pg');
         const client = new pg.Client({ connectionString: process.env.URL, application_name: 'dying-relay' });
         client.connect().then(async () => {
           await client.query('begin');
           const { rows } = await client.query('select * from claim_unpublished_routings(now(), 100)');
           console.log('claimed ' + rows.length);
           setInterval(() => {}, 1000);
         });`,
      ],
      { env: { ...process.env, URL: t.databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const claimed = await new Promise<string>((resolve) => child.stdout!.on('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
    expect(claimed).toBe('claimed 1');
    // While it holds the claim, another relay skips the routing rather than publishing it a second time.
    expect(await relay()).toBe(0);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    for (let attempt = 0; ; attempt++) {
      const [{ alive }] = await t.sql<{ alive: number }>(`select count(*)::int as alive from pg_stat_activity where application_name = 'dying-relay'`);
      if (alive === 0) break;
      if (attempt > 250) throw new Error('the killed relay’s session did not end');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await outboxOf([signal.id])).toEqual([{ published: false, events: 0, deliveries: 0 }]);

    // The restarted worker's round publishes it, once, and the webhook goes out.
    await t.app.deliveries.runOnce();
    expect(await outboxOf([signal.id])).toEqual([{ published: true, events: 1, deliveries: 1 }]);
    expect(receiver.at('/igj').filter((entry) => entry.event.subject === signal.id)).toHaveLength(1);
    await t.app.deliveries.runOnce();
    expect(receiver.at('/igj').filter((entry) => entry.event.subject === signal.id)).toHaveLength(1);
  });

  it('relays running at once publish every routing exactly once between them', async () => {
    const batch = Array.from({ length: 300 }, (_, index) =>
      signalInput({ providers: [{ kvkNumber }], ...(index % 3 === 0 ? { category: 'ZORGFRAUDE', possibleCriminalOffence: true } : {}) }),
    );
    const results = (await nza.ok(SUBMIT_SIGNALS, { input: batch })).submitSignals.results as Array<{ outcome: string; signal: { id: string } }>;
    expect(results.every((result) => result.outcome === 'CREATED')).toBe(true);
    const signalIds = results.map((result) => result.signal.id);
    const relays = await Promise.all(Array.from({ length: 6 }, () => publishRoutedSignals(() => t.app.orm.em.fork(), t.clock.now(), 25)));
    const outbox = await outboxOf(signalIds);
    expect(outbox).toHaveLength(300 + 100);
    expect(relays.reduce((sum, published) => sum + published, 0)).toBe(outbox.length);
    expect(outbox.filter((routing) => !routing.published || routing.events !== 1)).toEqual([]);
    const [{ duplicates }] = await t.sql<{ duplicates: number }>(
      `select count(*)::int as duplicates from (select 1 from event where type = 'SIGNAL_ROUTED' group by organisation, resource_id having count(*) > 1) twice`,
    );
    expect(duplicates).toBe(0);
  });
});
