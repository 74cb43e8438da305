import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largestSubmissionBytes } from '../../src/signals/index.js';
import { MAX_BULK, MAX_EXTERNAL_ID, MAX_PROVIDER_REFS, MAX_SUMMARY } from '../../src/signals/signal.validation.js';
import { dutchLocation, freshKvk, registerProvider } from '../support/providers.js';
import { RestClient } from '../support/rest.js';
import { signalInput, SUBMIT_SIGNAL, SUBMIT_SIGNALS } from '../support/signals.js';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';

/** Abuse limits: none of them answers 500 or hangs. */

describe('the request body limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('accepts the largest legitimate request: 1,000 signals at every maximum, text escaped as \\uXXXX', async () => {
    const client = await t.as('NZA', [Role.INTAKE]);
    const text = (length: number) => '\u00eb'.repeat(length);
    const item = (index: number) => ({
      ...signalInput({ summary: text(MAX_SUMMARY) }),
      externalId: `${index}`.padEnd(MAX_EXTERNAL_ID, '\u00eb'),
      providers: Array.from({ length: MAX_PROVIDER_REFS }, (_, n) => ({ id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}` })),
      subjectBsn: '123456782',
    });
    const body = JSON.stringify({ query: SUBMIT_SIGNALS, variables: { input: Array.from({ length: MAX_BULK }, (_, index) => item(index)) } }).replace(
      /\u00eb/g,
      '\\u00eb',
    );
    expect(Buffer.byteLength(body)).toBeGreaterThan(largestSubmissionBytes().variables * 0.95);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(largestSubmissionBytes().graphql);
    const response = await t.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` }, payload: body });
    expect(response.statusCode).toBe(200);
    // Read and answered item by item (the providers do not exist), not refused as too large.
    const answer = JSON.parse(response.body);
    expect(answer.data.submitSignals).toMatchObject({ created: 0, errors: MAX_BULK });
  });

  it('refuses one byte more with 413, unparsed, on GraphQL and on the REST bridge', async () => {
    const token = (await t.as('NZA', [Role.INTAKE])).token!;
    // Not even JSON: a parsed body would be a 400; this one is never read that far.
    const tooBig = 'x'.repeat(largestSubmissionBytes().graphql + 1);
    const graphql = await t.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: tooBig });
    expect(graphql.statusCode).toBe(413);
    expect(JSON.parse(graphql.body)).toEqual({ errors: [{ message: expect.stringMatching(/larger than any request/), extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    const rest = await new RestClient(t.app, token).request('POST', '/api/v1/signals/bulk', 'x'.repeat(largestSubmissionBytes().variables + 1), { 'content-type': 'application/json' });
    expect([rest.status, rest.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});

describe('the rate limit on changes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: '3' } });
  });
  afterAll(async () => t?.close());

  it('answers the fourth change within a minute with 429 and Retry-After, per client, GraphQL and REST together', async () => {
    const planner = await t.as('IGJ', [Role.PLANNER, Role.INTAKE], 'fast@igj');
    const provider = await registerProvider(planner, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    await planner.ok(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ id: provider }] }) });
    const rest = new RestClient(t.app, planner.token);
    expect((await rest.post('/api/v1/signals', signalInput({ providers: [{ id: provider }] }))).status).toBe(201);
    // Fourth change: refused, as a GraphQL error with a code.
    const refused = await planner.request(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ id: provider }] }) });
    expect(refused.status).toBe(429);
    expect(refused.errors).toEqual([{ message: expect.stringMatching(/Too many changes/), extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) } }]);
    const raw = await t.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${planner.token}` }, payload: JSON.stringify({ query: SUBMIT_SIGNAL, variables: { input: signalInput({ providers: [{ id: provider }] }) } }) });
    expect(Number(raw.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(raw.headers['retry-after'])).toBeLessThanOrEqual(60);
    // …and as a problem on REST.
    const problem = await rest.post('/api/v1/signals', signalInput({ providers: [{ id: provider }] }));
    expect([problem.status, problem.body.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(Number(problem.headers['retry-after'])).toBeGreaterThan(0);
    // Reads are not limited — also not the REST what-if check, a POST that writes nothing; another person of the
    // same organisation is not affected.
    expect((await planner.request('{ me { sub } }')).status).toBe(200);
    const start = new Date(Date.now() + 30 * 86_400_000);
    const check = await rest.post('/api/v1/visit-conflict-checks', { providerIds: [provider], start: start.toISOString(), end: new Date(start.getTime() + 3600_000).toISOString() });
    expect(check.status).toBe(200);
    const colleague = await t.as('IGJ', [Role.INTAKE], 'calm@igj');
    expect((await colleague.request(SUBMIT_SIGNAL, { input: signalInput({ providers: [{ id: provider }] }) })).status).toBe(200);
  });

  it('is not used up by someone else’s forged tokens naming the client', async () => {
    const victim = await t.as('NZA', [Role.INTAKE], 'victim@nza');
    const forged = await t.issuer.signClaims({ org: 'NZA', roles: ['INTAKE'], sub: 'victim@nza', iss: 'https://idp.forger.example', aud: 'samenloop' });
    for (let i = 0; i < 5; i++) {
      const answer = await t.withToken(forged).request('mutation { cancelVisit(input: { visitId: "x", reason: "y" }) { visit { id } } }');
      expect(answer.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|TOO_MANY_REQUESTS/);
    }
    const own = await victim.request('mutation { cancelVisit(input: { visitId: "00000000-0000-7000-8000-000000000000", reason: "y" }) { visit { id } } }');
    expect(own.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('cannot be passed by sending a mutation as a persisted query (no text for the limit to read)', async () => {
    const planner = await t.as('IGJ', [Role.PLANNER, Role.INTAKE], 'persisted@igj');
    const provider = await registerProvider(planner, { kvkNumber: freshKvk(), sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363')] });
    const input = (n: number) => signalInput({ providers: [{ id: provider }], externalId: `APQ-${n}-${Date.now()}` });
    const sha256Hash = createHash('sha256').update(SUBMIT_SIGNAL).digest('hex');
    const send = (body: Record<string, unknown>) =>
      t.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${planner.token}` }, payload: JSON.stringify(body) });
    await send({ query: SUBMIT_SIGNAL, variables: { input: input(0) }, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    for (let n = 1; n <= 5; n++) {
      const answer = JSON.parse((await send({ variables: { input: input(n) }, extensions: { persistedQuery: { version: 1, sha256Hash } } })).body);
      expect(answer.data?.submitSignal).toBeUndefined();
      expect(answer.errors?.[0]?.extensions?.code).toMatch(/PERSISTED_QUERY_NOT_SUPPORTED|TOO_MANY_REQUESTS/);
    }
    const stored = await t.sql<{ n: number }>(`select count(*)::int as n from signal where external_id like 'APQ-%'`);
    expect(stored[0]!.n).toBeLessThanOrEqual(1);
  });
});

describe('the SQL statement ceiling per request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { REQUEST_STATEMENT_LIMIT: '6' } });
  });
  afterAll(async () => t?.close());

  it('stops a request that needs more, with a clean error, and keeps nothing it began', async () => {
    const intake = await t.as('NZA', [Role.INTAKE, Role.PLANNER]);
    // Registering a provider (lookups, then one transaction: lock, provider, locations, audit) needs more than 6.
    const kvkNumber = freshKvk();
    const answer = await intake.request('mutation R($a: RegisterProviderInput!) { registerProvider(input: $a) { provider { id } } }', {
      a: { name: 'Klein', kvkNumber, sectors: ['VERPLEEGHUIS'], locations: [dutchLocation('GM0363'), dutchLocation('GM0344')] },
    });
    expect(answer.status).toBe(200);
    expect(answer.errors?.[0]).toMatchObject({ message: expect.stringMatching(/more than 6 database statements/), extensions: { code: 'REQUEST_TOO_EXPENSIVE' } });
    const [stored] = await t.sql<{ count: number }>('select count(*)::int as count from provider where kvk_number = $1', [kvkNumber]);
    expect(stored!.count).toBe(0);
    // The refusal itself is audited (writing the audit is not limited), and a small request still runs.
    const [audited] = await t.sql<{ count: number }>("select count(*)::int as count from audit_event where operation = 'registerProvider' and outcome <> 'SUCCESS'");
    expect(audited!.count).toBe(1);
    expect((await intake.ok('{ me { organisation { code } } }')).me.organisation.code).toBe('NZA');
  });
});
