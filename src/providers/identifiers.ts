/**
 * Validation of the public identifiers of care providers and persons (see docs/glossary.md). Each function
 * answers with a sentence describing what is wrong, or undefined when the value is valid.
 */

import { BelgianRegion } from './sector.js';

const digits = (count: number) => new RegExp(`^\\d{${count}}$`);

export function kvkNumberProblem(value: string): string | undefined {
  return digits(8).test(value) ? undefined : 'a KvK number has exactly 8 digits';
}

export function vestigingsnummerProblem(value: string): string | undefined {
  return digits(12).test(value) ? undefined : 'a vestigingsnummer has exactly 12 digits';
}

export function agbCodeProblem(value: string): string | undefined {
  return digits(8).test(value) ? undefined : 'an AGB code has exactly 8 digits';
}

/** Belgian enterprise number: 10 digits, starting with 0 or 1, the last two being 97 − (first eight mod 97). */
export function kboNumberProblem(value: string): string | undefined {
  if (!digits(10).test(value)) return 'a KBO number has exactly 10 digits (write it without dots or spaces)';
  if (value[0] !== '0' && value[0] !== '1') return 'a KBO number starts with 0 or 1';
  const base = Number(value.slice(0, 8));
  const check = Number(value.slice(8));
  return 97 - (base % 97) === check ? undefined : 'the KBO number fails its mod-97 check';
}

/** Burgerservicenummer: 9 digits passing the 11-proef (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod 11), not all zeros. */
export function bsnProblem(value: string): string | undefined {
  if (!digits(9).test(value)) return 'a BSN has exactly 9 digits';
  if (/^0+$/.test(value)) return 'a BSN cannot be all zeros';
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(value[i]);
  sum -= Number(value[8]);
  return sum % 11 === 0 ? undefined : 'the BSN fails the 11-proef';
}

export function gemeentecodeProblem(value: string): string | undefined {
  return /^GM\d{4}$/.test(value) ? undefined : 'a gemeentecode is GM followed by 4 digits, e.g. GM0363';
}

export function oinProblem(value: string): string | undefined {
  return digits(20).test(value) ? undefined : 'an OIN has exactly 20 digits';
}

export function dutchPostcodeProblem(value: string): string | undefined {
  return /^[1-9]\d{3} ?[A-Z]{2}$/.test(value) ? undefined : 'a Dutch postcode is 4 digits and 2 capital letters, e.g. 1012 AB';
}

export function belgianPostcodeProblem(value: string): string | undefined {
  return /^[1-9]\d{3}$/.test(value) ? undefined : 'a Belgian postcode has 4 digits, e.g. 2000';
}

/**
 * The Belgian region of a (valid) Belgian postcode: 1000–1299 Brussels; 1300–1499 and 4000–7999 Wallonia;
 * 1500–3999 and 8000–9999 Flanders. It decides whose reach a Belgian location is in (access/scope.ts).
 */
export function belgianRegionOf(postcode: string): BelgianRegion {
  const code = Number(postcode);
  if (code >= 1000 && code <= 1299) return BelgianRegion.BRUSSELS;
  if ((code >= 1300 && code <= 1499) || (code >= 4000 && code <= 7999)) return BelgianRegion.WALLONIA;
  return BelgianRegion.FLANDERS;
}

/** Dutch postcodes are stored as `1234 AB`. */
export function normaliseDutchPostcode(value: string): string {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return `${compact.slice(0, 4)} ${compact.slice(4)}`;
}
