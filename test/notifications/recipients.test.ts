import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/notifications/index.js';
import { ACTION, PUBLISH, record, UPDATE_STATUS, actionInput } from '../support/enforcement.js';
import { allEvents, feedSettled, Receiver, subscribe } from '../support/notifications.js';
import { dutchLocation, freshKvk, REGISTER_PROVIDER, registerProvider } from '../support/providers.js';
import { DECIDE, signalInput, submit } from '../support/signals.js';
import { Role, startTestApp, TestClock, type GraphQLClient, type TestApp } from '../support/test-app.js';
import { COORDINATE, dayAt, plan, RESPOND } from '../support/visits.js';

/**
 * Every event type reaches the organisations the contract names — and no others: each organisation taking part
 * has a subscription to every type, all on one receiver on 127.0.0.1, and after each change we look at who got what.
 */
const ORGANISATIONS = ['IGJ', 'NZA', 'IJENV', 'OM', 'ZORGINSPECTIE', 'GM0363', 'GM0344'];

let t: TestApp;
let receiver: Receiver;
const secrets = new Map<string, string>();
const base = new Date('2027-03-01T00:00:00Z');

beforeAll(async () => {
  t = await startTestApp({ clock: new TestClock('2027-01-04T08:00:00Z') });
  receiver = await Receiver.start();
  for (const organisation of ORGANISATIONS) {
    const client = await t.as(organisation, [Role.INTEGRATION]);
    const { secret } = await subscribe(client, receiver.url(`/${organisation}`), Object.values(EventType), `all of ${organisation}'s events`);
    secrets.set(organisation, secret);
  }
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

/** Runs the delivery worker until nothing is due. */
async function deliverAll(): Promise<void> {
  while ((await t.app.deliveries.runOnce()) > 0);
}

/** Who received which event type about a resource, each delivery checked against its organisation's secret. */
async function receivedAbout(resourceId: string): Promise<Record<string, string[]>> {
  await deliverAll();
  const byOrganisation: Record<string, string[]> = {};
  for (const organisation of ORGANISATIONS) {
    for (const delivery of receiver.at(`/${organisation}`)) {
      if (delivery.event.subject !== resourceId) continue;
      // Throws unless the signature is right for this organisation's secret and the body as received.
      new Webhook(secrets.get(organisation)!).verify(delivery.body, delivery.headers as Record<string, string>);
      expect(delivery.event.data.organisation).toBe(organisation);
      (byOrganisation[organisation] ??= []).push(delivery.event.type);
    }
  }
  return byOrganisation;
}

const cloudType = (type: EventType) => `nl.samenloop.${type.toLowerCase().replace(/_/g, '-')}`;

/** `{ org: [type] }` for the organisations given. */
const only = (organisations: Iterable<string>, ...types: EventType[]) =>
  Object.fromEntries([...organisations].sort().map((organisation) => [organisation, types.map(cloudType).sort()]));

// Who got which events: deliveries run side by side and arrive in no promised order (docs/notifications.md), so
// each organisation's types are compared in a fixed order, as is the expectation's.
const sorted = (received: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(received).sort(([a], [b]) => a.localeCompare(b)).map(([organisation, types]) => [organisation, [...types].sort()]));

describe('who is told what', () => {
  let igjIntake: GraphQLClient;
  let provider: string;
  let signal: { signal: any; routings: any[] };

  beforeAll(async () => {
    igjIntake = await t.as('IGJ', [Role.INTAKE, Role.PLANNER]);
    provider = await registerProvider(igjIntake, { kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363')] });
  });

  it('SIGNAL_ROUTED: each recipient of a routing, not the submitter and nobody else', async () => {
    signal = await submit(igjIntake, signalInput({ category: 'ZORGFRAUDE', possibleCriminalOffence: true, providers: [{ id: provider }] }));
    const recipients = signal.routings.map((routing) => routing.recipient.code);
    expect(recipients.sort()).toEqual(['GM0363', 'NZA', 'OM']);
    expect(sorted(await receivedAbout(signal.signal.id))).toEqual(only(recipients, EventType.SIGNAL_ROUTED));
  });

  it('ROUTING_DECIDED: the submitter and the other recipients, not the deciding organisation', async () => {
    const routing = signal.routings.find((candidate) => candidate.recipient.code === 'NZA');
    const nza = await t.as('NZA', [Role.INTAKE]);
    await nza.ok(DECIDE, { input: { routingId: routing.id, outcome: 'ACCEPT' } });
    const received = await receivedAbout(signal.signal.id);
    const decided = Object.fromEntries(Object.entries(received).map(([organisation, types]) => [organisation, types.filter((type) => type === cloudType(EventType.ROUTING_DECIDED))]).filter(([, types]) => types.length > 0));
    expect(sorted(decided)).toEqual(only(['IGJ', 'OM', 'GM0363'], EventType.ROUTING_DECIDED));
  });

  it('VISIT_CONFLICT_DETECTED: the lead of each visit of a new pair, about its own visit', async () => {
    const igj = await t.as('IGJ', [Role.PLANNER, Role.COORDINATOR]);
    const nza = await t.as('NZA', [Role.PLANNER, Role.COORDINATOR]);
    const ours = await plan(igj, { providerIds: [provider], start: dayAt(base, 0) });
    const theirs = await plan(nza, { providerIds: [provider], start: dayAt(base, 3) });
    expect(theirs.conflicts).toHaveLength(1);
    expect(sorted(await receivedAbout(ours.visit.id))).toEqual(only(['IGJ'], EventType.VISIT_CONFLICT_DETECTED));
    expect(sorted(await receivedAbout(theirs.visit.id))).toEqual(only(['NZA'], EventType.VISIT_CONFLICT_DETECTED));

    // COORDINATION_PROPOSED to the organisation whose visit is proposed; COORDINATION_ANSWERED to the proposer.
    const { coordinateVisits } = await igj.ok(COORDINATE, { input: { leadVisitId: ours.visit.id, visitIds: [theirs.visit.id] } });
    const proposal = coordinateVisits.proposals[0].id;
    expect(sorted(await receivedAbout(proposal))).toEqual(only(['NZA'], EventType.COORDINATION_PROPOSED));
    await nza.ok(RESPOND, { input: { proposalId: proposal, accept: true } });
    expect(sorted(await receivedAbout(proposal))).toEqual({ ...only(['NZA'], EventType.COORDINATION_PROPOSED), ...only(['IGJ'], EventType.COORDINATION_ANSWERED) });
  });

  it('VISIT_CONFLICT_DETECTED: not to a lead that may not see the other visit', async () => {
    // A provider in two municipalities: each sees only the visits in its own territory, so neither is told.
    const planner = await t.as('IGJ', [Role.PLANNER]);
    const both = await planner.ok(REGISTER_PROVIDER, {
      input: { name: 'Twee gemeenten', kvkNumber: freshKvk(), sectors: ['WMO'], locations: [dutchLocation('GM0363'), dutchLocation('GM0344')] },
    });
    const locationIn = (code: string) => both.registerProvider.provider.locations.find((location: any) => location.municipalityCode === code).id;
    const [amsterdamLocation, utrechtLocation] = [locationIn('GM0363'), locationIn('GM0344')];
    const amsterdam = await plan(await t.as('GM0363', [Role.PLANNER]), { providerIds: [both.registerProvider.provider.id], locationId: amsterdamLocation, start: dayAt(base, 10) });
    const utrecht = await plan(await t.as('GM0344', [Role.PLANNER]), { providerIds: [both.registerProvider.provider.id], locationId: utrechtLocation, start: dayAt(base, 11) });
    const [stored] = await t.sql<{ count: number }>(
      'select count(*)::int as count from visit_conflict where (visit_a_id = $1 and visit_b_id = $2) or (visit_a_id = $2 and visit_b_id = $1)',
      [amsterdam.visit.id, utrecht.visit.id],
    );
    expect(stored!.count).toBeGreaterThan(0);
    expect(await receivedAbout(amsterdam.visit.id)).toEqual({});
    expect(await receivedAbout(utrecht.visit.id)).toEqual({});
  });

  it('ENFORCEMENT_RECORDED, _PUBLISHED and _STATUS_CHANGED: exactly the organisations that may see the measure, less the recorder', async () => {
    const officer = await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]);
    const measure = await record(officer, actionInput(provider, { relatedSignalIds: [signal.signal.id] }));
    expect(measure.published).toBe(false);
    // Who may read it, asked of the service itself, organisation by organisation.
    const readers: string[] = [];
    for (const organisation of ORGANISATIONS.filter((code) => code !== 'IGJ')) {
      const client = await t.as(organisation, [organisation === 'OM' ? Role.PROSECUTOR : Role.ENFORCEMENT_OFFICER]);
      if ((await client.request(ACTION, { id: measure.id })).data?.enforcementAction) readers.push(organisation);
    }
    expect(readers.sort()).toEqual(['GM0363', 'IJENV', 'NZA', 'OM']);
    expect(sorted(await receivedAbout(measure.id))).toEqual(only(readers, EventType.ENFORCEMENT_RECORDED));
    await officer.ok(PUBLISH, { input: { enforcementActionId: measure.id } });
    await officer.ok(UPDATE_STATUS, { input: { enforcementActionId: measure.id, status: 'COMPLIED' } });
    expect(sorted(await receivedAbout(measure.id))).toEqual(
      only(readers, EventType.ENFORCEMENT_RECORDED, EventType.ENFORCEMENT_PUBLISHED, EventType.ENFORCEMENT_STATUS_CHANGED),
    );
  });

  it('PROVIDER_LOCATION_ADDED: the earlier registering organisations, when another adds a location', async () => {
    const kvkNumber = freshKvk();
    const input = { name: 'Groeiende zorg', kvkNumber, sectors: ['THUISZORG'] };
    const id = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { ...input, locations: [dutchLocation('GM0344')] });
    expect(await receivedAbout(id)).toEqual({});
    await (await t.as('NZA', [Role.PLANNER])).ok(REGISTER_PROVIDER, { input: { ...input, locations: [dutchLocation('GM0344', { name: 'Tweede' })] } });
    expect(sorted(await receivedAbout(id))).toEqual(only(['IGJ'], EventType.PROVIDER_LOCATION_ADDED));
    await (await t.as('GM0363', [Role.PLANNER])).ok(REGISTER_PROVIDER, { input: { ...input, locations: [dutchLocation('GM0363')] } });
    expect(sorted(await receivedAbout(id))).toEqual({ IGJ: [cloudType(EventType.PROVIDER_LOCATION_ADDED), cloudType(EventType.PROVIDER_LOCATION_ADDED)], ...only(['NZA'], EventType.PROVIDER_LOCATION_ADDED) });
  });

  it('the feed of each organisation holds exactly what was delivered to it', async () => {
    await deliverAll();
    await feedSettled((text) => t.sql(text));
    for (const organisation of ORGANISATIONS) {
      // Roles that read every kind of record events are about (a role sees events only about what it may read).
      const feed = await allEvents(await t.as(organisation, organisation === 'OM' ? [Role.PROSECUTOR] : [Role.INTAKE, Role.COORDINATOR]));
      const delivered = receiver.at(`/${organisation}`).map((delivery) => delivery.event.id);
      expect(feed.map((event) => event.id).sort(), organisation).toEqual([...new Set(delivered)].sort());
    }
  });
});

describe('a delivery', () => {
  it('is a signed CloudEvent with only a reference; a tampered body fails the signature', async () => {
    const intake = await t.as('NZA', [Role.INTAKE, Role.PLANNER]);
    const provider = await registerProvider(intake, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    const summary = 'Zeer herkenbare inhoud die nooit in een webhook mag staan';
    const { signal } = await submit(intake, signalInput({ providers: [{ id: provider }], summary }));
    await deliverAll();
    await feedSettled((text) => t.sql(text));
    const [delivery] = receiver.at('/IGJ').filter((entry) => entry.event.subject === signal.id);
    expect(delivery).toBeDefined();
    const [event] = (await allEvents(await t.as('IGJ', [Role.INTEGRATION]), { types: ['SIGNAL_ROUTED'] })).filter((candidate) => candidate.resourceId === signal.id);
    expect(delivery!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(delivery!.headers['webhook-id']).toBe(event!.id);
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(delivery!.event).toEqual({
      specversion: '1.0',
      id: event!.id,
      source: t.config.eventSource,
      type: 'nl.samenloop.signal-routed',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
      subject: signal.id,
      datacontenttype: 'application/json',
      dataref: `/api/v1/signals/${signal.id}`,
      data: { resourceType: 'Signal', resourceId: signal.id, organisation: 'IGJ' },
    });
    expect(delivery!.body).not.toContain('herkenbare');
    const webhook = new Webhook(secrets.get('IGJ')!);
    const headers = delivery!.headers as Record<string, string>;
    expect(webhook.verify(delivery!.body, headers)).toEqual(delivery!.event);
    expect(() => webhook.verify(delivery!.body.replace('"IGJ"', '"NZA"'), headers)).toThrow(/signature/i);
    expect(() => new Webhook(secrets.get('NZA')!).verify(delivery!.body, headers)).toThrow(/signature/i);
    // The check by hand that docs/notifications.md shows agrees.
    const byHand = (secret: string, body: string) => {
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest();
      return headers['webhook-signature']!.split(' ').some((entry) => {
        const given = Buffer.from(entry.replace(/^v1,/, ''), 'base64');
        return entry.startsWith('v1,') && given.length === expected.length && timingSafeEqual(given, expected);
      });
    };
    expect(byHand(secrets.get('IGJ')!, delivery!.body)).toBe(true);
    expect(byHand(secrets.get('IGJ')!, delivery!.body.replace('"IGJ"', '"NZA"'))).toBe(false);
    expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
  });
});
