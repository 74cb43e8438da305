/**
 * Who the organisations are. Five national bodies are fixed; every CBS gemeentecode (`GM` + 4 digits) is a
 * municipality without registration. The kind of an organisation drives the access policy.
 */
export enum OrganisationKind {
  INSPECTORATE = 'INSPECTORATE',
  MARKET_AUTHORITY = 'MARKET_AUTHORITY',
  MUNICIPALITY = 'MUNICIPALITY',
  PROSECUTION = 'PROSECUTION',
  FOREIGN_INSPECTORATE = 'FOREIGN_INSPECTORATE',
}

/**
 * More organisations than can ever take part: the five national bodies and the Netherlands' 342 municipalities,
 * with room. Lists of organisations (and of routings, one per recipient) are capped at this.
 */
export const MAX_ORGANISATIONS = 400;

export interface NationalOrganisation {
  code: string;
  name: string;
  kind: OrganisationKind;
}

export const NATIONAL_ORGANISATIONS: readonly NationalOrganisation[] = [
  { code: 'IGJ', name: 'Inspectie Gezondheidszorg en Jeugd', kind: OrganisationKind.INSPECTORATE },
  { code: 'NZA', name: 'Nederlandse Zorgautoriteit', kind: OrganisationKind.MARKET_AUTHORITY },
  { code: 'IJENV', name: 'Inspectie Justitie en Veiligheid', kind: OrganisationKind.INSPECTORATE },
  { code: 'OM', name: 'Openbaar Ministerie', kind: OrganisationKind.PROSECUTION },
  { code: 'ZORGINSPECTIE', name: 'Zorginspectie (Vlaamse overheid)', kind: OrganisationKind.FOREIGN_INSPECTORATE },
];

const NATIONAL_BY_CODE = new Map(NATIONAL_ORGANISATIONS.map((organisation) => [organisation.code, organisation]));

const MUNICIPALITY_CODE = /^GM\d{4}$/;

export function isMunicipalityCode(code: string): boolean {
  return MUNICIPALITY_CODE.test(code);
}

export function isOrganisationCode(code: string): boolean {
  return NATIONAL_BY_CODE.has(code) || isMunicipalityCode(code);
}

/** The kind of a valid organisation code; undefined for anything else. */
export function organisationKindOf(code: string): OrganisationKind | undefined {
  if (isMunicipalityCode(code)) return OrganisationKind.MUNICIPALITY;
  return NATIONAL_BY_CODE.get(code)?.kind;
}

export function nationalOrganisation(code: string): NationalOrganisation | undefined {
  return NATIONAL_BY_CODE.get(code);
}
