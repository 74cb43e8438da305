import { Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { BelgianRegion, Country } from './sector.js';
import { OrganisationEntity } from '../organisations/index.js';
import { ProviderEntity } from './provider.entity.js';

/** A location (vestiging) of a provider. Dutch locations lie in one municipality, which may supervise it. */
@Entity({ tableName: 'location' })
@Check({ name: 'location_dutch_municipality', expression: "country <> 'NL' or municipality_code is not null" })
@Check({ name: 'location_belgian_region', expression: "(country = 'BE') = (region is not null)" })
@Index({ name: 'location_municipality_index', properties: ['municipalityCode', 'provider'] })
export class LocationEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => ProviderEntity, { ref: true, index: 'location_provider_index' })
  provider!: Ref<ProviderEntity>;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'string', length: 12, nullable: true, unique: 'location_vestigingsnummer_unique' })
  vestigingsnummer?: string | null;

  @Property({ type: 'text', nullable: true })
  street?: string | null;

  @Property({ type: 'string', length: 10 })
  postcode!: string;

  @Property({ type: 'text', nullable: true })
  city?: string | null;

  @Property({ type: 'string', length: 6, nullable: true })
  municipalityCode?: string | null;

  @Enum({ items: () => Country, type: 'string' })
  country!: Country;

  /** Belgian locations: FLANDERS, BRUSSELS or WALLONIA, from the postcode. Decides Zorginspectie's reach. */
  @Enum({ items: () => BelgianRegion, type: 'string', nullable: true })
  region?: BelgianRegion | null;

  @ManyToOne(() => OrganisationEntity, { fieldName: 'registered_by', ref: true })
  registeredBy!: Ref<OrganisationEntity>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
