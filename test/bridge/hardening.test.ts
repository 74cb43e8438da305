import { largestSubmissionBytes } from '../../src/signals/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { RestClient } from '../support/rest.js';
import { signalInput, SUBMIT_SIGNAL } from '../support/signals.js';
import { Role, startTestApp, TestClock, type TestApp } from '../support/test-app.js';

/** What a hostile or careless client can send, and what the bridge answers: never more than it should. */
describe('the REST bridge under abuse', () => {
  let t: TestApp;
  let nza: RestClient;
  let om: RestClient;
  let kvkNumber: string;
  let expired: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new TestClock('2026-12-01T09:00:00Z') });
    kvkNumber = freshKvk();
    await registerProvider(await t.as('IGJ', [Role.PLANNER]), { kvkNumber, locations: [dutchLocation('GM0363')] });
    nza = new RestClient(t.app, (await t.as('NZA', [Role.INTAKE, Role.PLANNER])).token);
    om = new RestClient(t.app, (await t.as('OM', [Role.PROSECUTOR])).token);
    expired = await t.issuer.token('NZA', [Role.INTAKE], { iat: 1_700_000_000, exp: 1_700_003_600 }, 1_700_000_000);
  });
  afterAll(async () => t?.close());

  const hugeBulk = () => Array.from({ length: 1000 }, (_, index) => ({ externalId: `e${index}`, providers: Array.from({ length: 3900 }, () => 1) }));

  it('a huge invalid bulk body without a token is refused as 401 before it is read', async () => {
    const answer = await new RestClient(t.app, undefined).post('/api/v1/signals/bulk', hugeBulk());
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('with a token, it is a 400 of at most 50 listed problems, not millions', async () => {
    const answer = await nza.post('/api/v1/signals/bulk', hugeBulk());
    expect(answer.status).toBe(400);
    expect(answer.body.invalidParams.length).toBeGreaterThan(0);
    expect(answer.body.invalidParams.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(answer.body).length).toBeLessThan(20_000);
  });

  it('a refused token answers 401 and is audited whatever else is wrong with the request, as on /graphql', async () => {
    const before = Number((await t.sql(`select count(*)::int as count from audit_event where operation = 'authenticate'`))[0]!.count);
    const client = new RestClient(t.app, expired);
    expect((await client.post('/api/v1/signals', { externalId: 1 })).status).toBe(401);
    expect((await client.request('POST', '/api/v1/signals', 'x', { 'content-type': 'text/plain' })).status).toBe(401);
    expect((await client.get('/api/v1/public/enforcement-actions')).status).toBe(401);
    expect((await t.withToken(expired).request(SUBMIT_SIGNAL, { input: signalInput() })).status).toBe(401);
    await t.app.auditCheckpoint.checkpoint();
    const after = Number((await t.sql(`select count(*)::int as count from audit_event where operation = 'authenticate'`))[0]!.count);
    expect(after - before).toBe(4);
  });

  it('413 and 415 on every route with a body; 400 listing every problem of a conflict check', async () => {
    const big = 'x'.repeat(70_000);
    expect((await om.post('/api/v1/signals/a/routings/b/decision', { outcome: 'DECLINE', note: big })).status).toBe(413);
    expect((await nza.post('/api/v1/visit-conflict-checks', { providerIds: [big], start: 'x', end: 'y' })).status).toBe(413);
    expect((await nza.request('POST', '/api/v1/signals/bulk', 'x'.repeat(largestSubmissionBytes().variables + 1), { 'content-type': 'application/json' })).status).toBe(413);
    expect((await nza.request('POST', '/api/v1/visit-conflict-checks', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const problems = await nza.post('/api/v1/visit-conflict-checks', { providerIds: 'x', start: 'morgen', marginDays: 99_999_999_999, extra: 1 });
    expect(problems.status).toBe(400);
    expect(new Set(problems.body.invalidParams.map((entry: any) => entry.name))).toEqual(new Set(['providerIds', 'start', 'end', 'marginDays', 'extra']));
  });

  it('the list: 401 without a token, 403 for a role that may not read signals', async () => {
    expect((await new RestClient(t.app, undefined).get('/api/v1/signals')).status).toBe(401);
    expect((await new RestClient(t.app, (await t.as('IGJ', [Role.AUDITOR])).token).get('/api/v1/signals')).status).toBe(403);
  });

  it('text that cannot be stored (NUL, a lone surrogate) is a 400 naming the field, on REST and GraphQL alike', async () => {
    for (const summary of ['a\u0000b', 'a\ud800b']) {
      const rest = await nza.post('/api/v1/signals', signalInput({ providers: [{ kvkNumber }], summary }));
      expect(rest.status).toBe(400);
      expect(rest.body.invalidParams).toEqual([{ name: 'summary', reason: expect.stringMatching(/cannot be stored/) }]);
      const graphql = await (await t.as('NZA', [Role.INTAKE])).fails(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ kvkNumber }], summary }) });
      expect(graphql).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.summary' });
      expect(graphql.result.status).toBe(400);
    }
  });

  it('moments GraphQL would not take are refused by the document already, naming the field', async () => {
    for (const occurredAt of ['2016-12-31T23:59:60Z', '2026-10-01 12:00:00Z', '2026-10-01T12:00:00']) {
      const answer = await nza.post('/api/v1/signals', signalInput({ providers: [{ kvkNumber }], occurredAt }));
      expect(answer.status, occurredAt).toBe(400);
      expect(new Set(answer.body.invalidParams.map((entry: any) => entry.name)), occurredAt).toEqual(new Set(['occurredAt']));
    }
  });

  it('a URL that does not decode is a problem with API-Version; a method a path lacks is 405 with Allow; no HEAD routes', async () => {
    const bad = await nza.get('/api/v1/signals/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const wrong = await nza.request('DELETE', '/api/v1/signals');
    expect([wrong.status, wrong.headers.allow]).toEqual([405, 'POST, GET']);
    const head = await nza.request('HEAD', '/api/v1/signals');
    expect(head.status).toBe(405);
  });
});

describe('the interactive docs are off when API_DOCS=off (the production default)', () => {
  it('serves no /api/v1/docs, but still the document', async () => {
    const t = await startTestApp({ env: { API_DOCS: 'off' } });
    try {
      expect((await t.app.http.inject('/api/v1/docs')).statusCode).toBe(404);
      expect((await t.app.http.inject('/api/v1/openapi.json')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
