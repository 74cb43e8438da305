import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agbCodeProblem,
  bsnProblem,
  gemeentecodeProblem,
  kboNumberProblem,
  kvkNumberProblem,
  oinProblem,
  vestigingsnummerProblem,
} from '../../src/providers/identifiers.js';

const digitString = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** A valid KBO number built from its first eight digits. */
const validKbo = fc
  .tuple(fc.constantFrom('0', '1'), digitString(7))
  .map(([first, rest]) => {
    const base = `${first}${rest}`;
    return `${base}${String(97 - (Number(base) % 97)).padStart(2, '0')}`;
  });

/** A valid BSN: the ninth digit is chosen so that the 11-proef holds (bases that would need a 10 are skipped). */
const validBsn = digitString(8)
  .map((base) => {
    const sum = [...base].reduce((total, digit, index) => total + (9 - index) * Number(digit), 0);
    return { base, check: sum % 11 };
  })
  .filter(({ base, check }) => check < 10 && !/^0+$/.test(base + check))
  .map(({ base, check }) => `${base}${check}`);

function changeOneDigit(value: string, position: number, delta: number): string {
  const index = position % value.length;
  const digit = (Number(value[index]) + delta) % 10;
  return value.slice(0, index) + String(digit) + value.slice(index + 1);
}

describe('KBO number (mod 97)', () => {
  it('accepts every number whose last two digits are 97 − (first eight mod 97)', () => {
    fc.assert(fc.property(validKbo, (kbo) => kboNumberProblem(kbo) === undefined));
  });

  it('catches every single-digit error in the first eight digits', () => {
    fc.assert(
      fc.property(validKbo, fc.nat(7), fc.integer({ min: 1, max: 9 }), (kbo, position, delta) => {
        const changed = changeOneDigit(kbo, position, delta);
        return !/^[01]/.test(changed) || kboNumberProblem(changed) !== undefined;
      }),
    );
  });

  it('catches every swap of two different adjacent digits', () => {
    fc.assert(
      fc.property(validKbo, fc.nat(6), (kbo, position) => {
        const i = position + 1; // keep the leading 0/1
        fc.pre(kbo[i] !== kbo[i + 1]);
        const swapped = kbo.slice(0, i) + kbo[i + 1] + kbo[i] + kbo.slice(i + 2);
        return kboNumberProblem(swapped) !== undefined;
      }),
    );
  });

  it.each(['0412345614', '0876543270', '1234567894'])('accepts %s', (kbo) => {
    expect(kboNumberProblem(kbo)).toBeUndefined();
  });

  it.each([
    ['0412345615', /mod-97/],
    ['2412345614', /starts with 0 or 1/],
    ['041234561', /10 digits/],
    ['0412.345.614', /10 digits/],
    ['', /10 digits/],
  ])('rejects %s', (kbo, message) => {
    expect(kboNumberProblem(kbo)).toMatch(message);
  });
});

describe('BSN (11-proef)', () => {
  it('accepts every number that passes the 11-proef', () => {
    fc.assert(fc.property(validBsn, (bsn) => bsnProblem(bsn) === undefined));
  });

  it('catches every single-digit error', () => {
    fc.assert(
      fc.property(validBsn, fc.nat(8), fc.integer({ min: 1, max: 9 }), (bsn, position, delta) => {
        return bsnProblem(changeOneDigit(bsn, position, delta)) !== undefined;
      }),
    );
  });

  it.each([
    ['123456782', undefined],
    ['111222333', undefined],
    ['123456789', /11-proef/],
    ['000000000', /all zeros/],
    ['12345678', /9 digits/],
    ['1234567890', /9 digits/],
  ])('%s', (bsn, expected) => {
    if (expected) expect(bsnProblem(bsn)).toMatch(expected);
    else expect(bsnProblem(bsn)).toBeUndefined();
  });
});

describe('fixed-length identifiers', () => {
  const cases: Array<[string, (value: string) => string | undefined, number]> = [
    ['KvK number', kvkNumberProblem, 8],
    ['vestigingsnummer', vestigingsnummerProblem, 12],
    ['AGB code', agbCodeProblem, 8],
    ['OIN', oinProblem, 20],
  ];

  it.each(cases)('%s accepts exactly its number of digits and nothing else', (_name, problem, length) => {
    fc.assert(fc.property(digitString(length), (value) => problem(value) === undefined));
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (value) => {
        const valid = new RegExp(`^\\d{${length}}$`).test(value);
        return (problem(value) === undefined) === valid;
      }),
    );
  });

  it('gemeentecode is GM and four digits', () => {
    expect(gemeentecodeProblem('GM0363')).toBeUndefined();
    for (const bad of ['gm0363', 'GM363', 'GM03630', '0363', 'GM 0363']) expect(gemeentecodeProblem(bad)).toBeDefined();
  });

  it('no validator throws, whatever it is given', () => {
    const all = [kboNumberProblem, bsnProblem, gemeentecodeProblem, ...cases.map(([, problem]) => problem)];
    fc.assert(fc.property(fc.string({ maxLength: 64 }), (value) => all.every((problem) => problem(value) === undefined || typeof problem(value) === 'string')));
  });
});
