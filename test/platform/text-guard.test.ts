import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unstorableVariable } from '../../src/platform/graphql/text-guard.js';

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
