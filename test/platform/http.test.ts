import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError, QUERY_LIMITS } from '../../src/platform/graphql/apollo.js';
import { createLogger } from '../../src/platform/logging.js';
import { PRODUCTION_ENV, Role, startTestApp, type TestApp } from '../support/test-app.js';

describe('HTTP surface', () => {
  let t: TestApp;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    t = await startTestApp({ logger: createLogger('info', sink) });
  });
  afterAll(async () => t?.close());

  it('/healthz says the process is alive, /readyz that the database is migrated', async () => {
    expect((await t.app.http.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.http.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('/metrics serves Prometheus text with request and operation counters', async () => {
    await (await t.as('IGJ', [Role.PLANNER])).ok('{ organisations { code } }');
    const response = await t.app.http.inject('/metrics');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/samenloop_http_request_duration_seconds_bucket\{.*route="\/graphql"/);
    expect(response.body).toMatch(/samenloop_graphql_operations_total\{.*operation="organisations",type="query",outcome="ok"/);
    expect(response.body).toMatch(/samenloop_sql_statements_total\{service="samenloop"\} [1-9]/);
  });

  it('gives every answer a request id, and logs one JSON line per request without credentials', async () => {
    const client = await t.as('IGJ', [Role.PLANNER]);
    const response = await t.app.http.inject({
      method: 'POST',
      url: '/graphql?probe=1',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
      payload: JSON.stringify({ query: '{ me { sub } }' }),
    });
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = logLines.find((entry) => entry.reqId === requestId && entry.msg === 'request');
    expect(line).toMatchObject({ level: 'info', method: 'POST', path: '/graphql', status: 200, service: 'samenloop' });
    expect(JSON.stringify(logLines)).not.toContain(client.token!);
  });

  it('passes the graphql-http GraphQL-over-HTTP audit with no errors', async () => {
    await t.app.http.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.http.server.address() as AddressInfo;
    const results = await auditServer({ url: `http://127.0.0.1:${port}/graphql` });
    const errors = results.filter((result) => result.status === 'error');
    expect(errors.map((result) => `${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`)).toEqual([]);
    expect(results.filter((result) => result.status === 'ok').length).toBeGreaterThan(20);
  });

  describe('refuses abusive queries with a 400, before running them', () => {
    let client: Awaited<ReturnType<TestApp['as']>>;
    beforeAll(async () => {
      client = await t.as('IGJ', [Role.PLANNER]);
    });

    it('too deep', async () => {
      let selection = 'id';
      for (let depth = 0; depth < QUERY_LIMITS.maxDepth + 2; depth++) selection = `node { ${selection} }`;
      const result = await client.request(`{ providers { edges { ${selection} } } }`);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('too many aliases', async () => {
      const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { sub }`).join(' ');
      const result = await client.request(`{ ${aliases} }`);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.message).toMatch(/alias/i);
    });

    it('too many tokens', async () => {
      const fields = Array.from({ length: QUERY_LIMITS.maxTokens }, () => 'sub').join(' ');
      const result = await client.request(`{ me { ${fields} } }`);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.message).toMatch(/token/i);
    });

    it('too costly', async () => {
      const page = 'providers(first: 100) { edges { node { locations { id name postcode city country } sectors name } } }';
      const aliases = Array.from({ length: 25 }, (_, i) => `p${i}: ${page}`).join(' ');
      const result = await client.request(`{ ${aliases} }`);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.message).toMatch(/cost/i);
    });

    it('syntax errors are 400s too, not 500s', async () => {
      const result = await client.request('{ me { sub ');
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    });
  });

  it('a refusal before anything runs answers 401 (with a Bearer challenge) or 403, with its code — never a 500', async () => {
    const ask = (authorization?: string) =>
      t.app.http.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        payload: JSON.stringify({ query: '{ providers { totalCount } }' }),
      });
    const missing = await ask();
    expect([missing.statusCode, missing.headers['www-authenticate'], missing.json().errors[0].extensions.code]).toEqual([401, 'Bearer', 'UNAUTHENTICATED']);
    const rejected = await ask('Bearer not.a.token');
    expect([rejected.statusCode, rejected.json().errors[0]]).toEqual([401, { message: 'The access token was rejected.', extensions: { code: 'UNAUTHENTICATED' } }]);
    const forbidden = await ask(`Bearer ${(await t.as('IGJ', [])).token}`);
    expect([forbidden.statusCode, forbidden.json().errors[0].extensions.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('keeps stack traces out of answers outside development', async () => {
    const result = await (await t.as('IGJ', [Role.PLANNER])).request('{ providers(first: 0) { totalCount } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
  });
});

describe('formatError', () => {
  it('answers an unexpected error with a bare INTERNAL_SERVER_ERROR, never its message or SQL', () => {
    const logged: unknown[] = [];
    const logger = { error: (...args: unknown[]) => logged.push(args) } as never;
    const formatted = formatError(
      { message: 'relation "secret_table" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
      new Error('relation "secret_table" does not exist'),
      logger,
      false,
    );
    expect(formatted).toEqual({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toHaveLength(1);
  });
});

describe('production mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: PRODUCTION_ENV,
    });
  });
  afterAll(async () => t?.close());

  it('turns introspection off and serves no GraphiQL', async () => {
    const result = await (await t.as('IGJ', [Role.PLANNER])).request('{ __schema { queryType { name } } }');
    expect(result.errors?.[0]?.message).toMatch(/introspection/i);
    const page = await t.app.http.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    expect(page.body).not.toContain('graphiql');
    expect((await t.app.http.inject('/graphiql/graphiql.js')).statusCode).toBe(404);
  });
});

describe('development mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'development' } });
  });
  afterAll(async () => t?.close());

  it('serves GraphiQL from local files, with no internet needed', async () => {
    const page = await t.app.http.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/graphiql/graphiql.js');
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
    for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css']) {
      const response = await t.app.http.inject(`/graphiql/${asset}`);
      expect(response.statusCode).toBe(200);
      expect(response.body.length).toBeGreaterThan(1000);
    }
  });
});
