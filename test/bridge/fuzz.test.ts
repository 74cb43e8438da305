import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestClient } from '../support/rest.js';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';

/** Whatever a client sends to any route — any JSON, any query string — the answer is never a 500, and always documented. */
describe('the REST bridge under random input', () => {
  let t: TestApp;
  let client: RestClient;

  beforeAll(async () => {
    t = await startTestApp();
    client = new RestClient(t.app, (await t.as('NZA', [Role.INTAKE, Role.PLANNER])).token);
  });
  afterAll(async () => t?.close());

  // Any UTF-16 text: control characters, NULs and lone surrogates included.
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const json = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' } as never);
  const signalLike = fc.record(
    {
      externalId: fc.oneof(text, fc.integer()),
      category: fc.constantFrom('KLACHT', 'ZORGFRAUDE', 'x'),
      severity: fc.constantFrom('LOW', 'HIGH', ''),
      possibleCriminalOffence: fc.oneof(fc.boolean(), fc.string()),
      providers: fc.array(fc.record({ kvkNumber: fc.oneof(fc.string(), fc.stringMatching(/^\d{8}$/)) }, { requiredKeys: [] }), { maxLength: 3 }),
      occurredAt: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()),
      summary: text,
      subjectBsn: fc.oneof(fc.stringMatching(/^\d{9}$/), text),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(json, signalLike, fc.array(signalLike, { maxLength: 3 }));
  const POSTS = ['/api/v1/signals', '/api/v1/signals/bulk', '/api/v1/visit-conflict-checks', '/api/v1/signals/x/routings/y/decision'];
  const GETS = ['/api/v1/signals', '/api/v1/visits', '/api/v1/public/enforcement-actions', '/api/v1/signals/'];

  it('POST with random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POSTS), body, async (route, payload) => {
        const answer = await client.post(route, payload);
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  it('GET with random query strings and path segments', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GETS),
        fc.dictionary(fc.constantFrom('first', 'after', 'routedToMe', 'overdue', 'providerId', 'from', 'to', 'other'), fc.string({ unit: 'binary', maxLength: 30 }), { maxKeys: 4 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        async (route, query, segment) => {
          const url = `${route}${route.endsWith('/') ? encodeURIComponent(segment) || 'x' : ''}?${new URLSearchParams(query).toString()}`;
          const answer = await client.get(url);
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});
