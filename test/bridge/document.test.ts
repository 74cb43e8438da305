import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { bridgeRouteTable } from '../../openapi-bridge/bridge.js';
import { openApiDocument, printOpenApiDocument } from '../../openapi-bridge/document.js';
import { buildGraphQLSchema } from '../../src/schema.js';

type Operation = { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }> };
const committed = JSON.parse(readFileSync('openapi-bridge/openapi.json', 'utf8')) as { paths: Record<string, Record<string, Operation>>; [key: string]: any };
const operations = Object.entries(committed.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));

describe('the OpenAPI document', () => {
  it('is what the route table and the GraphQL schema generate (regenerate with npm run schema:emit)', async () => {
    expect(readFileSync('openapi-bridge/openapi.json', 'utf8')).toBe(printOpenApiDocument(openApiDocument(await buildGraphQLSchema(), bridgeRouteTable())));
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(committed as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route of the contract', () => {
    expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual([
      'GET /events',
      'GET /public/enforcement-actions',
      'GET /signals',
      'GET /signals/{id}',
      'GET /visits',
      'POST /signals',
      'POST /signals/bulk',
      'POST /signals/{id}/routings/{routingId}/decision',
      'POST /visit-conflict-checks',
    ]);
  });

  describe('follows the machine-checkable core of the NL API Design Rules 2.2', () => {
    it('version, contact and a server URL with the major version', () => {
      expect(committed.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(committed.info.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(Object.keys(committed.info.contact).sort()).toEqual(['email', 'name', 'url']);
      expect(committed.servers.map((server: { url: string }) => server.url)).toEqual(['/api/v1']);
    });

    it('kebab-case path segments without trailing slash, camelCase query parameters', () => {
      for (const { path, operation } of operations) {
        expect(path).not.toMatch(/\/$/);
        for (const segment of path.split('/').filter(Boolean)) expect(segment, path).toMatch(/^([a-z][a-z0-9]*(-[a-z0-9]+)*|\{[a-z][A-Za-z0-9]*\})$/);
        for (const parameter of operation.parameters ?? []) expect(parameter.name, path).toMatch(/^[a-z][A-Za-z0-9]*$/);
      }
    });

    it('every 2xx answer documents API-Version; every error is problem+json with status, title and detail', () => {
      const problem = committed.components.schemas.Problem;
      expect(problem.required).toEqual(expect.arrayContaining(['status', 'title', 'detail', 'type', 'instance']));
      for (const { path, method, operation } of operations) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(response.headers?.['API-Version'], `${method} ${path} ${status}`).toBeDefined();
          const types = Object.keys(response.content ?? {});
          const expected = Number(status) >= 400 ? 'application/problem+json' : path === '/events' ? 'application/cloudevents-batch+json' : 'application/json';
          expect(types, `${method} ${path} ${status}`).toEqual([expected]);
        }
      }
    });

    it('every POST, and every GET with parameters, documents a 400', () => {
      for (const { path, method, operation } of operations) {
        if (method === 'post' || (operation.parameters ?? []).length > 0) expect(Object.keys(operation.responses), `${method} ${path}`).toContain('400');
      }
    });

    it('dates are format date, moments format date-time; no personal data in a URL', () => {
      const text = JSON.stringify(committed);
      expect([...text.matchAll(/"\w+(?:At|On|Until)":\{"type"/g)].length).toBeGreaterThan(10);
      for (const match of text.matchAll(/"(\w+(?:At|On|Until))":\{"type":(?:"string"|\["string","null"\])(,"format":"([\w-]+)")?/g)) {
        expect(match[3], match[1]).toBe(match[1]!.endsWith('At') ? 'date-time' : 'date');
      }
      for (const { operation } of operations) {
        for (const parameter of operation.parameters ?? []) expect(parameter.name).not.toMatch(/bsn|name|subject/i);
      }
    });
  });
});
