import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventResourceType, EventType, publishEvents, type NewEvent } from '../../src/notifications/index.js';
import { uuidv7 } from '../../src/platform/ids.js';
import { allEvents, EVENTS, feedSettled, publishForTest } from '../support/notifications.js';
import { RestClient } from '../support/rest.js';
import { Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';

let t: TestApp;
let integration: GraphQLClient;

beforeAll(async () => {
  t = await startTestApp();
  integration = await t.as('NZA', [Role.INTEGRATION]);
});
afterAll(() => t.close());

const routed = (organisation = 'NZA'): NewEvent => ({ type: EventType.SIGNAL_ROUTED, organisation, resourceType: EventResourceType.Signal, resourceId: uuidv7() });

const publish = (events: NewEvent[]) => publishForTest(t, events);

/** A page of the feed: the events and the bookmark to continue from. */
async function page(after: string | null, first = 7): Promise<{ ids: string[]; next: string | null; more: boolean }> {
  const events = (await integration.ok(EVENTS, { first, after })).events;
  return { ids: events.edges.map((edge: any) => edge.node.resourceId), next: events.pageInfo.endCursor ?? after, more: events.pageInfo.hasNextPage };
}

/** The bookmark after the last event there is now. */
async function endOfFeed(): Promise<string | null> {
  await feedSettled((text) => t.sql(text));
  let after: string | null = null;
  for (;;) {
    const next = await page(after, 100);
    after = next.next;
    if (!next.more) return after;
  }
}

describe('the event feed', () => {
  it('pages through every event once, oldest first, also while events are being written', async () => {
    const bookmark = await endOfFeed();
    const written: string[] = [];
    for (let i = 0; i < 20; i++) {
      const event = routed();
      written.push(event.resourceId);
      await publish([event, routed('IGJ')]);
    }
    const seen: string[] = [];
    let after = bookmark;
    // An event shows once every transaction older than its own has ended — on a busy database server (other
    // test files) a moment after it committed — so the integration pages on until it has them all, or 5 s.
    const deadline = Date.now() + 5_000;
    for (let round = 0; seen.length < written.length || round < 3; round++) {
      if (Date.now() > deadline) break;
      const next = await page(after);
      seen.push(...next.ids);
      after = next.next;
      if (round < 3) {
        // Written while the integration pages: it comes after what was already read, and is not missed.
        const event = routed();
        written.push(event.resourceId);
        await publish([event]);
      }
    }
    expect(seen).toEqual(written);
  });

  it('does not pass an event whose transaction commits after a later one (a bookmark never skips one)', async () => {
    const bookmark = await endOfFeed();
    const slow = routed();
    const fast = routed();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let began!: () => void;
    const writing = new Promise<void>((resolve) => (began = resolve));
    // The slow transaction writes its event first (lower position), the fast one writes and commits meanwhile.
    const slowTransaction = t.app.orm.em.fork().transactional(async (tx) => {
      await publishEvents(tx, [slow], t.clock.now());
      began();
      await held;
    });
    await writing;
    await publish([fast]);
    const meanwhile = await page(bookmark, 100);
    expect(meanwhile.ids).not.toContain(slow.resourceId);
    release();
    await slowTransaction;
    const after = await page(meanwhile.next, 100);
    const both = [...meanwhile.ids, ...after.ids];
    expect(both).toContain(slow.resourceId);
    expect(both).toContain(fast.resourceId);
    expect(both.filter((id) => id === slow.resourceId || id === fast.resourceId)).toHaveLength(2);
  });

  it('does not pass an event written before a later one of an older transaction (order by transaction, then position)', async () => {
    const bookmark = await endOfFeed();
    const older = routed();
    const newer = routed();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let began!: () => void;
    const started = new Promise<void>((resolve) => (began = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    // A takes its transaction id first; B then writes its event (the lower position); A writes and commits.
    const a = t.app.orm.em.fork().transactional(async (tx) => {
      await tx.getConnection().execute('select pg_current_xact_id()');
      began();
      await written;
      await publishEvents(tx, [newer], t.clock.now());
    });
    await started;
    const b = t.app.orm.em.fork().transactional(async (tx) => {
      await publishEvents(tx, [older], t.clock.now());
      wrote();
      await held;
    });
    await a;
    const first = await page(bookmark, 100);
    release();
    await b;
    await feedSettled((text) => t.sql(text));
    const second = await page(first.next, 100);
    const seen = [...first.ids, ...second.ids].filter((id) => id === older.resourceId || id === newer.resourceId);
    expect(seen.sort()).toEqual([older.resourceId, newer.resourceId].sort());
  });

  it('is continued over REST by its Link header, also from an empty page', async () => {
    const rest = new RestClient(t.app, integration.token);
    const start = await rest.get('/api/v1/events');
    let link = /<([^>]+)>; rel="next"/.exec(String(start.headers.link))?.[1];
    for (let page = 0; page < 50 && link; page++) {
      const next = await rest.get(link);
      if (next.body.length === 0) break;
      link = /<([^>]+)>; rel="next"/.exec(String(next.headers.link))?.[1];
    }
    expect(link).toMatch(/^\/api\/v1\/events\?after=/);
    const empty = await rest.get(link!);
    expect([empty.status, empty.body]).toEqual([200, []]);
    expect(empty.headers.link).toBe(`<${link}>; rel="next"`);
    const event = routed();
    await publish([event]);
    await feedSettled((text) => t.sql(text));
    const fresh = await rest.get(link!);
    expect(fresh.body.map((cloud: any) => cloud.subject)).toEqual([event.resourceId]);
  });

  it('shows a role only events about what it may read', async () => {
    const visitEvent = { ...routed(), type: EventType.VISIT_CONFLICT_DETECTED, resourceType: EventResourceType.Visit };
    const signalEvent = routed();
    await publish([visitEvent, signalEvent]);
    await feedSettled((text) => t.sql(text));
    const planner = (await allEvents(await t.as('NZA', [Role.PLANNER]))).map((event) => event.resourceId);
    expect(planner).toContain(visitEvent.resourceId);
    expect(planner).not.toContain(signalEvent.resourceId);
    const intake = (await allEvents(await t.as('NZA', [Role.INTAKE]))).map((event) => event.resourceId);
    expect(intake).toContain(signalEvent.resourceId);
    expect(intake).not.toContain(visitEvent.resourceId);
  });

  it('shows only the caller’s organisation’s events, and filters by type and time', async () => {
    const mine = routed();
    const theirs = routed('IGJ');
    await publish([mine, theirs, { ...routed(), type: EventType.ROUTING_OVERDUE, resourceId: mine.resourceId }]);
    await feedSettled((text) => t.sql(text));
    const events = await allEvents(integration);
    expect(events.every((event: any) => event.organisation.code === 'NZA')).toBe(true);
    expect(events.map((event) => event.resourceId)).not.toContain(theirs.resourceId);
    const overdue = await allEvents(integration, { types: ['ROUTING_OVERDUE'] });
    expect(overdue.map((event) => event.resourceId)).toContain(mine.resourceId);
    expect(overdue.every((event) => event.type === 'ROUTING_OVERDUE')).toBe(true);
    const future = await allEvents(integration, { from: new Date(t.clock.now().getTime() + 60_000).toISOString() });
    expect(future).toEqual([]);
  });

  it('is refused to an organisation role that may not read it, and a tampered bookmark is bad input', async () => {
    const auditor = await t.as('NZA', [Role.AUDITOR]);
    expect((await auditor.fails(EVENTS, {})).code).toBe('FORBIDDEN');
    expect((await integration.fails(EVENTS, { after: 'bm90LWEtY3Vyc29y' })).code).toBe('BAD_USER_INPUT');
  });
});
