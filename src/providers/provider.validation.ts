import { InputProblems } from '../platform/errors.js';
import {
  agbCodeProblem,
  belgianPostcodeProblem,
  belgianRegionOf,
  dutchPostcodeProblem,
  gemeentecodeProblem,
  kboNumberProblem,
  kvkNumberProblem,
  normaliseDutchPostcode,
  vestigingsnummerProblem,
} from './identifiers.js';
import { BelgianRegion, Country, Sector } from './sector.js';

export const MAX_NAME_LENGTH = 200;
export const MAX_LOCATIONS = 200;

export interface LocationDraft {
  name: string;
  vestigingsnummer: string | null;
  street: string | null;
  postcode: string;
  city: string | null;
  municipalityCode: string | null;
  country: Country;
  /** Belgian locations only: the region their postcode lies in. */
  region: BelgianRegion | null;
}

export interface ProviderDraft {
  name: string;
  kvkNumber: string | null;
  kboNumber: string | null;
  agbCode: string | null;
  sectors: Sector[];
  locations: LocationDraft[];
}

export interface RegisterProviderFields {
  name: string;
  kvkNumber?: string | null;
  kboNumber?: string | null;
  agbCode?: string | null;
  sectors: readonly string[];
  locations?: ReadonlyArray<{
    name: string;
    vestigingsnummer?: string | null;
    street?: string | null;
    postcode: string;
    city?: string | null;
    municipalityCode?: string | null;
    country?: string | null;
  }> | null;
}

const trimmed = (value: string | null | undefined): string | null => {
  const result = value?.trim();
  return result ? result : null;
};

/**
 * Checks a registration and normalises it (trimmed text, postcodes as `1234 AB`). Every problem is collected
 * with the path of its field, so the caller hears about all of them at once.
 */
export function validateRegistration(input: RegisterProviderFields, field = 'input'): ProviderDraft {
  const problems = new InputProblems();
  const name = trimmed(input.name) ?? '';
  problems.check(name.length > 0, `${field}.name`, 'name must not be empty.');
  problems.check(name.length <= MAX_NAME_LENGTH, `${field}.name`, `name is longer than ${MAX_NAME_LENGTH} characters.`);

  const kvkNumber = trimmed(input.kvkNumber);
  const kboNumber = trimmed(input.kboNumber);
  if ((kvkNumber === null) === (kboNumber === null)) {
    problems.add(`${field}.kvkNumber`, 'give exactly one of kvkNumber (Dutch provider) or kboNumber (Flemish provider).');
  }
  checkIdentifier(problems, `${field}.kvkNumber`, kvkNumber, kvkNumberProblem);
  checkIdentifier(problems, `${field}.kboNumber`, kboNumber, kboNumberProblem);
  const agbCode = trimmed(input.agbCode);
  checkIdentifier(problems, `${field}.agbCode`, agbCode, agbCodeProblem);

  const sectors = [...input.sectors] as Sector[];
  problems.check(sectors.length > 0, `${field}.sectors`, 'name at least one sector.');
  problems.check(new Set(sectors).size === sectors.length, `${field}.sectors`, 'sectors contains duplicates.');
  for (const [index, sector] of sectors.entries()) {
    problems.check(Object.values(Sector).includes(sector), `${field}.sectors[${index}]`, `${String(sector)} is not a sector.`);
  }

  const locationInputs = input.locations ?? [];
  problems.check(locationInputs.length <= MAX_LOCATIONS, `${field}.locations`, `at most ${MAX_LOCATIONS} locations at once.`);
  const locations = locationInputs.slice(0, MAX_LOCATIONS).map((location, index) =>
    validateLocation(location, `${field}.locations[${index}]`, problems),
  );
  const numbers = locations.map((location) => location.vestigingsnummer).filter((number) => number !== null);
  problems.check(new Set(numbers).size === numbers.length, `${field}.locations`, 'two locations have the same vestigingsnummer.');
  const places = locations.map(placeKey);
  problems.check(new Set(places).size === places.length, `${field}.locations`, 'the same location is listed twice.');

  problems.throwIfAny();
  return { name, kvkNumber, kboNumber, agbCode, sectors, locations };
}

function validateLocation(
  input: NonNullable<RegisterProviderFields['locations']>[number],
  field: string,
  problems: InputProblems,
): LocationDraft {
  const name = trimmed(input.name) ?? '';
  problems.check(name.length > 0, `${field}.name`, 'a location needs a name.');
  problems.check(name.length <= MAX_NAME_LENGTH, `${field}.name`, `name is longer than ${MAX_NAME_LENGTH} characters.`);
  const street = trimmed(input.street);
  problems.check((street?.length ?? 0) <= MAX_NAME_LENGTH, `${field}.street`, `street is longer than ${MAX_NAME_LENGTH} characters.`);
  const city = trimmed(input.city);
  problems.check((city?.length ?? 0) <= 100, `${field}.city`, 'city is longer than 100 characters.');

  const country = (input.country ?? Country.NL) as Country;
  const vestigingsnummer = trimmed(input.vestigingsnummer);
  const municipalityCode = trimmed(input.municipalityCode);
  let postcode = trimmed(input.postcode) ?? '';
  let region: BelgianRegion | null = null;
  if (country === Country.NL) {
    postcode = normaliseDutchPostcode(postcode);
    checkIdentifier(problems, `${field}.postcode`, postcode, dutchPostcodeProblem);
    checkIdentifier(problems, `${field}.vestigingsnummer`, vestigingsnummer, vestigingsnummerProblem);
    if (municipalityCode === null) problems.add(`${field}.municipalityCode`, 'a Dutch location needs its gemeentecode.');
    checkIdentifier(problems, `${field}.municipalityCode`, municipalityCode, gemeentecodeProblem);
  } else if (country === Country.BE) {
    if (checkIdentifier(problems, `${field}.postcode`, postcode, belgianPostcodeProblem)) {
      region = belgianRegionOf(postcode);
      // No party here supervises care in Wallonia (docs/authorization.md): such a location would be in nobody's reach.
      problems.check(region !== BelgianRegion.WALLONIA, `${field}.postcode`, `Postcode ${postcode} lies in Wallonia, outside the reach of every supervisor here.`);
    }
    problems.check(vestigingsnummer === null, `${field}.vestigingsnummer`, 'a vestigingsnummer exists only for Dutch locations.');
    problems.check(municipalityCode === null, `${field}.municipalityCode`, 'a gemeentecode exists only for Dutch locations.');
  } else {
    problems.add(`${field}.country`, `${String(country)} is not a supported country (NL or BE).`);
  }
  return { name, vestigingsnummer, street, postcode, city, municipalityCode, country, region };
}

function checkIdentifier(
  problems: InputProblems,
  field: string,
  value: string | null,
  problemOf: (value: string) => string | undefined,
): boolean {
  if (value === null) return true;
  const problem = problemOf(value);
  if (problem) problems.add(field, `${capitalise(problem)} (got "${value.slice(0, 40)}").`);
  return !problem;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Two location drafts without a vestigingsnummer are the same location when they share country, postcode and name. */
export function placeKey(location: Pick<LocationDraft, 'country' | 'postcode' | 'name'>): string {
  return `${location.country}|${location.postcode}|${location.name.toLowerCase()}`;
}
