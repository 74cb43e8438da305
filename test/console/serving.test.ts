import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_OPERATIONS } from '../../src/console/web/api/operations.js';
import { PAGE_CSP } from '../../src/platform/http/security-headers.js';
import { buildGraphQLSchema } from '../../src/schema.js';
import { PRODUCTION_ENV, startTestApp, type TestApp } from '../support/test-app.js';

const WEB = 'src/console/web';
/** The budget for the console's JavaScript, gzipped. */
const JS_BUDGET_BYTES = 200 * 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

describe('the console as served in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: PRODUCTION_ENV, demoPersonas: async () => [{ label: 'must never show', token: 'x.y.z' }] });
  });
  afterAll(async () => t?.close());

  it('is a page under the pages’ CSP, with no inline script and no demo personas', async () => {
    const page = await t.app.http.inject('/console');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(PAGE_CSP).toMatch(/script-src 'self';/);
    expect(page.body).toContain('<html lang="nl">');
    const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toMatch(/\bsrc="\/console\/assets\/[\w.-]+\.js"/);
    expect(page.body).not.toContain('samenloop-personas');
    expect(page.body).not.toContain('must never show');
    // Nothing from another origin: every reference is a path on this server.
    for (const [, url] of page.body.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^\/console\//);
  });

  it('serves the hashed assets, cached long, and answers 404 for anything else', async () => {
    const page = await t.app.http.inject('/console/');
    const [script] = [...page.body.matchAll(/src="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    const asset = await t.app.http.inject(script!);
    expect([asset.statusCode, asset.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect((await t.app.http.inject('/console/assets/nothing.js')).statusCode).toBe(404);
    expect((await t.app.http.inject('/console/assets/..%2F..%2Fpackage.json')).statusCode).toBe(404);
  });

  it(`keeps its JavaScript under ${JS_BUDGET_BYTES / 1024} KB gzipped`, () => {
    const scripts = files('dist/console').filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThan(JS_BUDGET_BYTES);
    expect(gzipped).toBeGreaterThan(5_000); // the real bundle, not an empty build
  });
});

describe('the console in development', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'development' }, demoPersonas: async () => [{ label: 'IGJ planner </script>', token: 'a.b.c' }] });
  });
  afterAll(async () => t?.close());

  it('offers the demo personas as a JSON data block, never as script', async () => {
    const page = await t.app.http.inject('/console');
    const block = /<script id="samenloop-personas" type="application\/json">([^<]*)<\/script>/.exec(page.body);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1]!)).toEqual([{ label: 'IGJ planner </script>', token: 'a.b.c' }]);
  });
});

describe('the console’s code', () => {
  it('sends only operations that the public schema accepts', async () => {
    const schema = await buildGraphQLSchema();
    const problems = Object.entries(ALL_OPERATIONS).flatMap(([name, text]) => validate(schema, parse(text)).map((error) => `${name}: ${error.message}`));
    expect(problems).toEqual([]);
    expect(Object.keys(ALL_OPERATIONS).length).toBeGreaterThan(10);
  });

  it('imports no server code: only its own modules, preact and the NL Design System packages', () => {
    const allowed = /^(\.{1,2}\/|preact($|\/)|@utrecht\/component-library-css$|@nl-design-system-unstable\/voorbeeld-design-tokens\/)/;
    const sources = files(WEB).filter((file) => /\.(ts|tsx|css)$/.test(file));
    const violations: string[] = [];
    for (const file of sources) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s+|@import\s+)'([^']+)'/g)) {
        if (!allowed.test(specifier!)) violations.push(`${file} imports ${specifier}`);
        if (specifier!.startsWith('.') && !path.resolve(path.dirname(file), specifier!).startsWith(path.resolve(WEB))) violations.push(`${file} reaches outside the console: ${specifier}`);
      }
    }
    expect(sources.length).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });
});
