import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventResourceType, EventType } from '../../src/notifications/index.js';
import { MAX_SUBSCRIPTIONS } from '../../src/notifications/notifications.validation.js';
import { uuidv7 } from '../../src/platform/ids.js';
import { CREATE_SUBSCRIPTION, DELETE_SUBSCRIPTION, DELIVERIES, publishForTest, subscribe, SUBSCRIPTIONS } from '../support/notifications.js';
import { Role, startTestApp, type GraphQLClient, type TestApp } from '../support/test-app.js';

let t: TestApp;
let integration: GraphQLClient;
const url = (path: string) => `http://127.0.0.1:9/${path}`; // never delivered to: no worker runs in this file

beforeAll(async () => {
  t = await startTestApp();
  integration = await t.as('IGJ', [Role.INTEGRATION], 'system@igj');
});
afterAll(async () => t?.close());

describe('webhook subscriptions', () => {
  it('are made, listed and deleted by the organisation’s INTEGRATION and COORDINATOR roles; the secret is shown once', async () => {
    const created = (await integration.ok(CREATE_SUBSCRIPTION, { input: { url: url('one'), eventTypes: ['SIGNAL_ROUTED', 'ROUTING_OVERDUE'], description: '  Zaaksysteem  ' } }))
      .createWebhookSubscription;
    expect(created.subscription).toEqual({
      id: expect.any(String),
      url: url('one'),
      eventTypes: ['SIGNAL_ROUTED', 'ROUTING_OVERDUE'],
      description: 'Zaaksysteem',
      active: true,
      createdAt: t.clock.now().toISOString(),
    });
    const coordinator = await t.as('IGJ', [Role.COORDINATOR]);
    const listed = (await coordinator.ok(SUBSCRIPTIONS)).webhookSubscriptions;
    expect(listed).toContainEqual(created.subscription);
    expect(JSON.stringify(listed)).not.toContain(created.signingSecret);
    // Kept sealed: the secret is nowhere in the database in plain text.
    const [stored] = await t.sql<{ sealed: Buffer }>('select sealed_secret as sealed from webhook_subscription where id = $1', [created.subscription.id]);
    expect(stored!.sealed.includes(Buffer.from(created.signingSecret.slice('whsec_'.length)))).toBe(false);
    expect(stored!.sealed.includes(Buffer.from(created.signingSecret.slice('whsec_'.length), 'base64'))).toBe(false);
    expect(t.app.settings.webhookSecrets.open(stored!.sealed)).toBe(created.signingSecret);

    const deleted = (await coordinator.ok(DELETE_SUBSCRIPTION, { input: { subscriptionId: created.subscription.id } })).deleteWebhookSubscription.subscription;
    expect(deleted).toEqual({ ...created.subscription, active: false });
    expect((await integration.ok(SUBSCRIPTIONS)).webhookSubscriptions.map((subscription: any) => subscription.id)).not.toContain(created.subscription.id);
    expect((await coordinator.fails(DELETE_SUBSCRIPTION, { input: { subscriptionId: created.subscription.id } })).code).toBe('NOT_FOUND');
  });

  it('are refused to other roles', async () => {
    for (const role of [Role.PLANNER, Role.INTAKE, Role.AUDITOR, Role.INSPECTOR]) {
      const client = await t.as('IGJ', [role]);
      expect((await client.fails(SUBSCRIPTIONS)).code, role).toBe('FORBIDDEN');
      expect((await client.fails(CREATE_SUBSCRIPTION, { input: { url: url('x'), eventTypes: ['SIGNAL_ROUTED'] } })).code, role).toBe('FORBIDDEN');
    }
    expect((await t.anonymous().fails(SUBSCRIPTIONS)).code).toBe('UNAUTHENTICATED');
  });

  it('of another organisation are invisible: not listed, not deletable, their deliveries not shown', async () => {
    const theirs = await subscribe(await t.as('NZA', [Role.INTEGRATION]), url('nza'), ['SIGNAL_ROUTED']);
    await publishForTest(t, [{ type: EventType.SIGNAL_ROUTED, organisation: 'NZA', resourceType: EventResourceType.Signal }]);
    expect((await integration.ok(SUBSCRIPTIONS)).webhookSubscriptions.map((subscription: any) => subscription.id)).not.toContain(theirs.id);
    const missing = await integration.fails(DELETE_SUBSCRIPTION, { input: { subscriptionId: uuidv7() } });
    const invisible = await integration.fails(DELETE_SUBSCRIPTION, { input: { subscriptionId: theirs.id } });
    expect([invisible.code, invisible.message.replace(theirs.id, '<id>')]).toEqual(['NOT_FOUND', missing.message.replace(/[0-9a-f-]{36}/, '<id>')]);
    const { webhookDeliveries } = await integration.ok(DELIVERIES, { filter: { subscriptionId: theirs.id } });
    expect(webhookDeliveries).toMatchObject({ totalCount: 0, edges: [] });
    const [waiting] = await t.sql<{ count: number }>('select count(*)::int as count from webhook_delivery where subscription_id = $1', [theirs.id]);
    expect(waiting!.count).toBe(1);
  });

  it.each([
    [{ url: '', eventTypes: ['SIGNAL_ROUTED'] }, 'input.url'],
    [{ url: `http://127.0.0.1/${'x'.repeat(2000)}`, eventTypes: ['SIGNAL_ROUTED'] }, 'input.url'],
    [{ url: 'not a url', eventTypes: ['SIGNAL_ROUTED'] }, 'input.url'],
    [{ url: url('y'), eventTypes: [] }, 'input.eventTypes'],
    [{ url: url('y'), eventTypes: ['SIGNAL_ROUTED', 'SIGNAL_ROUTED'] }, 'input.eventTypes'],
    [{ url: url('y'), eventTypes: ['SIGNAL_ROUTED'], description: 'x'.repeat(501) }, 'input.description'],
  ])('refuses %j in %s', async (input, field) => {
    const error = await integration.fails(CREATE_SUBSCRIPTION, { input });
    expect([error.code, error.field]).toEqual(['BAD_USER_INPUT', field]);
  });

  it(`are at most ${MAX_SUBSCRIPTIONS} per organisation, also when asked for at once`, async () => {
    const system = await t.as('GM0363', [Role.INTEGRATION]);
    const answers = await Promise.all(
      Array.from({ length: MAX_SUBSCRIPTIONS + 5 }, (_, index) => system.request(CREATE_SUBSCRIPTION, { input: { url: url(`many/${index}`), eventTypes: ['SIGNAL_ROUTED'] } })),
    );
    expect(answers.filter((answer) => !answer.errors).length).toBe(MAX_SUBSCRIPTIONS);
    expect(answers.filter((answer) => answer.errors).map((answer) => answer.errors![0]!.extensions?.code)).toEqual(Array(5).fill('BAD_USER_INPUT'));
    expect((await system.ok(SUBSCRIPTIONS)).webhookSubscriptions).toHaveLength(MAX_SUBSCRIPTIONS);
  });

  it('are audited without the secret', async () => {
    const created = await subscribe(integration, url('audited'), ['ENFORCEMENT_PUBLISHED']);
    const rows = await t.sql<{ operation: string; resource_ids: string[]; details: unknown }>(
      "select operation, resource_ids, details from audit_event where operation = 'createWebhookSubscription' and $1 = any(resource_ids)",
      [created.id],
    );
    expect(rows).toEqual([{ operation: 'createWebhookSubscription', resource_ids: [created.id], details: { eventTypes: ['ENFORCEMENT_PUBLISHED'] } }]);
    const everything = await t.sql<{ text: string }>('select string_agg(row_to_json(a)::text, \'\') as text from audit_event a');
    expect(everything[0]!.text).not.toContain(created.secret.slice('whsec_'.length, 20));
  });
});
