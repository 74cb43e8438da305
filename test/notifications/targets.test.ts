import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventResourceType, EventType } from '../../src/notifications/index.js';
import { isForbiddenAddress, isNeverAllowed } from '../../src/notifications/webhook-target.js';
import { anotherWorker, CREATE_SUBSCRIPTION, DELETE_SUBSCRIPTION, DELIVERIES, publishForTest, Receiver, subscribe, SUBSCRIPTIONS } from '../support/notifications.js';
import { PRODUCTION_ENV, Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';

/**
 * Webhooks must not become a way into the operator's own network (SSRF). Every test here that could reach
 * anything other than 127.0.0.1 answers from a test resolver, and refusals happen before a connection is opened.
 */
const PRODUCTION = { ...PRODUCTION_ENV, WEBHOOK_ALLOWED_HOSTS: 'internal.partner.example, relay.partner.example:8443, sneaky.partner.example' };

/** A resolver the test controls, which remembers what it was asked. */
function testResolver(answers: Record<string, string[]>) {
  const asked: string[] = [];
  return {
    asked,
    answers,
    resolve: async (host: string) => {
      asked.push(host);
      const answer = answers[host];
      if (!answer) throw new Error(`ENOTFOUND ${host}`);
      return answer;
    },
  };
}

/** A TCP port on 127.0.0.1 that counts the connections made to it (and answers none). */
async function countingPort(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('forbidden addresses', () => {
  it.each([
    ...['10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1', 'fd12::1', '0:0:0:0:0:ffff:c0a8:101', '64:ff9b::a00:1', '64:ff9b:1::a00:1', '2002:7f00:1::', '2001:0:4136:e378::1'],
    ...['127.0.0.1', '169.254.169.254', '0.0.0.0', '::1', '::', 'fe80::1', 'fec0::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '::7f00:1', '::ffff:0:7f00:1', 'ff02::1'],
  ])('%s is private, loopback, link-local, tunnelled or metadata', (address) => expect(isForbiddenAddress(address)).toBe(true));
  it.each(['127.0.0.1', '169.254.169.254', '::1', '::ffff:7f00:1', '::7f00:1', 'fe80::1', '224.0.0.1'])('%s is never allowed, not even for an allow-listed host', (address) =>
    expect(isNeverAllowed(address)).toBe(true),
  );
  it.each(['10.0.0.1', 'fd12::1', '192.168.1.1'])('%s may be reached by an allow-listed host', (address) => expect(isNeverAllowed(address)).toBe(false));
  it.each(['8.8.8.8', '203.0.113.10', '145.21.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is not', (address) => expect(isForbiddenAddress(address)).toBe(false));
});

describe('webhook targets in production', () => {
  let t: TestApp;
  let client: GraphQLClient;
  const resolver = testResolver({
    'hooks.partner.example': ['203.0.113.10'],
    'internal.partner.example': ['10.1.2.3'],
    'rebind.example': ['127.0.0.1'],
    'mixed.example': ['203.0.113.11', '10.0.0.5'],
    'mapped.example': ['::ffff:169.254.169.254'],
    'relay.partner.example': ['10.9.9.9'],
    'sneaky.partner.example': ['169.254.169.254'],
  });

  beforeAll(async () => {
    t = await startTestApp({ env: PRODUCTION, resolveHost: resolver.resolve });
    client = await t.as('NZA', [Role.INTEGRATION]);
  });
  afterAll(async () => t?.close());

  const NOT_PUBLIC = 'This URL is not accepted: it does not lead to a public address (or to a host in WEBHOOK_ALLOWED_HOSTS).';
  it.each([
    ['http://hooks.partner.example/hook', /only https/],
    ['ftp://hooks.partner.example/hook', /only https/],
    ['https://user:secret@hooks.partner.example/hook', /credentials/],
    ['https://10.0.0.1/hook', NOT_PUBLIC],
    ['https://169.254.169.254/latest/meta-data/', NOT_PUBLIC],
    ['https://rebind.example/hook', NOT_PUBLIC],
    ['https://[::1]/hook', NOT_PUBLIC],
    ['https://mixed.example/hook', NOT_PUBLIC],
    ['https://mapped.example/hook', NOT_PUBLIC],
    ['https://[::ffff:10.0.0.1]/hook', NOT_PUBLIC],
    ['https://[::ffff:a9fe:a9fe]/hook', NOT_PUBLIC],
    ['https://[fd00::1]/hook', NOT_PUBLIC],
    ['https://[64:ff9b:1::a00:1]/hook', NOT_PUBLIC],
    ['https://[::7f00:1]/hook', NOT_PUBLIC],
    ['https://nowhere.example/hook', NOT_PUBLIC],
    // Allow-listed, but only for its port; and an allow-listed name never reaches link-local or metadata addresses.
    ['https://relay.partner.example/hook', NOT_PUBLIC],
    ['https://sneaky.partner.example/hook', NOT_PUBLIC],
  ])('refuses %s', async (url, why) => {
    const error = await client.fails(CREATE_SUBSCRIPTION, { input: { url, eventTypes: ['SIGNAL_ROUTED'] } });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('input.url');
    if (typeof why === 'string') expect(error.message).toBe(why);
    else expect(error.message).toMatch(why);
    // Nothing about what lies behind the name: no address, not even whether it resolved.
    expect(error.message).not.toMatch(/\d+\.\d+\.\d+|::|resolve/);
    expect(error.message).not.toContain('secret');
  });

  it('accepts a public host, and an allow-listed host that resolves to a private address', async () => {
    for (const url of ['https://hooks.partner.example/hook', 'https://internal.partner.example:8443/samenloop', 'https://relay.partner.example:8443/in']) {
      const data = await client.ok(CREATE_SUBSCRIPTION, { input: { url, eventTypes: ['SIGNAL_ROUTED'] } });
      expect(data.createWebhookSubscription.subscription).toMatchObject({ url, active: true });
      expect(data.createWebhookSubscription.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      // Deleted again at once: no delivery test may ever try these addresses.
      const id = data.createWebhookSubscription.subscription.id;
      expect((await client.ok(DELETE_SUBSCRIPTION, { input: { subscriptionId: id } })).deleteWebhookSubscription.subscription).toMatchObject({ id, active: false });
    }
    expect((await client.ok(SUBSCRIPTIONS)).webhookSubscriptions).toEqual([]);
  });

  it('checks again at every attempt: a host that now resolves to loopback is refused, and nothing connects', async () => {
    const target = await countingPort();
    const url = `https://hooks.partner.example:${target.port}/hook`;
    const subscription = await subscribe(client, url, ['SIGNAL_ROUTED']);
    // The partner's DNS now answers with the operator's own loopback (a rebinding attack).
    resolver.answers['hooks.partner.example'] = ['127.0.0.1'];
    resolver.asked.length = 0;
    try {
      await publishForTest(t, [{ type: EventType.SIGNAL_ROUTED, organisation: 'NZA', resourceType: EventResourceType.Signal }]);
      expect(await t.app.deliveries.runOnce()).toBe(1);
      const { webhookDeliveries } = await client.ok(DELIVERIES, { filter: { subscriptionId: subscription.id } });
      const [delivery] = webhookDeliveries.edges.map((edge: any) => edge.node);
      expect(delivery).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: null });
      expect(delivery.attemptLog[0].error).toBe('refused: it does not lead to a public address (or to a host in WEBHOOK_ALLOWED_HOSTS)');
      // Resolved once for the attempt, refused, and no connection anywhere.
      expect(resolver.asked).toEqual(['hooks.partner.example']);
      expect(target.connections()).toBe(0);
    } finally {
      resolver.answers['hooks.partner.example'] = ['203.0.113.10'];
      await target.close();
    }
  });
});

describe('webhook targets outside production', () => {
  let t: TestApp;
  let client: GraphQLClient;
  let receiver: Receiver;
  const resolver = testResolver({ 'receiver.test': ['127.0.0.1'], 'elsewhere.test': ['192.0.2.7'] });

  beforeAll(async () => {
    t = await startTestApp({ resolveHost: resolver.resolve });
    client = await t.as('IGJ', [Role.COORDINATOR]);
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('accepts http:// to loopback only', async () => {
    await subscribe(client, receiver.url(), ['SIGNAL_ROUTED']);
    for (const url of ['http://elsewhere.test/hook', 'http://192.0.2.7/hook', 'http://10.0.0.1/hook']) {
      const error = await client.fails(CREATE_SUBSCRIPTION, { input: { url, eventTypes: ['SIGNAL_ROUTED'] } });
      expect([error.code, error.field, error.message]).toEqual(['BAD_USER_INPUT', 'input.url', expect.stringMatching(/loopback only/)]);
    }
  });

  it('connects to the address it checked, sending the host name it was given', async () => {
    const port = new URL(receiver.url()).port;
    const subscription = await subscribe(client, `http://receiver.test:${port}/by-name`, ['ROUTING_DECIDED']);
    resolver.asked.length = 0;
    await publishForTest(t, [{ type: EventType.ROUTING_DECIDED, organisation: 'IGJ', resourceType: EventResourceType.Signal }]);
    await t.app.deliveries.runOnce();
    const [delivery] = receiver.at('/by-name');
    expect(delivery?.headers.host).toBe(`receiver.test:${port}`);
    // Resolved once for the attempt (the system resolver would not know receiver.test at all).
    expect(resolver.asked).toEqual(['receiver.test']);
    expect(subscription.secret).toMatch(/^whsec_/);
  });

  it('follows no redirect: a 3xx is a failed attempt, and the place it points to gets nothing', async () => {
    receiver.respond = (request) => (request.path === '/moved' ? { status: 307, headers: { location: receiver.url('/elsewhere') } } : 204);
    const worker = anotherWorker(t);
    const subscription = await subscribe(client, receiver.url('/moved'), ['COORDINATION_ANSWERED']);
    await publishForTest(t, [{ type: EventType.COORDINATION_ANSWERED, organisation: 'IGJ', resourceType: EventResourceType.CoordinationProposal }]);
    await worker.runOnce();
    const { webhookDeliveries } = await client.ok(DELIVERIES, { filter: { subscriptionId: subscription.id } });
    expect(webhookDeliveries.edges[0].node).toMatchObject({ status: 'FAILED', lastStatusCode: 307 });
    expect(receiver.at('/moved')).toHaveLength(1);
    expect(receiver.at('/elsewhere')).toEqual([]);
  });
});
