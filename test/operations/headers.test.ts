import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CSP, PAGE_CSP } from '../../src/platform/http/security-headers.js';
import { PRODUCTION_ENV, Role, startTestApp, type TestApp } from '../support/test-app.js';

/** The security headers of the NL API Design Rules (/core/transport/security-headers), on every kind of answer. */
const EXPECTED = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // helmet's other defaults, kept
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

type Injected = Awaited<ReturnType<TestApp['app']['http']['inject']>>;

function expectSecurityHeaders(what: string, response: Injected, page = false): void {
  for (const [name, value] of Object.entries(EXPECTED)) expect(response.headers[name], `${what}: ${name}`).toBe(value);
  expect(response.headers['x-powered-by'], `${what}: x-powered-by`).toBeUndefined();
  expect(response.headers['content-security-policy'], `${what}: CSP`).toBe(page ? PAGE_CSP : API_CSP);
  expect(String(response.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  expect(response.headers['cache-control'], `${what}: cache-control`).toBeDefined();
}

describe('security headers', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { API_DOCS: 'on' } });
    token = (await t.as('IGJ', [Role.PLANNER])).token!;
  });
  afterAll(async () => t?.close());

  const json = (headers: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...headers });

  it('are on every API answer, its errors and the probes, with no-store and the strict CSP', async () => {
    const answers: Array<[string, Injected]> = [
      ['GraphQL query', await t.app.http.inject({ method: 'POST', url: '/graphql', headers: json({ authorization: `Bearer ${token}` }), payload: '{"query":"{ me { sub } }"}' })],
      ['GraphQL refusal', await t.app.http.inject({ method: 'POST', url: '/graphql', headers: json(), payload: '{"query":"{ me { sub } }"}' })],
      ['GraphQL syntax error', await t.app.http.inject({ method: 'POST', url: '/graphql', headers: json(), payload: '{"query":"{"}' })],
      ['GraphQL bad JSON', await t.app.http.inject({ method: 'POST', url: '/graphql', headers: json(), payload: '{' })],
      ['REST 401', await t.app.http.inject({ method: 'GET', url: '/api/v1/signals' })],
      ['REST 200', await t.app.http.inject({ method: 'GET', url: '/api/v1/signals', headers: { authorization: `Bearer ${(await t.as('IGJ', [Role.INTAKE])).token}` } })],
      ['REST document', await t.app.http.inject({ method: 'GET', url: '/api/v1/openapi.json' })],
      ['REST bad URL', await t.app.http.inject({ method: 'GET', url: '/api/v1/signals/%E0%A4%A' })],
      ['health', await t.app.http.inject('/healthz')],
      ['readiness', await t.app.http.inject('/readyz')],
      ['metrics', await t.app.http.inject('/metrics')],
      ['unknown route', await t.app.http.inject('/nothing-here')],
    ];
    for (const [what, response] of answers) {
      expectSecurityHeaders(what, response);
      expect(response.headers['cache-control'], what).toBe('no-store');
    }
    expect(answers.map(([, response]) => response.statusCode)).toEqual([200, 401, 400, 400, 401, 200, 200, 400, 200, 200, 200, 404]);
  });

  it('pages get a CSP that allows only this origin’s scripts, and carry no inline script', async () => {
    const docs = await t.app.http.inject('/api/v1/docs');
    expect(docs.statusCode).toBe(200);
    expectSecurityHeaders('docs page', docs, true);
    expect(docs.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = await t.app.http.inject('/api/v1/docs/swagger-ui.css');
    expectSecurityHeaders('docs asset', asset);
    expect(asset.headers['cache-control']).toBe('public, max-age=3600');
  });
});

describe('GraphiQL in development', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'development' } });
  });
  afterAll(async () => t?.close());

  it('runs under the pages’ CSP: its own script is a file, the configuration a data block', async () => {
    const page = await t.app.http.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders('GraphiQL', page, true);
    const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(3);
    for (const attributes of scripts) expect(attributes, attributes).toMatch(/\bsrc="\/graphiql\/|type="application\/json"/);
    const start = await t.app.http.inject('/graphiql/start.js');
    expect([start.statusCode, start.headers['content-type']]).toEqual([200, 'text/javascript']);
    expect(start.body).toContain("JSON.parse(document.getElementById('config').textContent)");
  });
});

describe('in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...PRODUCTION_ENV, METRICS_PORT: '9999' } });
  });
  afterAll(async () => t?.close());

  it('serves /metrics only on its own server (METRICS_PORT, bound to 127.0.0.1 by main.ts), not on the public port', async () => {
    const publicPort = await t.app.http.inject('/metrics');
    expect(publicPort.statusCode).toBe(404);
    expectSecurityHeaders('404', publicPort);
    expect(t.app.metricsHttp).toBeDefined();
    const own = await t.app.metricsHttp!.inject('/metrics');
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('samenloop_http_request_duration_seconds');
    expectSecurityHeaders('metrics port', own);
  });

  it('answers the API with the same headers', async () => {
    const response = await t.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{"query":"{ me { sub } }"}' });
    expectSecurityHeaders('production GraphQL', response);
  });
});
