import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';

/** The first implementation, kept as the reference: every digest ever written was made with its output. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${reference(entry)}`).join(',')}}`;
}

describe('canonical JSON (the audit digests and the signals\' content hashes)', () => {
  it('gives exactly the text of the first implementation, for any JSON value and for undefined inside', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.constant(undefined), fc.array(tie('any')), fc.dictionary(fc.string(), tie('any'))),
    })).any;
    fc.assert(fc.property(value, (sample) => canonicalJson(sample) === reference(sample)), { numRuns: 2000 });
  });

  it('sorts keys by code unit at every level and leaves out undefined members', () => {
    expect(canonicalJson({ b: [1, { z: null, a: 'x' }], a: undefined, 'é': true, B: 2 })).toBe('{"B":2,"b":[1,{"a":"x","z":null}],"é":true}');
  });
});
