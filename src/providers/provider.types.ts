import { Directive, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../platform/graphql/connection.js';
import { BelgianRegion, Country, Sector } from './sector.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { MAX_LOCATIONS } from './provider.validation.js';

registerEnumType(Sector, { name: 'Sector', description: 'Care sector of a provider.' });
registerEnumType(Country, { name: 'Country', description: 'Country of a location: the Netherlands or Belgium.' });
registerEnumType(BelgianRegion, { name: 'BelgianRegion', description: 'Region of a Belgian location, from its postcode.' });

@ObjectType('Location', { simpleResolvers: true, description: 'A location (vestiging) of a provider.' })
export class Location {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'KvK vestigingsnummer (12 digits), Dutch locations only.' })
  vestigingsnummer!: string | null;

  @Field(() => String, { nullable: true })
  street!: string | null;

  @Field(() => String)
  postcode!: string;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'CBS gemeentecode of a Dutch location, e.g. GM0363.' })
  municipalityCode!: string | null;

  @Field(() => Country)
  country!: Country;

  @Field(() => BelgianRegion, { nullable: true, description: 'Belgian locations: the region their postcode lies in.' })
  region!: BelgianRegion | null;
}

@Directive('@key(fields: "id")')
@ObjectType('Provider', { simpleResolvers: true, description: 'A care provider (zorgaanbieder).' })
export class Provider {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'KvK number (8 digits) of a Dutch provider.' })
  kvkNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'KBO enterprise number (10 digits) of a Flemish provider.' })
  kboNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'AGB code (8 digits).' })
  agbCode!: string | null;

  @Field(() => [Sector])
  sectors!: Sector[];

  @Field(() => [Location])
  locations!: Location[];

  /** Not in the schema: who registered the provider (the owner of the record for audit purposes). */
  registeredBy!: string;
}

@ObjectType('RegisterProviderPayload', { simpleResolvers: true })
export class RegisterProviderPayload {
  @Field(() => Provider)
  provider!: Provider;

  @Field(() => Boolean, { description: 'False when the provider was already registered under this KvK or KBO number.' })
  created!: boolean;

  @ListSize({ max: MAX_LOCATIONS })
  @Field(() => [Location], { description: `The locations this call added; at most ${MAX_LOCATIONS}.` })
  addedLocations!: Location[];
}

@InputType('LocationInput')
export class LocationInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'KvK vestigingsnummer (12 digits); Dutch locations only.' })
  vestigingsnummer?: string | null;

  @Field(() => String, { nullable: true })
  street?: string | null;

  @Field(() => String, { description: 'Dutch: 1234 AB; Belgian: 4 digits.' })
  postcode!: string;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'CBS gemeentecode; required for Dutch locations.' })
  municipalityCode?: string | null;

  @Field(() => Country, { defaultValue: Country.NL })
  country!: Country;
}

@InputType('RegisterProviderInput')
export class RegisterProviderInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'A Dutch provider has a KvK number.' })
  kvkNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'A Flemish provider has a KBO number.' })
  kboNumber?: string | null;

  @Field(() => String, { nullable: true })
  agbCode?: string | null;

  @Field(() => [Sector], { description: 'The sectors it works in: at least one, each at most once.' })
  sectors!: Sector[];

  @Field(() => [LocationInput], { defaultValue: [], description: `Locations to register or add, at most ${MAX_LOCATIONS} per call.` })
  locations!: LocationInput[];
}

@InputType('ProviderFilter')
export class ProviderFilter {
  @Field(() => String, { nullable: true, description: 'Part of the name, case-insensitive.' })
  name?: string | null;

  @Field(() => String, { nullable: true })
  kvkNumber?: string | null;

  @Field(() => String, { nullable: true })
  kboNumber?: string | null;

  @Field(() => String, { nullable: true })
  agbCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Providers with a location in this municipality.' })
  municipalityCode?: string | null;

  @Field(() => Sector, { nullable: true })
  sector?: Sector | null;
}

export const ProviderConnection = Connection(Provider, 'Provider');
