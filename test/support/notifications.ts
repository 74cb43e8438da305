import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryWorker, publishEvents, type NewEvent, type WorkerOptions } from '../../src/notifications/index.js';
import { uuidv7 } from '../../src/platform/ids.js';
import type { GraphQLClient, TestApp } from './test-app.js';

export const EVENT_FIELDS = 'id type occurredAt resourceType resourceId organisation { code }';

export const EVENTS = `query Events($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;

export const SUBSCRIPTION_FIELDS = 'id url eventTypes description active createdAt';

export const CREATE_SUBSCRIPTION = `mutation Subscribe($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) { signingSecret subscription { ${SUBSCRIPTION_FIELDS} } }
}`;

export const SUBSCRIPTIONS = `{ webhookSubscriptions { ${SUBSCRIPTION_FIELDS} } }`;

export const DELETE_SUBSCRIPTION = `mutation Unsubscribe($input: DeleteWebhookSubscriptionInput!) {
  deleteWebhookSubscription(input: $input) { subscription { ${SUBSCRIPTION_FIELDS} } }
}`;

export const DELIVERY_FIELDS = `id status attempts lastStatusCode nextAttemptAt deliveredAt event { id type } subscription { id }
  attemptLog(first: 100) { at durationMs statusCode error }`;

export const DELIVERIES = `query Deliveries($filter: WebhookDeliveryFilter, $first: Int, $after: String) {
  webhookDeliveries(filter: $filter, first: $first, after: $after) { totalCount edges { node { ${DELIVERY_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;

export const REDELIVER = `mutation Redeliver($input: RedeliverEventInput!) { redeliverEvent(input: $input) { delivery { ${DELIVERY_FIELDS} } } }`;

export interface Subscription {
  id: string;
  secret: string;
}

export async function subscribe(client: GraphQLClient, url: string, eventTypes: string[], description?: string): Promise<Subscription> {
  const data = await client.ok(CREATE_SUBSCRIPTION, { input: { url, eventTypes, description } });
  return { id: data.createWebhookSubscription.subscription.id, secret: data.createWebhookSubscription.signingSecret };
}

/**
 * Waits until the feed shows every committed event: it holds an event back while an older transaction anywhere on
 * the database server still runs (feed.service.ts) — in the test run, other test files' transactions.
 */
export async function feedSettled(sql: (text: string) => Promise<Array<{ waiting: number }>>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql('select count(*)::int as waiting from event where tx >= pg_snapshot_xmin(pg_current_snapshot())');
    if (row!.waiting === 0) return;
    if (Date.now() > deadline) throw new Error(`${row!.waiting} events still held back after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every event of the caller's organisation, paging through the feed. */
export async function allEvents(client: GraphQLClient, filter?: Record<string, unknown>): Promise<Array<{ id: string; type: string; resourceType: string; resourceId: string }>> {
  const events = [];
  let after: string | null = null;
  for (;;) {
    const page: any = (await client.ok(EVENTS, { filter, first: 100, after })).events;
    events.push(...page.edges.map((edge: any) => edge.node));
    if (!page.pageInfo.hasNextPage) return events;
    after = page.pageInfo.endCursor;
  }
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How the receiver answers: a status, or a status with headers, after an optional delay. */
export type Answer = number | { status: number; headers?: Record<string, string>; delayMs?: number };

/**
 * A webhook receiver on 127.0.0.1 (the only place delivery tests send anything). It keeps what it was sent and
 * answers with what `respond` says (204 by default).
 */
export class Receiver {
  readonly received: Received[] = [];
  respond: (request: Received) => Answer = () => 204;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    const receiver = new Receiver(server);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => receiver.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      this.received.push(entry);
      this.notify();
      const answer = this.respond(entry);
      const { status, headers = {}, delayMs = 0 } = typeof answer === 'number' ? { status: answer } : answer;
      setTimeout(() => {
        response.writeHead(status, headers);
        response.end();
      }, delayMs);
    });
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** What arrived at one path, parsed. */
  at(path: string): Array<Received & { event: any }> {
    return this.received.filter((entry) => entry.path === path).map((entry) => ({ ...entry, event: JSON.parse(entry.body) }));
  }

  /** Resolves once `count` requests in all have arrived (or fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 5000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the receiver got ${this.received.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private notify(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (this.received.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Writes events as a change would, in a transaction of their own (for tests of the feed and the worker). */
export async function publishForTest(t: TestApp, events: Array<Omit<NewEvent, 'resourceId'> & { resourceId?: string }>): Promise<string[]> {
  const complete = events.map((event) => ({ ...event, resourceId: event.resourceId ?? uuidv7() }));
  await t.app.orm.em.fork().transactional((tx) => publishEvents(tx, complete, t.clock.now()));
  return complete.map((event) => event.resourceId);
}

/** One more delivery worker on the test app's database — as another replica would run — with options to change. */
export function anotherWorker(t: TestApp, options: Partial<WorkerOptions> = {}): DeliveryWorker {
  return new DeliveryWorker({
    forkEm: () => t.app.orm.em.fork(),
    clock: t.clock.now,
    secrets: t.app.settings.webhookSecrets,
    targets: t.app.settings.webhookTargets,
    eventSource: t.config.eventSource,
    logger: t.logger,
    ...options,
  });
}
