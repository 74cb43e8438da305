import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstorableVariable } from '../../src/platform/graphql/text-guard.js';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';

/** The first implementation, which built every path on the way down: the reference for the answers. */
function reference(value: unknown, path: string): string | undefined {
  const storable = (text: string) => !text.includes('\u0000') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
  if (typeof value === 'string') return storable(value) ? undefined : path || 'variables';
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = reference(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!storable(key)) return path || 'variables';
      const found = reference(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

describe('text that cannot be stored, in the variables', () => {
  it('is found at the same place as by the first implementation, for any variables', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('a\u0000b', '\ud800', 'x\udc00', '\ud83d\ude00'));
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('any')), fc.dictionary(text, tie('any'))),
    })).any;
    fc.assert(fc.property(fc.dictionary(text, value), (variables) => unstorableVariable(variables) === reference(variables, '')), { numRuns: 3000 });
  });

  it('names the field of a bulk item, and the object whose key holds the character', () => {
    expect(unstorableVariable({ input: [{ summary: 'ok' }, { providers: [{ id: 'a' }], summary: 'a\u0000' }] })).toBe('input[1].summary');
    expect(unstorableVariable({ input: { ['k\ud800']: 1 } })).toBe('input');
    expect(unstorableVariable({ ['\u0000']: 1 })).toBe('variables');
    expect(unstorableVariable({ input: [{ summary: '\ud83d\ude00' }] })).toBeUndefined();
  });
});

describe('text that cannot be stored, in the query itself', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  // The literal check is made once per parsed document; Apollo gives every request with the same text that document.
  it('is refused every time the same query comes, and a query with storable literals answers every time', async () => {
    const client = await t.as('IGJ', [Role.PLANNER]);
    // A NUL written as an escape; GraphQL's parser itself refuses an escaped lone surrogate.
    const query = '{ providers(first: 1, filter: { name: "a\\u0000b" }) { edges { node { id } } } }';
    for (let time = 0; time < 3; time++) {
      const refusal = await client.fails(query);
      expect([refusal.code, refusal.field, refusal.result.status]).toEqual(['BAD_USER_INPUT', 'query', 400]);
    }
    for (let time = 0; time < 3; time++) {
      const answer = await client.request('{ providers(first: 1, filter: { name: "zorg \\ud83d\\ude00" }) { edges { node { id } } } }');
      expect([answer.status, answer.errors]).toEqual([200, undefined]);
    }
  });
});
