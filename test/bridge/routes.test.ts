import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionInput, record } from '../support/enforcement.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { RestClient } from '../support/rest.js';
import { signalInput } from '../support/signals.js';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';
import { plan } from '../support/visits.js';

const NOWHERE = '00000000-0000-7000-8000-00000000beef';

/** Every answer here is also checked against openapi-bridge/openapi.json by the RestClient (support/rest.ts). */
describe('the REST bridge, route by route', () => {
  let t: TestApp;
  let nza: RestClient;
  let om: RestClient;
  let anonymous: RestClient;
  let provider: string;
  let kvkNumber: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-12-01T09:00:00Z') });
    kvkNumber = freshKvk();
    provider = await registerProvider(await t.as('IGJ', [Role.PLANNER]), { name: 'Zorg aan de Amstel', kvkNumber, sectors: ['THUISZORG'], locations: [dutchLocation('GM0363')] });
    nza = new RestClient(t.app, (await t.as('NZA', [Role.INTAKE, Role.PLANNER])).token);
    om = new RestClient(t.app, (await t.as('OM', [Role.PROSECUTOR])).token);
    anonymous = new RestClient(t.app, undefined);
  });
  afterAll(async () => t?.close());

  describe('POST /signals', () => {
    it('201 with Location for a new signal, 200 with the same signal for a duplicate, 409 for other content', async () => {
      const input = signalInput({ possibleCriminalOffence: true, providers: [{ kvkNumber }] });
      const created = await nza.post('/api/v1/signals', input);
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`/api/v1/signals/${created.body.id}`);
      expect(created.body.routings.map((routing: any) => routing.recipient.code).sort()).toEqual(['IGJ', 'OM']);
      const again = await nza.post('/api/v1/signals', input);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(created.body.id);
      const conflict = await nza.post('/api/v1/signals', { ...input, summary: 'Iets anders' });
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({ code: 'CONFLICT', status: 409, instance: '/api/v1/signals' });
    });

    it('400 listing every problem at once: the shape first, then the rules of the content', async () => {
      const shape = await nza.post('/api/v1/signals', { externalId: 7, category: 'ONBEKEND', severity: 'HIGH', providers: [{ kvkNumber: 12 }], extra: true });
      expect(shape.status).toBe(400);
      expect(shape.body.invalidParams.map((entry: any) => entry.name).sort()).toEqual(['category', 'externalId', 'extra', 'occurredAt', 'providers[0].kvkNumber', 'summary']);
      const content = await nza.post('/api/v1/signals', signalInput({ providers: [{ kvkNumber: '123' }], subjectBsn: '123456789', occurredAt: '2030-01-01T00:00:00Z' }));
      expect(content.status).toBe(400);
      expect(content.body.invalidParams.map((entry: any) => entry.name).sort()).toEqual(['occurredAt', 'providers[0].kvkNumber', 'subjectBsn']);
      expect(JSON.stringify(content.body)).not.toContain('123456789'); // a BSN is never echoed
    });

    it('401 without or with a bad token, the same body whatever the reason', async () => {
      const missing = await anonymous.post('/api/v1/signals', signalInput({ providers: [{ kvkNumber }] }));
      const bad = await new RestClient(t.app, 'not.a.token').post('/api/v1/signals', signalInput({ providers: [{ kvkNumber }] }));
      expect([missing.status, bad.status]).toEqual([401, 401]);
      expect(bad.body).toEqual(missing.body);
    });

    it('403 for a role that may not submit', async () => {
      expect((await om.post('/api/v1/signals', signalInput({ providers: [{ kvkNumber }] }))).status).toBe(403);
    });

    it('413 for a body over the limit, 415 for another content type, 400 for broken JSON', async () => {
      const huge = await nza.post('/api/v1/signals', { ...signalInput(), summary: 'x'.repeat(70_000) });
      expect(huge.status).toBe(413);
      const text = await nza.request('POST', '/api/v1/signals', 'externalId=1', { 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
      const form = await nza.request('POST', '/api/v1/signals', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);
      const broken = await nza.request('POST', '/api/v1/signals', '{"externalId": ', { 'content-type': 'application/json' });
      expect(broken.status).toBe(400);
    });
  });

  describe('POST /signals/bulk', () => {
    it('200 with one result per item in the same problem form, valid items kept', async () => {
      const good = signalInput({ providers: [{ kvkNumber }] });
      const answer = await nza.post('/api/v1/signals/bulk', [good, good, { ...signalInput({ providers: [{ kvkNumber: '99999999' }] }) }, signalInput({ providers: [{ kvkNumber }], subjectBsn: '111222334' })]);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ created: 1, duplicates: 1, errors: 2 });
      expect(answer.body.results.map((result: any) => result.outcome)).toEqual(['CREATED', 'DUPLICATE', 'ERROR', 'ERROR']);
      expect(answer.body.results[1].signalId).toBe(answer.body.results[0].signalId);
      expect(answer.body.results[2].error).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', invalidParams: [{ name: 'providers[0].kvkNumber' }] });
      expect(answer.body.results[3].error.invalidParams).toEqual([{ name: 'subjectBsn', reason: expect.stringMatching(/11-proef/) }]);
    });

    it('400 for an empty list or more than 1,000, naming each bad item', async () => {
      expect((await nza.post('/api/v1/signals/bulk', [])).status).toBe(400);
      const many = Array.from({ length: 1001 }, () => signalInput({ providers: [{ kvkNumber }] }));
      expect((await nza.post('/api/v1/signals/bulk', many)).status).toBe(400);
      const shapes = await nza.post('/api/v1/signals/bulk', [signalInput({ providers: [{ kvkNumber }] }), { externalId: 'x' }]);
      expect(shapes.body.invalidParams.map((entry: any) => entry.name)).toEqual(expect.arrayContaining(['[1].category', '[1].summary']));
    });

    it('401, 403, 415', async () => {
      expect((await anonymous.post('/api/v1/signals/bulk', [signalInput()])).status).toBe(401);
      expect((await om.post('/api/v1/signals/bulk', [signalInput()])).status).toBe(403);
      expect((await nza.request('POST', '/api/v1/signals/bulk', '[]', { 'content-type': 'text/csv' })).status).toBe(415);
    });
  });

  describe('GET /signals/{id} and GET /signals', () => {
    it('a signal for its submitter and recipients; 404 for others exactly like a missing one, apart from instance', async () => {
      const created = (await nza.post('/api/v1/signals', signalInput({ possibleCriminalOffence: true, providers: [{ kvkNumber }] }))).body;
      expect((await nza.get(`/api/v1/signals/${created.id}`)).body.id).toBe(created.id);
      expect((await om.get(`/api/v1/signals/${created.id}`)).status).toBe(200);
      const stranger = new RestClient(t.app, (await t.as('GM0344', [Role.INTAKE])).token);
      const hidden = await stranger.get(`/api/v1/signals/${created.id}`);
      const missing = await stranger.get(`/api/v1/signals/${NOWHERE}`);
      expect([hidden.status, missing.status]).toEqual([404, 404]);
      expect({ ...hidden.body, instance: 'X' }).toEqual({ ...missing.body, instance: 'X' });
      expect((await anonymous.get(`/api/v1/signals/${created.id}`)).status).toBe(401);
      expect((await new RestClient(t.app, (await t.as('IGJ', [Role.AUDITOR])).token).get(`/api/v1/signals/${created.id}`)).status).toBe(403);
    });

    it('the inbox: routedToMe, pages through next and the Link header', async () => {
      for (let index = 0; index < 3; index++) await nza.post('/api/v1/signals', signalInput({ possibleCriminalOffence: true, providers: [{ kvkNumber }] }));
      const first = await om.get('/api/v1/signals?routedToMe=true&first=2');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.headers.link).toBe(`<${first.body.next}>; rel="next"`);
      expect(first.body.next).toMatch(/^\/api\/v1\/signals\?routedToMe=true&first=2&after=/);
      const second = await om.get(first.body.next);
      expect(second.body.items.map((item: any) => item.id)).not.toContain(first.body.items[0].id);
      const problems = await om.get('/api/v1/signals?routedToMe=perhaps&first=500&sort=x');
      expect(problems.status).toBe(400);
      expect(problems.body.invalidParams.map((entry: any) => entry.name).sort()).toEqual(['first', 'routedToMe', 'sort']);
      expect((await om.get('/api/v1/signals?after=forged')).body.invalidParams).toEqual([{ name: 'after', reason: expect.any(String) }]);
    });
  });

  describe('POST /signals/{id}/routings/{routingId}/decision', () => {
    it('the recipient decides over REST; a second decision is 409; a routing under another signal is 404', async () => {
      const signal = (await nza.post('/api/v1/signals', signalInput({ possibleCriminalOffence: true, providers: [{ kvkNumber }] }))).body;
      const other = (await nza.post('/api/v1/signals', signalInput({ possibleCriminalOffence: true, providers: [{ kvkNumber }] }))).body;
      const routing = signal.routings.find((entry: any) => entry.recipient.code === 'OM');
      const wrong = await om.post(`/api/v1/signals/${other.id}/routings/${routing.id}/decision`, { outcome: 'ACCEPT' });
      expect(wrong.status).toBe(404);
      const needsNote = await om.post(`/api/v1/signals/${signal.id}/routings/${routing.id}/decision`, { outcome: 'DECLINE' });
      expect(needsNote.body.invalidParams).toEqual([{ name: 'note', reason: expect.any(String) }]);
      const decided = await om.post(`/api/v1/signals/${signal.id}/routings/${routing.id}/decision`, { outcome: 'ACCEPT', note: 'Onderzoek gestart' });
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({ id: routing.id, status: 'ACCEPTED', decision: { outcome: 'ACCEPT', decidedBy: { code: 'OM' } } });
      expect((await om.post(`/api/v1/signals/${signal.id}/routings/${routing.id}/decision`, { outcome: 'JOINT' })).status).toBe(409);
      expect((await nza.post(`/api/v1/signals/${signal.id}/routings/${routing.id}/decision`, { outcome: 'JOINT' })).status).toBe(403);
      expect((await om.post(`/api/v1/signals/${signal.id}/routings/${routing.id}/decision`, { outcome: 'LATER', routingId: 'x' })).body.invalidParams.length).toBe(2);
      expect((await anonymous.post(`/api/v1/signals/${signal.id}/routings/${routing.id}/decision`, { outcome: 'ACCEPT' })).status).toBe(401);
      expect((await om.request('POST', `/api/v1/signals/${signal.id}/routings/${routing.id}/decision`, 'ACCEPT', { 'content-type': 'text/plain' })).status).toBe(415);
    });
  });

  describe('GET /visits and POST /visit-conflict-checks', () => {
    it('the planning view by provider and period, and the what-if check', async () => {
      const igj = await t.as('IGJ', [Role.PLANNER]);
      const visit = (await plan(igj, { providerIds: [provider], start: new Date('2026-12-16T09:00:00Z'), announced: false })).visit.id;
      const listed = await nza.get(`/api/v1/visits?providerId=${provider}&from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z`);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ id: visit, announced: false, window: expect.objectContaining({ precision: 'WEEK' }) })]);
      const badFrom = await nza.get('/api/v1/visits?from=yesterday');
      expect(new Set(badFrom.body.invalidParams.map((entry: any) => entry.name))).toEqual(new Set(['from']));
      const check = await nza.post('/api/v1/visit-conflict-checks', { providerIds: [provider], start: '2026-12-20T09:00:00Z', end: '2026-12-20T12:00:00Z' });
      expect(check.status).toBe(200);
      expect(check.body.conflicts.map((conflict: any) => conflict.visit.id)).toEqual([visit]);
      const badCheck = await nza.post('/api/v1/visit-conflict-checks', { providerIds: [provider], start: '2026-12-20T12:00:00Z', end: '2026-12-20T09:00:00Z' });
      expect(badCheck.status).toBe(400);
      expect((await anonymous.get('/api/v1/visits')).status).toBe(401);
      expect((await om.get('/api/v1/visits')).status).toBe(403);
      expect((await om.post('/api/v1/visit-conflict-checks', { providerIds: [provider], start: '2026-12-20T09:00:00Z', end: '2026-12-20T12:00:00Z' })).status).toBe(403);
    });
  });

  describe('GET /public/enforcement-actions', () => {
    it('published measures without a token, in the public view', async () => {
      const action = await record(await t.as('IGJ', [Role.ENFORCEMENT_OFFICER]), actionInput(provider, { type: 'AANWIJZING', deadline: '2027-01-31', notes: 'intern' }));
      const listed = await anonymous.get(`/api/v1/public/enforcement-actions?providerId=${provider}`);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ id: action.id, type: 'AANWIJZING', provider: expect.objectContaining({ name: 'Zorg aan de Amstel' }) })]);
      expect(JSON.stringify(listed.body)).not.toContain('intern');
      expect((await anonymous.get('/api/v1/public/enforcement-actions?from=gisteren')).status).toBe(400);
    });
  });

  describe('every answer', () => {
    it('carries API-Version, also unknown routes (a problem), and CORS stays closed', async () => {
      const unknown = await nza.get('/api/v1/nothing-here');
      expect(unknown.status).toBe(404);
      expect(unknown.headers['api-version']).toBe('1.0.0');
      const preflight = await nza.request('OPTIONS', '/api/v1/signals', undefined, { origin: 'https://elders.example', 'access-control-request-method': 'POST' });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await nza.request('GET', '/api/v1/signals', undefined, { origin: 'https://elders.example' });
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('serves its OpenAPI document, and offline docs', async () => {
      const document = await t.app.http.inject('/api/v1/openapi.json');
      expect(document.json().openapi).toBe('3.1.0');
      expect(document.headers['api-version']).toBe('1.0.0');
      const docs = await t.app.http.inject('/api/v1/docs');
      expect(docs.statusCode).toBe(200);
      expect(docs.body).toContain('/api/v1/docs/swagger-ui-bundle.js');
      expect(docs.body).not.toMatch(/https?:\/\//);
      expect((await t.app.http.inject('/api/v1/docs/swagger-ui-bundle.js')).statusCode).toBe(200);
    });
  });
});
