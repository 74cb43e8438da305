import { ArrayType, Check, Collection, Entity, Index, ManyToOne, OneToMany, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { OrganisationEntity } from '../organisations/index.js';
import { LocationEntity } from './location.entity.js';
import type { Sector } from './sector.js';

/** A care provider (zorgaanbieder): Dutch ones are identified by KvK number, Flemish ones by KBO number. */
@Entity({ tableName: 'provider' })
@Check({ name: 'provider_one_register_number', expression: 'num_nonnulls(kvk_number, kbo_number) = 1' })
@Index({ name: 'provider_name_index', expression: 'create index provider_name_index on provider (lower(name), id)' })
export class ProviderEntity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'string', length: 8, nullable: true, unique: 'provider_kvk_number_unique' })
  kvkNumber?: string | null;

  @Property({ type: 'string', length: 10, nullable: true, unique: 'provider_kbo_number_unique' })
  kboNumber?: string | null;

  @Property({ type: 'string', length: 8, nullable: true })
  @Index({ name: 'provider_agb_code_index' })
  agbCode?: string | null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  sectors: Sector[] = [];

  @ManyToOne(() => OrganisationEntity, { fieldName: 'registered_by', ref: true })
  registeredBy!: Ref<OrganisationEntity>;

  @OneToMany(() => LocationEntity, (location) => location.provider)
  locations = new Collection<LocationEntity>(this);

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
